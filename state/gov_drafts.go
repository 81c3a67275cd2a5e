package state

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// Drafts. A draft is a proposal its author is still writing, and only they
// may read it (ReadDrafts). Every member reads the community's log, so a
// draft is not in it: it lives in the private keyspace, numbered per
// member (d1, d2, ... : the numbers say nothing about anyone else's), and
// reaches the log only when its author opens it, as an ordinary
// proposal.created. Deleting a draft, or leaving, leaves no trace in the
// log.

const (
	// prefixDraft + member/number holds a draft (privateDraft JSON).
	prefixDraft = "p/draft/"
	// prefixDraftNext + member holds the member's next draft number.
	prefixDraftNext = "p/draftnext/"
	// MaxDrafts is how many drafts one member keeps at a time.
	MaxDrafts = 20
)

// privateDraft is a draft as stored: a proposal checked as it would be
// opened, without an ID.
type privateDraft struct {
	Kind    string   `json:"kind"`
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Method  string   `json:"method"`
	Options []string `json:"options"`
	Action  Action   `json:"action"`
	Saved   int64    `json:"saved"` // unix ms
}

// DraftName is how people name draft n: "d3".
func DraftName(n uint64) string { return "d" + strconv.FormatUint(n, 10) }

// ParseDraftName reads "d3" (or "D3"); ok is false for anything else.
func ParseDraftName(s string) (uint64, bool) {
	if len(s) < 2 || (s[0] != 'd' && s[0] != 'D') {
		return 0, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s[1:], 10, 64)
	return n, err == nil && n > 0
}

func getDraft(r Reader, member, n uint64) (privateDraft, bool) {
	var d privateDraft
	v, ok := r.Get(privKey(prefixDraft, member, n))
	if !ok {
		return d, false
	}
	if err := json.Unmarshal(v, &d); err != nil {
		panic(corruptError{key: privKey(prefixDraft, member, n), err: err})
	}
	return d, true
}

// draftNumbers lists member's draft numbers in order.
func draftNumbers(r Reader, member uint64) []uint64 {
	prefix := privKey(prefixDraft, member) + "/"
	var out []uint64
	r.Scan(prefix, func(k string, _ []byte) bool {
		if n, err := strconv.ParseUint(k[len(prefix):], 10, 64); err == nil {
			out = append(out, n)
		}
		return true
	})
	return out
}

// SaveDraft keeps a proposal as the asking member's draft, outside the
// log. It is checked as NewProposal checks it (and checked again when
// opened); it writes no event. Use Hub.SaveDraft, which says the number.
type SaveDraft struct {
	Proposal NewProposal
	// saved receives the draft's number once written.
	saved *uint64
}

func (c SaveDraft) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if _, err := c.Proposal.checked(r); err != nil {
		return 0, nil, err
	}
	if n := len(draftNumbers(r, m.ID)); n >= MaxDrafts {
		return 0, nil, fmt.Errorf("you have %d drafts, the most kept at a time: open or delete one first", n)
	}
	return m.ID, nil, nil
}

func (c SaveDraft) private(w Writer, env Env, actor uint64, _ []Event) {
	pc, err := c.Proposal.checked(w)
	if err != nil {
		panic(err) // Decide checked the same state
	}
	n := uint64(1)
	if v, ok := w.Get(privKey(prefixDraftNext, actor)); ok {
		n, _ = strconv.ParseUint(string(v), 10, 64)
	}
	w.Set(privKey(prefixDraftNext, actor), []byte(strconv.FormatUint(n+1, 10)))
	v, err := json.Marshal(privateDraft{Kind: pc.Kind, Title: pc.Title, Body: pc.Body, Method: pc.Method,
		Options: pc.Options, Action: pc.Action, Saved: env.Time})
	if err != nil {
		panic(err)
	}
	w.Set(privKey(prefixDraft, actor, n), v)
	if c.saved != nil {
		*c.saved = n
	}
}

// OpenDraft publishes the asking member's draft N: it becomes an ordinary
// proposal.created, checked again against the state of now (rules, the
// daily limit), and the draft is gone.
type OpenDraft struct{ N uint64 }

func (c OpenDraft) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	d, ok := getDraft(r, m.ID, c.N)
	if !ok {
		return 0, nil, notFound("you have no draft %s", DraftName(c.N))
	}
	return NewProposal{Kind: d.Kind, Title: d.Title, Body: d.Body, Method: d.Method, Options: d.Options, Action: d.Action}.Decide(r, env)
}

func (c OpenDraft) private(w Writer, _ Env, actor uint64, _ []Event) {
	w.Delete(privKey(prefixDraft, actor, c.N))
}

// DeleteDraft deletes the asking member's draft N.
type DeleteDraft struct{ N uint64 }

func (c DeleteDraft) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := getDraft(r, m.ID, c.N); !ok {
		return 0, nil, notFound("you have no draft %s", DraftName(c.N))
	}
	return m.ID, nil, nil
}

func (c DeleteDraft) private(w Writer, _ Env, actor uint64, _ []Event) {
	w.Delete(privKey(prefixDraft, actor, c.N))
}

// SaveDraft saves p as a draft of the member with key a and returns its
// number.
func (h *Hub) SaveDraft(ctx context.Context, a Actor, p NewProposal) (uint64, error) {
	var n uint64
	if _, err := h.Submit(ctx, a, SaveDraft{Proposal: p, saved: &n}); err != nil {
		return 0, err
	}
	return n, nil
}

// Drafts lists the reader's own drafts as proposals in the draft state
// (ID 0, Draft their number), in number order. Nobody else's drafts can
// be asked for.
func (h *Hub) Drafts(rd Reading) (out []ProposalView, err error) {
	if rd.Member == nil {
		return nil, ErrVisitor
	}
	me := *rd.Member
	if !MayRead(ReadDrafts, Reading{Member: &me, Owner: me.ID}) {
		return nil, ErrVisitor
	}
	err = h.View(func(r Reader) error {
		for _, n := range draftNumbers(r, me.ID) {
			d, _ := getDraft(r, me.ID, n)
			out = append(out, draftView(r, me, n, d))
		}
		return nil
	})
	return out, err
}

// Draft returns the reader's own draft n.
func (h *Hub) Draft(rd Reading, n uint64) (ProposalView, error) {
	ds, err := h.Drafts(rd)
	if err != nil {
		return ProposalView{}, err
	}
	for _, d := range ds {
		if d.Draft == n {
			return d, nil
		}
	}
	return ProposalView{}, notFound("you have no draft %s", DraftName(n))
}

func draftView(r Reader, me Member, n uint64, d privateDraft) ProposalView {
	rules, _ := RulesFor(r, d.Kind)
	p := Proposal{Author: me.ID, Kind: d.Kind, Title: d.Title, Body: d.Body, Method: d.Method, Options: d.Options,
		Action: d.Action, State: PropDraft, Rules: rules, Created: d.Saved}
	return ProposalView{Proposal: p, Draft: n, AuthorName: me.Name,
		Tally: Tally{Method: p.Method, Options: p.Options, Winner: -1, State: PropDraft, QuorumBP: rules.QuorumBP, ThresholdBP: rules.ThresholdBP}}
}

// forgetMember deletes everything private that is a member's own: their
// drafts and preferences. Leaving calls it.
func forgetMember(w Writer, member uint64) {
	for _, n := range draftNumbers(w, member) {
		w.Delete(privKey(prefixDraft, member, n))
	}
	w.Delete(privKey(prefixDraftNext, member))
	w.Delete(privKey(prefixPref, member))
}

// A member who leaves loses their drafts and preferences, in the same
// transaction as their member.left.
func (c Leave) private(w Writer, _ Env, actor uint64, _ []Event) { forgetMember(w, actor) }

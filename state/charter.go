package state

import (
	"fmt"
	"strconv"

	"github.com/polis-hub/polis/state/markdown"
	"github.com/polis-hub/polis/state/sanitize"
)

// A charter is the text members consent to when they join. A fresh hub has
// none; a steward adopts the first, and after that only a passed charter
// proposal changes it, so the rules people agreed to cannot be rewritten by
// whoever runs the machine.

// MaxCharterLen bounds a charter, in characters (proposal bodies share it).
const MaxCharterLen = MaxBodyLen

// KindCharter proposals carry a new charter version in their body.
const KindCharter = "charter"

// Charter is one adopted version of the charter.
type Charter struct {
	Version  int    `json:"version"`
	Text     string `json:"text"`
	Adopted  int64  `json:"adopted"`
	By       uint64 `json:"by"`                 // the steward who set the first one, or the proposal's author
	Proposal uint64 `json:"proposal,omitempty"` // the proposal that adopted it
	Seq      uint64 `json:"seq"`
}

// CharterAdopted sets a new charter version. The first is a steward's
// command; later ones are emitted when a charter proposal executes, inside
// the same command that closes it.
type CharterAdopted struct {
	Version  int    `json:"version"`
	Text     string `json:"text"`
	Proposal uint64 `json:"proposal"`
}

// ConsentGiven records that a member (or an applicant, before they are a
// member) consented to a charter version.
type ConsentGiven struct {
	Member      uint64 `json:"member"`
	Application uint64 `json:"application"`
	Version     int    `json:"version"`
}

func (CharterAdopted) EventType() string { return "charter.adopted" }
func (ConsentGiven) EventType() string   { return "consent.given" }

func init() {
	register(func() Body { return &CharterAdopted{} })
	register(func() Body { return &ConsentGiven{} })
}

const (
	keyCharterHead = "s/charter"
	prefixCharter  = "s/charter/"
	prefixConsent  = "s/consent/" // s/consent/<application>: version the applicant consented to
	// prefixCharterBy marks proposals that adopted a charter, so one
	// passed proposal cannot be replayed into two versions.
	prefixCharterBy = "s/charterby/"
)

// CurrentCharter returns the charter in force, if any.
func CurrentCharter(r Reader) (Charter, bool) {
	b, ok := r.Get(keyCharterHead)
	if !ok {
		return Charter{}, false
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		panic(corruptError{key: keyCharterHead, err: err})
	}
	return GetCharter(r, v)
}

// GetCharter returns charter version v.
func GetCharter(r Reader, v int) (c Charter, ok bool) {
	ok = getJSON(r, idKey(prefixCharter, uint64(v)), &c)
	return c, ok
}

// CharterVersion is the version in force, 0 when there is none.
func CharterVersion(r Reader) int {
	c, _ := CurrentCharter(r)
	return c.Version
}

// ListCharters returns every version, oldest first.
func ListCharters(r Reader) (out []Charter) {
	r.Scan(prefixCharter, func(k string, _ []byte) bool {
		var c Charter
		getJSON(r, k, &c)
		out = append(out, c)
		return true
	})
	return out
}

// checkCharterText is shared by SetCharter and charter proposals.
func checkCharterText(text string) error {
	if err := sanitize.Check("charter", text, MaxCharterLen, true, false); err != nil {
		return err
	}
	if err := markdown.Check("charter", text); err != nil {
		return err
	}
	if len(text) == 0 {
		return fmt.Errorf("the charter is empty")
	}
	return nil
}

// SetCharter adopts the hub's first charter. Stewards only, and only once.
type SetCharter struct{ Text string }

func (c SetCharter) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "set the first charter")
	if err != nil {
		return 0, nil, err
	}
	if cur, ok := CurrentCharter(r); ok {
		return 0, nil, fmt.Errorf("the hub already has charter version %d: amend it with a charter proposal (`proposal new --kind charter`)", cur.Version)
	}
	if err := checkCharterText(c.Text); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&CharterAdopted{Version: 1, Text: c.Text}, &ConsentGiven{Member: m.ID, Version: 1}}, nil
}

// Consent records the asking member's consent to the charter in force.
// Version must name it, so a member never consents to text they were not
// shown (the charter may change between reading and agreeing).
type Consent struct{ Version int }

func (c Consent) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	cur, ok := CurrentCharter(r)
	if !ok {
		return 0, nil, notFound("this hub has no charter to consent to")
	}
	if c.Version != cur.Version {
		return 0, nil, fmt.Errorf("the charter in force is version %d, not %d: read it again with `charter`", cur.Version, c.Version)
	}
	if m.Consent == cur.Version {
		return 0, nil, fmt.Errorf("you have already consented to charter version %d", cur.Version)
	}
	return m.ID, []Body{&ConsentGiven{Member: m.ID, Version: cur.Version}}, nil
}

// joinConsent checks a newcomer's consent: none needed without a charter,
// otherwise exactly the version in force.
func joinConsent(r Reader, version int) (int, error) {
	cur, ok := CurrentCharter(r)
	switch {
	case !ok && version == 0:
		return 0, nil
	case !ok:
		return 0, fmt.Errorf("this hub has no charter; join without consent")
	case version == 0:
		return 0, fmt.Errorf("this hub has a charter (version %d): read it with `charter`, then join again with --consent", cur.Version)
	case version != cur.Version:
		return 0, fmt.Errorf("the charter in force is version %d, not %d: read it again with `charter`", cur.Version, version)
	}
	return cur.Version, nil
}

// applyCharter folds charter events; see Apply.
func applyCharter(w Writer, ev Event) (bool, error) {
	switch b := ev.Body.(type) {
	case *CharterAdopted:
		if b.Version != CharterVersion(w)+1 {
			return true, fmt.Errorf("charter version %d out of order", b.Version)
		}
		if b.Version > 1 || b.Proposal != 0 {
			// Amendments come only from the charter proposal that
			// just executed, carrying exactly its body.
			p, ok := GetProposal(w, b.Proposal)
			if !ok || p.Kind != KindCharter || p.State != PropExecuted || p.Body != b.Text {
				return true, fmt.Errorf("charter version %d does not match an executed charter proposal", b.Version)
			}
			if _, done := w.Get(prefixCharterBy + strconv.FormatUint(p.ID, 10)); done {
				return true, fmt.Errorf("proposal %d already adopted a charter", p.ID)
			}
			w.Set(prefixCharterBy+strconv.FormatUint(p.ID, 10), []byte(strconv.Itoa(b.Version)))
		}
		c := Charter{Version: b.Version, Text: b.Text, Adopted: ev.Time, By: ev.Actor, Proposal: b.Proposal, Seq: ev.Seq}
		putJSON(w, idKey(prefixCharter, uint64(c.Version)), c)
		w.Set(keyCharterHead, []byte(strconv.Itoa(c.Version)))
	case *ConsentGiven:
		if b.Version < 1 || b.Version > CharterVersion(w) {
			return true, fmt.Errorf("consent to unknown charter version %d", b.Version)
		}
		if b.Application != 0 {
			if _, ok := GetApplication(w, b.Application); !ok {
				return true, fmt.Errorf("consent for unknown application %d", b.Application)
			}
			w.Set(idKey(prefixConsent, b.Application), []byte(strconv.Itoa(b.Version)))
			return true, nil
		}
		m, ok := GetMember(w, b.Member)
		if !ok {
			return true, fmt.Errorf("consent for unknown member %d", b.Member)
		}
		m.Consent, m.ConsentTime = b.Version, ev.Time
		putJSON(w, idKey(prefixMember, m.ID), m)
	default:
		return false, nil
	}
	return true, nil
}

// applicationConsent is the version an applicant consented to, 0 if none.
func applicationConsent(r Reader, app uint64) int {
	b, ok := r.Get(idKey(prefixConsent, app))
	if !ok {
		return 0
	}
	v, _ := strconv.Atoi(string(b))
	return v
}

package state

import (
	"fmt"
	"strconv"
)

// Leaving is free and final for the member's keys: membership is
// voluntary, so the hub makes exit as easy as entry. What the member did
// stays in the chain (history is not rewritten); what they were still
// going to do ends, each by its own event, so anyone reading the log sees
// exactly which votes, delegations, bookings and pledges went with them.

// VoteWithdrawn removes the actor's vote from an open proposal.
type VoteWithdrawn struct {
	Proposal uint64 `json:"proposal"`
}

// MemberLeft ends a membership. Anonymous asks that public views show
// "former member" instead of the name.
type MemberLeft struct {
	Member    uint64 `json:"member"`
	Anonymous bool   `json:"anonymous"`
	Sig       string `json:"sig,omitempty"`     // the member's armoured SSHSIG over ActBytes, or "" (attested by the hub)
	SigSeq    uint64 `json:"sig_seq,omitempty"` // the member's signed-act sequence number
}

func (VoteWithdrawn) EventType() string { return "vote.withdrawn" }
func (MemberLeft) EventType() string    { return "member.left" }

func init() {
	register(func() Body { return &VoteWithdrawn{} })
	register(func() Body { return &MemberLeft{} })
}

// FormerMember is the public name of a member who left and asked not to
// be named.
const FormerMember = "former member"

// prefixGone indexes members who no longer count (left or expelled), so
// counting eligible voters needs one lookup per member, not a record read.
const prefixGone = "s/gone/"

// Leave ends the asking member's membership. The member's act, the one
// they may sign, is the member.left that closes the command; the events
// before it (votes withdrawn, delegations revoked, bookings cancelled,
// pledges released) are its effects, which the hub derives from the state
// and Apply re-checks, so a signature over them would add nothing and
// would break whenever the state moved between signing and submitting.
type Leave struct {
	Anonymous bool
	Sig       string // the member's armoured SSHSIG over ActToSign's bytes, or ""
}

// unsignedAct is the member.left Decide makes, before its signature.
func (c Leave) unsignedAct(r Reader, env Env) (uint64, Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if m.HasRole(RoleSteward) && len(holders(r, RoleSteward)) == 1 {
		return 0, nil, fmt.Errorf("you are the only steward: grant the steward role to someone else first (a role proposal), so the hub is not left without one")
	}
	return m.ID, &MemberLeft{Member: m.ID, Anonymous: c.Anonymous}, nil
}

func (c Leave) Decide(r Reader, env Env) (uint64, []Body, error) {
	id, left, err := decideSigned(r, env, c, c.Sig)
	if err != nil {
		return 0, nil, err
	}
	m, _ := GetMember(r, id)
	// Events are applied to a scratch copy as they are chosen, so each
	// cancellation's waitlist promotions see the beds freed before it.
	scratch := newOverlay(r)
	var events []Body
	add := func(bs ...Body) error {
		for _, b := range bs {
			if err := Apply(scratch, Event{Time: env.Time, Actor: m.ID, Body: b}); err != nil {
				return err
			}
			events = append(events, b)
		}
		return nil
	}
	for _, p := range ListProposals(r) {
		if _, voted := GetVote(r, p.ID, m.ID); voted && p.State == PropActive {
			if err := add(&VoteWithdrawn{Proposal: p.ID}); err != nil {
				return 0, nil, err
			}
		}
	}
	for _, d := range ListDelegations(r) {
		if d.From == m.ID {
			if err := add(&DelegationRevoked{Kind: d.Kind}); err != nil {
				return 0, nil, err
			}
		}
	}
	for _, bk := range futureBookings(r, m.ID, env.Time) {
		freeing := withPromotions(scratch, env, m.ID, bk.Space, &BookingCancelled{Booking: bk.ID})
		if err := add(freeing...); err != nil {
			return 0, nil, err
		}
	}
	for _, pl := range openPledgesOf(r, m.ID) {
		if err := add(&PledgeWithdrawn{Campaign: pl}); err != nil {
			return 0, nil, err
		}
	}
	if err := add(left); err != nil {
		return 0, nil, err
	}
	return m.ID, events, nil
}

// futureBookings are the member's bookings that have not started by the
// end of today in their space's zone. A stay already under way runs to its
// end: the member is there, and cutting it short frees no bed anyone could
// still plan for.
func futureBookings(r Reader, member uint64, now int64) (out []Booking) {
	for _, bk := range ListBookings(r) {
		if bk.Member != member {
			continue
		}
		switch bk.Status {
		case BookCancelled, BookDeclined:
			continue
		}
		s, _ := GetSpace(r, bk.Space)
		first, _, err := stayNights(bk.From, bk.To)
		if err != nil || first <= Today(s.TZ, now) {
			continue
		}
		out = append(out, bk)
	}
	return out
}

// holders lists the members who hold role and still count.
func holders(r Reader, role string) (out []Member) {
	for _, m := range ListMembers(r) {
		if !m.Gone() && m.HasRole(role) {
			out = append(out, m)
		}
	}
	return out
}

// leaveAppliers fold a member's leaving.
var leaveAppliers = []applier{
	on(applyVoteWithdrawn),
	on(applyMemberLeft),
}

func applyVoteWithdrawn(w Writer, ev Event, b *VoteWithdrawn) error {
	if _, err := proposalIn(w, b.Proposal, PropActive); err != nil {
		return err
	}
	if _, ok := GetVote(w, b.Proposal, ev.Actor); !ok {
		return fmt.Errorf("member %d has no vote on proposal %d", ev.Actor, b.Proposal)
	}
	w.Delete(voteKey(b.Proposal, ev.Actor))
	return nil
}

func applyMemberLeft(w Writer, ev Event, b *MemberLeft) error {
	m, ok := GetMember(w, b.Member)
	if !ok || m.Gone() || ev.Actor != m.ID {
		return fmt.Errorf("member %d cannot leave", b.Member)
	}
	for _, k := range m.Keys {
		w.Delete(prefixKeyIndex + k.Fingerprint)
	}
	if b.Anonymous {
		releaseName(w, m)
		m.Name = FormerMember
	}
	m.Left, m.Roles, m.Listed = ev.Time, []string{RoleMember}, false
	censusLeft(w, m, ev.Time)
	putJSON(w, idKey(prefixMember, m.ID), m)
	w.Set(prefixGone+strconv.FormatUint(m.ID, 10), []byte("left"))
	return nil
}

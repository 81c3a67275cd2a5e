package state

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Tests for issue #16 (the hub holds against one bad actor), the
// governance half: each names the abuse it shuts.

// pass votes yes on proposal id as each of who, then lets its deadline
// pass and the hub close it.
func (f *govFixture) pass(id uint64, who ...string) {
	f.t.Helper()
	for _, n := range who {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
	}
	p := f.proposal(id)
	f.clk.t = time.UnixMilli(p.Deadline).Add(time.Minute)
	f.h.CloseDue(f.ctx)
	if p = f.proposal(id); p.State != PropExecuted && p.State != PropPassed {
		f.t.Fatalf("proposal %d is %s", id, p.State)
	}
}

func (f *govFixture) proposal(id uint64) (p Proposal) {
	f.t.Helper()
	var ok bool
	_ = f.s.View(func(r Reader) error { p, ok = GetProposal(r, id); return nil })
	if !ok {
		f.t.Fatalf("no proposal %d", id)
	}
	return p
}

func (f *govFixture) member(name string) (m Member) {
	f.t.Helper()
	_ = f.s.View(func(r Reader) error { m, _ = GetMember(r, f.ids[name]); return nil })
	return m
}

// forged replays the log so far into memory and applies one hand-made
// event by actor, as a forged log would carry it: Apply must refuse it
// with an error containing want.
func (f *govFixture) forged(actor string, body Body, want string) {
	f.t.Helper()
	f.forgedLog(want, forgedStep{actor, 0, body})
}

// forgedStep is one hand-made event of a forged log: by actor, at unix ms
// (0: the fixture's clock).
type forgedStep struct {
	actor string
	at    int64
	body  Body
}

// forgedLog replays the log so far into memory and applies the steps
// after it, as a forged log would carry them: Apply must refuse one of
// them with an error containing want.
func (f *govFixture) forgedLog(want string, steps ...forgedStep) {
	f.t.Helper()
	var buf bytes.Buffer
	if err := f.s.WriteExport(&buf); err != nil {
		f.t.Fatal(err)
	}
	x, err := ReadExport(&buf)
	if err != nil {
		f.t.Fatal(err)
	}
	st := NewMemState()
	for _, b := range x.Events {
		ev, err := Decode(b)
		if err == nil {
			err = Apply(st, ev)
		}
		if err != nil {
			f.t.Fatal(err)
		}
	}
	for i, s := range steps {
		at := s.at
		if at == 0 {
			at = f.clk.t.UnixMilli()
		}
		ev := Event{Seq: uint64(len(x.Events) + i), Time: at, Actor: f.ids[s.actor], Body: s.body}
		err := Apply(st, ev)
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), want) {
			f.t.Fatalf("forged %s by %s: %v, want %q", s.body.EventType(), s.actor, err, want)
		}
		return
	}
	f.t.Fatalf("the forged log applies cleanly, want %q", want)
}

func (f *govFixture) propose(who string, c NewProposal) uint64 {
	f.t.Helper()
	return f.do(who, c)[0].Body.(*ProposalCreated).Proposal
}

// An expelled steward is no steward: the last active one cannot revoke
// themselves because an expelled one still holds the role on paper.
func TestLastActiveStewardStays(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward, Grant: true})
	id := f.propose("carol", NewProposal{Kind: KindExpel, Title: "Expel bob", Action: Action{Member: f.ids["bob"]}})
	f.pass(id, "alice", "carol", "dave")
	if m := f.member("bob"); !m.Expelled || !m.HasRole(RoleSteward) {
		t.Fatalf("bob %+v", m)
	}
	f.refuse("alice", SetRole{Member: f.ids["alice"], Role: RoleSteward}, "cannot revoke the last steward")
	// The expelled steward's role can go: it counts for nothing.
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward})
}

// A moderator whose role was revoked no longer rules (or suspends anyone)
// on the cases they claimed; another moderator takes the case over.
func TestRevokedModeratorCannotRule(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["alice"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.refuse("alice", CaseAction{ID: id, Action: "claim"}, "claimed")
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator})
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeSuspension, SuspendDays: 30}, "no longer a moderator")
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeWarning}, "no longer a moderator")
	if f.member("dave").SuspendedUntil != 0 {
		t.Fatal("dave was suspended")
	}
	f.forged("carol", &CaseRuled{Case: id, Outcome: OutcomeSuspension, SuspendDays: 30}, "may not rule")
	f.do("alice", CaseAction{ID: id, Action: "claim"})
	f.do("alice", Rule{ID: id, Outcome: OutcomeWarning, Reason: "keep it down"})
}

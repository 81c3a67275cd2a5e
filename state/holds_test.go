package state

import (
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

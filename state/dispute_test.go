package state

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestDisputeEndToEnd(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleModerator, Grant: true})
	// bob files against dave; bob is a moderator but a party: never his case.
	id := f.do("bob", FileCase{Against: f.ids["dave"], Category: "housing", Title: "Left the flat dirty", Statement: "Photos attached."})[0].Body.(*CaseFiled).Case
	f.refuse("bob", CaseAction{ID: id, Action: "claim"}, "party")
	f.refuse("dave", CaseAction{ID: id, Action: "claim"}, "only moderators")
	f.refuse("bob", FileCase{Against: f.ids["bob"], Title: "me"}, "yourself")
	f.refuse("bob", FileCase{Against: 99, Title: "x"}, "no member 99")
	f.refuse("bob", FileCase{Against: 4, Title: "x", Category: "vibes"}, "category")
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.do("dave", AddStatement{ID: id, Body: "It was clean when I left."})
	f.refuse("alice", AddStatement{ID: id, Body: "gossip"}, "only the parties")
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeExpulsion}, "jury")
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeSuspension}, "1 to 365 days")
	f.do("carol", Rule{ID: id, Outcome: OutcomeSuspension, SuspendDays: 14, Reason: "Second time this month."})
	// The suspended member reads but does not vote or book.
	pid := f.do("alice", NewProposal{Kind: KindText, Title: "Quiet hours"})[0].Body.(*ProposalCreated).Proposal
	f.refuse("dave", CastVote{ID: pid, Ballot: tallyBallot("yes")}, "suspended")
	sp := addSpace(t, f, Space{Name: "Flat", Beds: 2, TZ: "UTC"})
	f.refuse("dave", Book{Space: sp, From: "2026-12-01", To: "2026-12-02"}, "suspended")
	// dave appeals; the jury is drawn from the next checkpoint's hash.
	f.refuse("alice", CaseAction{ID: id, Action: "appeal"}, "only a party")
	f.do("dave", CaseAction{ID: id, Action: "appeal"})
	f.refuse("alice", CastJuryVote{ID: id, Outcome: OutcomeDismissed}, "drawn from the next checkpoint")
	f.h.CloseDue(f.ctx)
	c, _, err := f.h.CaseWithThread(id)
	if err != nil || len(c.Jury) != 1 || c.JurySeed == "" {
		t.Fatalf("jury %+v %v", c, err)
	}
	// The pool was alice only: not bob or dave (parties), not carol (ruled).
	if c.Jury[0] != f.ids["alice"] {
		t.Fatalf("jury %v", c.Jury)
	}
	f.refuse("bob", CastJuryVote{ID: id, Outcome: OutcomeDismissed}, "not on the jury")
	f.do("alice", CastJuryVote{ID: id, Outcome: OutcomeDismissed})
	c, _, _ = f.h.CaseWithThread(id)
	if c.State != CaseStateJuryRuled || c.Outcome != OutcomeDismissed {
		t.Fatalf("after jury %+v", c)
	}
	f.do("dave", CastVote{ID: pid, Ballot: tallyBallot("yes")}) // suspension lifted
	f.verifies()
}

func TestRecusal(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.do("carol", CaseAction{ID: id, Action: "recuse"})
	f.refuse("carol", CaseAction{ID: id, Action: "claim"}, "stepped aside")
	f.do("bob", CaseAction{ID: id, Action: "withdraw"})
	f.refuse("bob", CaseAction{ID: id, Action: "withdraw"}, "withdrawn")
}

// The draw is a pure function of the seed and the pool: the same inputs
// give the same jury, in any pool order, of the right size, without
// repeats, drawn only from the pool.
func TestDrawJuryProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var seed [32]byte
		copy(seed[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(rt, "seed"))
		pool := rapid.SliceOfNDistinct(rapid.Uint64Range(1, 1000), 0, 40, func(x uint64) uint64 { return x }).Draw(rt, "pool")
		k := rapid.IntRange(0, 8).Draw(rt, "k")
		a := DrawJury(seed, pool, k)
		shuffled := slices.Clone(pool)
		slices.Reverse(shuffled)
		b := DrawJury(seed, shuffled, k)
		if !slices.Equal(a, b) {
			rt.Fatal("draw depends on pool order")
		}
		if len(a) != min(k, len(pool)) {
			rt.Fatalf("jury of %d from %d with k=%d", len(a), len(pool), k)
		}
		for i, j := range a {
			if !slices.Contains(pool, j) || (i > 0 && a[i-1] == j) {
				rt.Fatalf("bad juror %d", j)
			}
		}
	})
}

// No sequence of commands lets a party claim, rule on or sit on the jury
// of their own case.
func TestNoPartyJudgesOwnCase(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
		names := []string{"alice", "bob", "carol", "dave"}
		for _, n := range names[1:] {
			f.do("alice", SetRole{Member: f.ids[n], Role: RoleModerator, Grant: true})
		}
		f.do("alice", SetRole{Member: f.ids["alice"], Role: RoleModerator, Grant: true})
		for i := 0; i < rapid.IntRange(1, 25).Draw(rt, "n"); i++ {
			who := rapid.SampledFrom(names).Draw(rt, "who")
			id := rapid.Uint64Range(1, 3).Draw(rt, "case")
			var c Command
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0:
				c = FileCase{Against: f.ids[rapid.SampledFrom(names).Draw(rt, "against")], Title: "t"}
			case 1:
				c = CaseAction{ID: id, Action: rapid.SampledFrom([]string{"claim", "recuse", "appeal", "withdraw"}).Draw(rt, "a")}
			case 2:
				c = Rule{ID: id, Outcome: rapid.SampledFrom(Outcomes).Draw(rt, "o"), SuspendDays: rapid.IntRange(0, 2).Draw(rt, "d")}
			case 3:
				c = CastJuryVote{ID: id, Outcome: rapid.SampledFrom(Outcomes).Draw(rt, "o")}
			case 4:
				f.clk.t = f.clk.t.Add(time.Hour)
				f.h.CloseDue(f.ctx)
				continue
			default:
				c = AddStatement{ID: id, Body: "b"}
			}
			f.s.Submit(f.ctx, f.ppl[who], c)
		}
		cs, _ := f.h.Cases()
		for _, c := range cs {
			if c.party(c.Moderator) {
				rt.Fatalf("case %d handled by a party", c.ID)
			}
			for _, j := range c.Jury {
				if c.party(j) || j == c.Moderator {
					rt.Fatalf("case %d: juror %d is a party or its moderator", c.ID, j)
				}
			}
			for _, v := range c.JuryVotes {
				if c.party(v.Juror) {
					rt.Fatalf("case %d: a party voted on the jury", c.ID)
				}
			}
		}
	})
}

// A jury may suspend where the moderator only warned: the suspension then
// lasts JurySuspendDays.
func TestJurySuspendsAfterWarning(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.do("carol", Rule{ID: id, Outcome: OutcomeWarning})
	f.do("bob", CaseAction{ID: id, Action: "appeal"})
	f.h.CloseDue(f.ctx)
	f.do("alice", CastJuryVote{ID: id, Outcome: OutcomeSuspension})
	m, _ := GetMemberFrom(t, f.h, f.ids["dave"])
	if !m.Suspended(f.clk.t.UnixMilli()) || m.SuspendedUntil != f.clk.t.UnixMilli()+JurySuspendDays*24*3600*1000 {
		t.Fatalf("dave %+v", m)
	}
}

// A member who left is never drawn: their seat could never vote.
func TestDepartedNeverOnJury(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.do("carol", Rule{ID: id, Outcome: OutcomeWarning})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleSteward, Grant: true})
	f.do("alice", Leave{})
	f.do("dave", CaseAction{ID: id, Action: "appeal"})
	f.h.CloseDue(f.ctx)
	c, _, _ := f.h.CaseWithThread(id)
	// bob and dave are parties, carol ruled, alice left: nobody remains.
	if c.JuryHeight == 0 || len(c.Jury) != 0 || c.State != CaseStateJuryRuled {
		t.Fatalf("jury drawn from a pool with a departed member: %+v", c)
	}
	f.verifies()
}

// With nobody eligible for the jury, the draw is recorded once and the
// ruling stands.
func TestEmptyJuryRulingStands(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	// Make the pool empty: dave is suspended by another case first.
	other := f.do("alice", FileCase{Against: f.ids["dave"], Title: "x"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: other, Action: "claim"})
	f.do("carol", Rule{ID: other, Outcome: OutcomeSuspension, SuspendDays: 30})
	id := f.do("alice", FileCase{Against: f.ids["carol"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("bob", CaseAction{ID: id, Action: "claim"})
	f.do("bob", Rule{ID: id, Outcome: OutcomeWarning})
	f.do("carol", CaseAction{ID: id, Action: "appeal"})
	size := f.s.Size()
	f.h.CloseDue(f.ctx)
	f.h.CloseDue(f.ctx)
	if got := f.s.Size() - size; got != 1 {
		t.Fatalf("%d events for one empty draw", got)
	}
	c, _, _ := f.h.CaseWithThread(id)
	if c.State != CaseStateJuryRuled || c.Outcome != OutcomeWarning || len(c.Jury) != 0 {
		t.Fatalf("case %+v", c)
	}
}

func TestExpelByProposal(t *testing.T) {
	f := newGov(t)
	id := f.do("alice", NewProposal{Kind: KindExpel, Title: "Expel dave", Action: Action{Member: f.ids["dave"]}})[0].Body.(*ProposalCreated).Proposal
	f.refuse("alice", NewProposal{Kind: KindExpel, Title: "x", Action: Action{Member: 42}}, "no member 42")
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
	}
	f.clk.t = f.clk.t.Add(15 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if v := f.view(id, "alice"); v.State != PropExecuted {
		t.Fatalf("expel proposal %s", v.State)
	}
	f.refuse("dave", Rename{Name: "back"}, "expelled")
	// The expelled member no longer counts for quorum.
	p2 := f.do("alice", NewProposal{Kind: KindText, Title: "After"})[0].Body.(*ProposalCreated).Proposal
	if v := f.view(p2, "alice"); v.Tally.Eligible != 3 {
		t.Fatalf("eligible %d", v.Tally.Eligible)
	}
}

// Restitution changes a booking and orders a payment to the filer, which
// treasurers co-sign like any payout (never the ruling moderator).
func TestRestitution(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleTreasurer, Grant: true})
	f.do("alice", SetRole{Member: f.ids["alice"], Role: RoleTreasurer, Grant: true})
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleTreasurer, Grant: true})
	f.do("alice", Contribute{Asset: "EUR", Amount: 10000})
	sp := addSpace(t, f, Space{Name: "Flat", Beds: 1, TZ: "UTC"})
	f.do("dave", Book{Space: sp, From: "2026-12-01", To: "2026-12-05"})
	f.do("bob", Book{Space: sp, From: "2026-12-01", To: "2026-12-03", Waitlist: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Category: "housing", Title: "Took my room"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeWarning, Booking: 1}, "only for restitution")
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeRestitution, Booking: 2}, "no booking 2")
	evs := f.do("carol", Rule{ID: id, Outcome: OutcomeRestitution, Booking: 1, Asset: "EUR", Amount: 2500, Reason: "refund the night"})
	// The payout within the cap is its own event, right after the ruling.
	if len(evs) != 4 || evs[1].Body.EventType() != "payout.created" || evs[3].Body.EventType() != "booking.promoted" {
		t.Fatalf("events %v", evs)
	}
	ps, _ := f.h.Payouts()
	if len(ps) != 1 || ps[0].To != f.ids["bob"] || ps[0].Amount != 2500 || ps[0].Author != f.ids["carol"] {
		t.Fatalf("payouts %+v", ps)
	}
	f.refuse("carol", SignPayout{ID: 1}, "you proposed")
	f.refuse("bob", SignPayout{ID: 1}, "to you")
	f.refuse("alice", SignPayout{ID: 1}, "a new treasurer signs payouts from")
	f.clk.t = f.clk.t.Add(TreasurerWaitMS * time.Millisecond)
	f.do("alice", SignPayout{ID: 1})
	f.verifies()
}

// Private notes: only moderators who are not parties read them; the public
// log holds only their hash; verify checks text against hash.
func TestPrivateNotes(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	evs := f.do("carol", NewPrivateNote(id, "Dave has a sick child; be gentle."))
	raw, _ := Encode(evs[0])
	if strings.Contains(string(raw), "sick child") {
		t.Fatal("private text in the public log")
	}
	f.refuse("bob", NewPrivateNote(id, "x"), "not parties")
	f.refuse("dave", NewPrivateNote(id, "x"), "not parties")
	notes, err := f.h.PrivateNotes(id, f.ppl["carol"])
	if err != nil || len(notes) != 1 || notes[0].Text != "Dave has a sick child; be gentle." {
		t.Fatalf("notes %+v %v", notes, err)
	}
	if _, err := f.h.PrivateNotes(id, f.ppl["bob"]); err == nil {
		t.Fatal("a party read private notes")
	}
	if _, err := f.h.PrivateNotes(id, f.ppl["alice"]); err == nil {
		t.Fatal("a non-moderator read private notes")
	}
	var buf bytes.Buffer
	f.s.WriteExport(&buf)
	if strings.Contains(buf.String(), "sick child") {
		t.Fatal("private text in the export")
	}
	f.verifies()
	// A note changed behind its hash is caught.
	f.s.kv.Set(noteKey(prefixPrivate, id, 1), bytes.Replace(f.s.kv.log.m[noteKey(prefixPrivate, id, 1)], []byte("sick"), []byte("well"), 1))
	if _, err := f.verify(); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("tampered note: %v", err)
	}
}

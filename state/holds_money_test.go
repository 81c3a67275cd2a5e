package state

import (
	"testing"
	"time"
)

// Issue #16: the treasury and the rules that guard it.

// The steward-alone drain, as reproduced on main in about 80 seconds:
// rules at 0% with a 1-minute period, one signer, a sock puppet made
// treasurer, a spend proposal to themselves, voted, signed by the puppet.
// Each step that needs a time lock now waits for one members can see, the
// floors refuse the rest, and after the 80 seconds the treasury is whole.
func TestStewardAloneCannotDrain(t *testing.T) {
	f := newGov(t)
	start := f.clk.t
	f.do("bob", Contribute{Asset: "USD", Amount: 500000})
	// 1. Rules to nothing: refused outright by the floor.
	f.refuse("alice", SetRules{Rules: KindRules{Kind: KindSpend, PeriodMS: 60_000, QuorumBP: 0, ThresholdBP: 0}}, "floor")
	// At the floor it is a weakening: scheduled, not in force.
	floor, _ := RulesFloor(KindSpend)
	evs := f.do("alice", SetRules{Rules: floor})
	if len(evs) != 1 || evs[0].Body.EventType() != "change.scheduled" {
		t.Fatalf("weakening the spend rules: %v", evs)
	}
	var spend KindRules
	_ = f.s.View(func(r Reader) error { spend, _ = RulesFor(r, KindSpend); return nil })
	if spend != defaultRules[KindSpend] {
		t.Fatalf("spend rules changed at once: %+v", spend)
	}
	// 2. One signer: scheduled too.
	f.do("alice", SetPolicy{Signers: 1})
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 2 {
		t.Fatalf("policy changed at once: %+v", p)
	}
	f.forged("alice", &PolicySet{Signers: 1}, "time lock")
	f.forged("alice", &RulesSet{Rules: floor}, "scheduled change")
	cs, _ := f.h.ScheduledChanges()
	if len(cs) != 2 || cs[0].Due != start.Add(TimeLockMS*time.Millisecond).UnixMilli() {
		t.Fatalf("scheduled changes %+v", cs)
	}
	// 3. A sock puppet, made treasurer.
	sock := testActor(t, "sock")
	code, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.ppl["sock"] = sock
	f.ids["sock"] = f.do("sock", Join{CodeHash: HashCode(code), Name: "sock"})[0].Body.(*MemberJoined).Member
	f.do("alice", SetRole{Member: f.ids["sock"], Role: RoleTreasurer, Grant: true})
	// 4. A spend proposal to alice herself, voted by both.
	id := f.propose("alice", NewProposal{Kind: KindSpend, Title: "Consulting", Action: Action{Member: f.ids["alice"], Asset: "USD", Amount: 500000}})
	f.do("alice", CastVote{ID: id, Ballot: tallyBallot("yes")})
	f.do("sock", CastVote{ID: id, Ballot: tallyBallot("yes")})
	// 5. Eighty seconds on: nothing is due, nothing can be signed.
	f.clk.t = start.Add(80 * time.Second)
	f.h.CloseDue(f.ctx)
	if p := f.proposal(id); p.State != PropActive || p.Deadline < start.Add(7*24*time.Hour).UnixMilli() {
		t.Fatalf("the spend proposal %+v", p)
	}
	if ps, _ := f.h.Payouts(); len(ps) != 0 {
		t.Fatalf("payouts %+v", ps)
	}
	if bals, _ := f.h.Balances(); usd(bals) != 500000 {
		t.Fatalf("USD %d", usd(bals))
	}
	// The members saw it coming: they vote it down, and the steward's
	// own changes, once in force, do not bring it back.
	for _, n := range []string{"bob", "carol", "dave"} {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("no")})
	}
	f.clk.t = start.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if p := f.proposal(id); p.State != PropRejected {
		t.Fatalf("the spend proposal is %s", p.State)
	}
	if cs, _ := f.h.ScheduledChanges(); len(cs) != 0 {
		t.Fatalf("changes still waiting %+v", cs)
	}
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 1 {
		t.Fatalf("policy after the lock %+v", p)
	}
	if bals, _ := f.h.Balances(); usd(bals) != 500000 {
		t.Fatalf("USD %d", usd(bals))
	}
	// A log that skips the lock is refused by replay.
	f.forged("alice", &RulesSet{Rules: KindRules{Kind: KindRuleset, PeriodMS: 7 * dayMS, QuorumBP: 3000, ThresholdBP: 6000}}, "scheduled change")
	f.verifies()
}

func usd(bs []AssetBalance) int64 {
	for _, b := range bs {
		if b.Asset == "USD" {
			return b.Balance
		}
	}
	return -1
}

// A payout to a steward is signed only by treasurers who are not
// stewards, and a new treasurer waits before signing at all.
func TestPayoutToStewardNeedsOthers(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward, Grant: true})
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleTreasurer, Grant: true})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleTreasurer, Grant: true})
	f.do("dave", Contribute{Asset: "EUR", Amount: 10000})
	id := f.propose("bob", NewProposal{Kind: KindSpend, Title: "Rent", Action: Action{Member: f.ids["alice"], Asset: "EUR", Amount: 5000}})
	f.pass(id, "alice", "bob", "carol", "dave")
	f.do("carol", SignPayout{ID: 1})
	f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleTreasurer, Grant: true})
	f.refuse("dave", SignPayout{ID: 1}, "a new treasurer signs payouts from")
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleModerator, Grant: true})
	f.clk.t = f.clk.t.Add(TreasurerWaitMS * time.Millisecond)
	f.refuse("bob", SignPayout{ID: 1}, "you proposed")
	f.do("dave", SignPayout{ID: 1})
	// The same order to a member who is no steward: a steward signs it.
	id = f.propose("carol", NewProposal{Kind: KindSpend, Title: "Paint", Action: Action{Member: f.ids["dave"], Asset: "EUR", Amount: 100}})
	f.pass(id, "alice", "bob", "carol", "dave")
	f.do("bob", SignPayout{ID: 2})
	// bob is a steward: he may not sign alice's.
	id = f.propose("dave", NewProposal{Kind: KindSpend, Title: "More rent", Action: Action{Member: f.ids["alice"], Asset: "EUR", Amount: 100}})
	f.pass(id, "alice", "bob", "carol", "dave")
	f.refuse("bob", SignPayout{ID: 3}, "to a steward, so only treasurers who are not stewards")
	f.forged("bob", &PayoutSigned{Payout: 3}, "may not sign")
}

// A scheduled change is replaced by a later change to the same thing:
// a steward's (which applies at once when it does not weaken) or the
// members' by a passed rules proposal. Strengthening applies at once.
func TestScheduledChangeIsSuperseded(t *testing.T) {
	f := newGov(t)
	weaker := defaultRules[KindRole]
	weaker.PeriodMS = 4 * dayMS
	f.do("alice", SetRules{Rules: weaker})
	evs := f.do("alice", SetRules{Rules: defaultRules[KindRole]})
	if len(evs) != 2 || evs[0].Body.EventType() != "change.cancelled" || evs[1].Body.EventType() != "rules.set" {
		t.Fatalf("setting the rules back: %v", evs)
	}
	f.do("alice", SetPolicy{Signers: 1})
	id := f.propose("bob", NewProposal{Kind: KindRuleset, Title: "Three signatures", Action: Action{Signers: 3}})
	f.pass(id, "alice", "bob", "carol", "dave")
	if cs, _ := f.h.ScheduledChanges(); len(cs) != 0 {
		t.Fatalf("changes waiting %+v", cs)
	}
	f.clk.t = f.clk.t.Add(TimeLockMS * time.Millisecond)
	f.h.CloseDue(f.ctx)
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 3 {
		t.Fatalf("policy %+v", p)
	}
	f.do("alice", SetPolicy{Signers: 4})
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 4 {
		t.Fatalf("a stricter policy waits: %+v", p)
	}
	f.refuse("alice", ApplyChange{ID: 1}, "scheduled changes take effect at their time")
	// Text proposals move no money: their rules change at once.
	f.do("alice", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 60_000, QuorumBP: 0, ThresholdBP: 5001}})
	// Rules proposals obey the floors too.
	f.refuse("bob", NewProposal{Kind: KindRuleset, Title: "Quick spends", Action: Action{Rules: &KindRules{Kind: KindSpend, PeriodMS: dayMS, QuorumBP: 3000, ThresholdBP: 6000}}}, "floor")
}

// A moderator's restitution above the cap orders no payout: it becomes a
// spend proposal the members vote on, authored by the moderator (who
// cannot co-sign it). Within the cap it is paid as before.
func TestRestitutionAboveCapGoesToVote(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleTreasurer, Grant: true})
	f.do("bob", Contribute{Asset: "USD", Amount: 500000})
	id := f.do("bob", FileCase{Against: f.ids["alice"], Title: "Broke my bike"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	evs := f.do("carol", Rule{ID: id, Outcome: OutcomeRestitution, Asset: "USD", Amount: 99_999_900, Reason: "a new bike"})
	if len(evs) != 2 || evs[1].Body.EventType() != "proposal.created" {
		t.Fatalf("events %v", evs)
	}
	if ps, _ := f.h.Payouts(); len(ps) != 0 {
		t.Fatalf("a payout was ordered without a vote: %+v", ps)
	}
	pid := evs[1].Body.(*ProposalCreated).Proposal
	p := f.proposal(pid)
	if p.Kind != KindSpend || p.Author != f.ids["carol"] || p.Action.Member != f.ids["bob"] || p.Action.Amount != 99_999_900 || p.State != PropActive {
		t.Fatalf("proposal %+v", p)
	}
	// A smaller one, within the 100.00 USD cap, is ordered at once.
	id2 := f.do("dave", FileCase{Against: f.ids["alice"], Title: "Scratched it"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id2, Action: "claim"})
	f.do("carol", Rule{ID: id2, Outcome: OutcomeRestitution, Asset: "USD", Amount: 5000})
	if ps, _ := f.h.Payouts(); len(ps) != 1 || ps[0].Amount != 5000 || ps[0].Author != f.ids["carol"] {
		t.Fatalf("payouts %+v", ps)
	}
	// Lowering the cap is at once; raising it waits out the lock.
	f.do("alice", SetRestitutionCap{Asset: "USD", Amount: 1000})
	f.do("alice", SetRestitutionCap{Asset: "USD", Amount: 1_000_000})
	var capNow RestitutionCap
	_ = f.s.View(func(r Reader) error { capNow = RestitutionCapOf(r, "USD"); return nil })
	if capNow.Amount != 1000 {
		t.Fatalf("cap %+v", capNow)
	}
	f.forged("alice", &RestitutionCapSet{Asset: "USD", Amount: 2000}, "cannot be set directly")
	// The members decide the big one: they turn it down.
	for _, n := range []string{"alice", "bob", "dave"} {
		f.do(n, CastVote{ID: pid, Ballot: tallyBallot("no")})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if p := f.proposal(pid); p.State != PropRejected {
		t.Fatalf("proposal %s", p.State)
	}
	if ps, _ := f.h.Payouts(); len(ps) != 1 {
		t.Fatalf("payouts %+v", ps)
	}
}

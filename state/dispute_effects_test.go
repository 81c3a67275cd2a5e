package state

import (
	"reflect"
	"testing"
)

// A ruling's effect on the respondent is the members domain's own event
// naming the case, right after the ruling; apply refuses one that no
// ruling made now, or that differs from it, or comes twice.
func TestRulingEffectsAreEvents(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	now := f.clk.t.UnixMilli()
	until := now + 14*dayMS
	ruled := forgedStep{"carol", now, &CaseRuled{Case: id, Outcome: OutcomeSuspension, SuspendDays: 14}}
	f.forgedLog("was not ruled now", forgedStep{"carol", now, &MemberSuspended{Member: f.ids["dave"], Case: id, Until: until}})
	f.forgedLog("is not what case 1 ruled", ruled, forgedStep{"carol", now, &MemberSuspended{Member: f.ids["dave"], Case: id, Until: until + 1}})
	f.forgedLog("is not what case 1 ruled", ruled, forgedStep{"carol", now, &MemberSuspended{Member: f.ids["bob"], Case: id, Until: until}})
	f.forgedLog("is not what case 1 ruled", ruled, forgedStep{"carol", now, &MemberExpelled{Member: f.ids["dave"], Case: id}})
	f.forgedLog("already taken effect", ruled,
		forgedStep{"carol", now, &MemberSuspended{Member: f.ids["dave"], Case: id, Until: until}},
		forgedStep{"carol", now, &MemberSuspended{Member: f.ids["dave"], Case: id, Until: until}})
	f.forgedLog("was not ruled now", ruled, forgedStep{"carol", now + 1, &MemberSuspended{Member: f.ids["dave"], Case: id, Until: until}})

	evs := f.do("carol", Rule{ID: id, Outcome: OutcomeSuspension, SuspendDays: 14})
	if len(evs) != 2 || !reflect.DeepEqual(evs[1].Body, &MemberSuspended{Member: f.ids["dave"], Case: id, Until: until}) {
		t.Fatalf("ruling events %v", evs)
	}
	// The jury expels: the suspension it replaces is lifted, then the
	// expulsion, each its own event.
	f.do("dave", CaseAction{ID: id, Action: "appeal"})
	f.h.CloseDue(f.ctx)
	evs = f.do("alice", CastJuryVote{ID: id, Outcome: OutcomeExpulsion})
	if len(evs) != 3 || !reflect.DeepEqual(evs[1].Body, &MemberSuspended{Member: f.ids["dave"], Case: id}) ||
		!reflect.DeepEqual(evs[2].Body, &MemberExpelled{Member: f.ids["dave"], Case: id}) {
		t.Fatalf("jury events %v", evs)
	}
	if m := f.member("dave"); !m.Expelled || m.SuspendedUntil != 0 {
		t.Fatalf("dave %+v", m)
	}
	f.verifies()
}

// A restitution paid without a vote is a payout.created naming the case,
// exactly what the ruling ordered.
func TestRestitutionPayoutIsAnEvent(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Broke the lamp"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	now := f.clk.t.UnixMilli()
	ruled := forgedStep{"carol", now, &CaseRuled{Case: id, Outcome: OutcomeRestitution, Asset: "EUR", Amount: 500}}
	pay := func(amount int64, to uint64, n ...uint64) forgedStep {
		payout := uint64(1)
		if len(n) > 0 {
			payout = n[0]
		}
		return forgedStep{"carol", now, &PayoutCreated{Payout: payout, Case: id, To: to, Asset: "EUR", Amount: amount,
			Memo: "restitution, case 1", Needed: 2}}
	}
	f.forgedLog("is not what case 1 ruled", ruled, pay(501, f.ids["bob"]))
	f.forgedLog("is not what case 1 ruled", ruled, pay(500, f.ids["carol"]))
	f.forgedLog("was not ruled now", pay(500, f.ids["bob"]))
	f.forgedLog("already taken effect", ruled, pay(500, f.ids["bob"]), pay(500, f.ids["bob"], 2))
	evs := f.do("carol", Rule{ID: id, Outcome: OutcomeRestitution, Asset: "EUR", Amount: 500})
	if len(evs) != 2 || !reflect.DeepEqual(evs[1].Body, pay(500, f.ids["bob"]).body) {
		t.Fatalf("ruling events %v", evs)
	}
	f.verifies()
}

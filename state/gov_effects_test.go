package state

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// Issue #19's forged-log drift: a treasury policy of 1000 signatures is
// refused by Apply whether it arrives as a steward's policy event or as a
// rules proposal that passes and executes.
func TestForgedThousandSignersIsRefused(t *testing.T) {
	f := newGov(t)
	f.forged("alice", &PolicySet{Signers: 1000}, "signer count 1000")

	created := f.clk.t.UnixMilli()
	closed := created + defaultRules[KindRuleset].PeriodMS + 1
	const p = 1
	f.forgedLog("signers must be between 1 and",
		forgedStep{"bob", created, &ProposalCreated{Proposal: p, Kind: KindRuleset, Title: "More signers",
			Method: MethodYesNo, Options: []string{}, Action: Action{Signers: 1000}}},
		forgedStep{"alice", created, &VoteCast{Proposal: p, Choice: "yes"}},
		forgedStep{"bob", created, &VoteCast{Proposal: p, Choice: "yes"}},
		forgedStep{"carol", created, &VoteCast{Proposal: p, Choice: "yes"}},
		forgedStep{"", closed, &ProposalClosed{Proposal: p, State: PropPassed}},
		forgedStep{"", closed, &ProposalExecuted{Proposal: p}},
	)
}

// A passed proposal's effect arrives as the owning domain's own event, with
// the same check as the direct change: a policy of 1000 signers is refused
// with the same words after a passed rules proposal as alone, and an
// effect that is not the proposal's, or comes twice, or later, is refused.
func TestProposalEffectIsTheDomainsEvent(t *testing.T) {
	f := newGov(t)
	id := f.propose("bob", NewProposal{Kind: KindRuleset, Title: "Two signers", Action: Action{Signers: 2}})
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
	}
	closed := f.proposal(id).Deadline
	closing := []forgedStep{
		{"", closed, &ProposalClosed{Proposal: id, State: PropPassed}},
		{"", closed, &ProposalExecuted{Proposal: id}},
	}
	want := fmt.Sprintf("signer count 1000 is not between 1 and %d", MaxSigners)
	f.forged("alice", &PolicySet{Signers: 1000}, want)
	f.forgedLog(want, append(closing, forgedStep{"", closed, &PolicySet{Signers: 1000, Proposal: id}})...)
	f.forgedLog("is not what proposal", append(closing, forgedStep{"", closed, &PolicySet{Signers: 3, Proposal: id}})...)
	f.forgedLog("already taken effect", append(closing,
		forgedStep{"", closed, &PolicySet{Signers: 2, Proposal: id}},
		forgedStep{"", closed, &PolicySet{Signers: 2, Proposal: id}})...)
	f.forgedLog("executing now", append(closing, forgedStep{"", closed + 1, &PolicySet{Signers: 2, Proposal: id}})...)
	f.forgedLog("no role proposal", append(closing, forgedStep{"", closed, &RoleGranted{Member: 2, Role: RoleSteward, Proposal: id}})...)

	f.clk.t = time.UnixMilli(closed)
	f.h.CloseDue(f.ctx)
	evs := f.tail(3)
	if evs[1].Body.EventType() != "proposal.executed" || !reflect.DeepEqual(evs[2].Body, &PolicySet{Signers: 2, Proposal: id}) {
		t.Fatalf("closing events %v %v %v", evs[0].Body, evs[1].Body, evs[2].Body)
	}
	if Policy(f.state()).Signers != 2 {
		t.Fatal("the policy did not change")
	}
}

// Every kind of proposal with an effect emits it as its domain's event,
// after proposal.executed, naming the proposal; the log verifies.
func TestEveryEffectIsAnEvent(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetCharter{Text: "Be kind."})
	cases := []struct {
		p    NewProposal
		want string
	}{
		{NewProposal{Kind: KindRole, Title: "Carol moderates", Action: Action{Member: 3, Role: RoleModerator, Grant: true}}, "role.granted"},
		{NewProposal{Kind: KindRole, Title: "Alice steps down", Action: Action{Member: 1, Role: RoleSteward, Grant: false}}, ""},
		{NewProposal{Kind: KindExpel, Title: "Expel dave", Action: Action{Member: 4}}, "member.expelled"},
		{NewProposal{Kind: KindSpace, Title: "A house", Action: Action{Space: &Space{Name: "House", Beds: 2, City: "Faro", Country: "PT"}}}, "space.added"},
		{NewProposal{Kind: KindSpace, Title: "No house", Action: Action{Retire: 1}}, "space.retired"},
		{NewProposal{Kind: KindSpend, Title: "Paint", Action: Action{Member: 2, Asset: "EUR", Amount: 100, Memo: "paint"}}, "payout.created"},
		{NewProposal{Kind: KindSpend, Title: "Budget", Action: Action{Role: RoleModerator, Asset: "EUR", Amount: 100, Period: PeriodWeek}}, "allowance.granted"},
		{NewProposal{Kind: KindRuleset, Title: "Slower text", Action: Action{Rules: &KindRules{Kind: KindText, PeriodMS: 8 * 24 * 3600 * 1000, QuorumBP: 2000, ThresholdBP: 5001}}}, "rules.set"},
		{NewProposal{Kind: KindCharter, Title: "Kinder", Body: "Be kinder."}, "charter.adopted"},
	}
	for _, c := range cases {
		id := f.propose("bob", c.p)
		voters := []string{"alice", "bob", "carol"}
		if c.p.Kind == KindExpel {
			voters = append(voters, "dave")
		}
		for _, n := range voters {
			f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
		}
		f.clk.t = time.UnixMilli(f.proposal(id).Deadline)
		f.h.CloseDue(f.ctx)
		if c.want == "" {
			// The last steward cannot step down: not executable, stays passed.
			if st := f.proposal(id).State; st != PropPassed {
				t.Fatalf("%s: %s", c.p.Title, st)
			}
			continue
		}
		evs := f.tail(8) // the close may come with other things due
		i := slices.IndexFunc(evs, func(ev Event) bool { return reflect.DeepEqual(ev.Body, &ProposalExecuted{Proposal: id}) })
		if i < 0 || i+1 == len(evs) || evs[i+1].Body.EventType() != c.want {
			t.Fatalf("%s: no proposal.executed then %s in %v", c.p.Title, c.want, evs)
		}
		if got := reflect.ValueOf(evs[i+1].Body).Elem().FieldByName("Proposal").Uint(); got != id {
			t.Fatalf("%s: effect names proposal %d", c.p.Title, got)
		}
	}
	f.verifies()
}

// tail is the last n events of the log.
func (f *govFixture) tail(n int) []Event {
	f.t.Helper()
	var buf bytes.Buffer
	if err := f.s.WriteExport(&buf); err != nil {
		f.t.Fatal(err)
	}
	x, err := ReadExport(&buf)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []Event
	for _, b := range x.Events[len(x.Events)-n:] {
		ev, err := Decode(b)
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

// state is a reader of the published state.
func (f *govFixture) state() Reader {
	var st *MemState
	_ = f.s.View(func(r Reader) error {
		st = NewMemState()
		r.Scan(PrefixState, func(k string, v []byte) bool { st.Set(k, v); return true })
		return nil
	})
	return st
}

// A scheduled change takes effect as the changed thing's own event, right
// after its change.applied: the same rule as the direct change, without
// the time lock it waited out, once, and only what was scheduled.
func TestScheduledChangeIsTheDomainsEvent(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetPolicy{Signers: 1}) // fewer: scheduled
	due := f.clk.t.UnixMilli() + TimeLockMS
	applying := forgedStep{"", due, &ChangeApplied{Change: 1}}
	f.forgedLog("not being applied now", forgedStep{"", due, &PolicySet{Signers: 1, Change: 1}})
	f.forgedLog("is not what change 1 scheduled", applying, forgedStep{"", due, &PolicySet{Signers: 2, Change: 1}})
	f.forgedLog("is not what change 1 scheduled", applying, forgedStep{"", due, &RulesSet{Rules: defaultRules[KindText], Change: 1}})
	f.forgedLog(fmt.Sprintf("signer count 1000 is not between 1 and %d", MaxSigners), applying, forgedStep{"", due, &PolicySet{Signers: 1000, Change: 1}})
	f.forgedLog("not being applied now", applying,
		forgedStep{"", due, &PolicySet{Signers: 1, Change: 1}},
		forgedStep{"", due, &PolicySet{Signers: 1, Change: 1}})
	f.forgedLog("not due", forgedStep{"", due - 1, &ChangeApplied{Change: 1}})

	f.clk.t = time.UnixMilli(due)
	f.h.CloseDue(f.ctx)
	evs := f.tail(2)
	if !reflect.DeepEqual(evs[0].Body, &ChangeApplied{Change: 1}) || !reflect.DeepEqual(evs[1].Body, &PolicySet{Signers: 1, Change: 1}) {
		t.Fatalf("applying events %v %v", evs[0].Body, evs[1].Body)
	}
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 1 {
		t.Fatalf("policy %+v", p)
	}
	if cs, _ := f.h.ScheduledChanges(); len(cs) != 0 {
		t.Fatalf("changes waiting %+v", cs)
	}
	f.verifies()
}

// A steward's direct change is a steward's: a forged one by anyone else is
// refused by apply, as the command refuses it.
func TestDirectChangesNeedTheRight(t *testing.T) {
	f := newGov(t)
	f.forged("bob", &RulesSet{Rules: defaultRules[KindText]}, "may not set rules")
	f.forged("bob", &PolicySet{Signers: 3}, "may not set the treasury policy")
	f.forged("bob", &RestitutionCapSet{Asset: "EUR", Amount: 1}, "cannot be set directly")
	f.forged("bob", &RoleGranted{Member: 2, Role: RoleSteward}, "may not grant roles")
	f.forged("bob", &RoleRevoked{Member: 1, Role: RoleSteward}, "may not revoke roles")
	f.forged("bob", &SpaceAdded{Space: Space{ID: 1, Name: "Mine", Beds: 1, TZ: "UTC"}}, "may not add spaces")
}

package state

import (
	"strings"
	"testing"
	"time"
)

func TestCharterConsentOnJoin(t *testing.T) {
	f := newGov(t)
	// No charter: consent is neither needed nor possible.
	f.refuse("bob", Consent{Version: 1}, "no charter")
	f.refuse("bob", SetCharter{Text: "We share."}, "only stewards")
	f.refuse("alice", SetCharter{Text: ""}, "charter")
	f.refuse("alice", SetCharter{Text: "evil \x1b[2J"}, "escape sequence")
	f.do("alice", SetCharter{Text: "# Charter\n\nWe share beds and decide together."})
	f.refuse("alice", SetCharter{Text: "A second first charter"}, "already has charter version 1")
	if m, _ := GetMemberFrom(t, f.h, f.ids["alice"]); m.Consent != 1 {
		t.Fatalf("the steward who set it has not consented: %+v", m)
	}

	erin := testActor(t, "erin")
	f.ppl["erin"] = erin
	code, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 2, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.refuse("erin", Join{CodeHash: HashCode(code), Name: "erin"}, "read it with `charter`")
	f.refuse("erin", Join{CodeHash: HashCode(code), Name: "erin", Consent: 2}, "version 1, not 2")
	evs := f.do("erin", Join{CodeHash: HashCode(code), Name: "erin", Consent: 1})
	m, err := f.h.JoinedMember(evs)
	if err != nil || m.Consent != 1 {
		t.Fatalf("joined %+v %v", m, err)
	}

	// Applications carry consent too, and keep it through approval.
	fred := testActor(t, "fred")
	f.ppl["fred"] = fred
	f.refuse("fred", ApplyToJoin{Name: "fred", Text: "hi"}, "charter")
	evs = f.do("fred", ApplyToJoin{Name: "fred", Text: "hi", Consent: 1})
	app := evs[0].Body.(*ApplicationSubmitted).Application
	evs = f.do("alice", DecideApplication{ID: app, Approve: true})
	if m, _ := f.h.JoinedMember(evs); m.Consent != 1 {
		t.Fatalf("approved applicant lost consent: %+v", m)
	}

	// Amendment only by a passed charter proposal; members re-consent.
	f.refuse("bob", NewProposal{Kind: KindCharter, Title: "v2", Body: ""}, "charter")
	f.refuse("bob", NewProposal{Kind: KindCharter, Title: "v2", Body: "x", Method: MethodApproval, Options: []string{"a", "b"}}, "yes/no")
	evs = f.do("bob", NewProposal{Kind: KindCharter, Title: "Add quiet hours", Body: "# Charter\n\nQuiet after 22:00."})
	id := evs[0].Body.(*ProposalCreated).Proposal
	for _, who := range []string{"alice", "bob", "carol", "dave"} {
		f.do(who, CastVote{ID: id, Ballot: yes("yes")})
	}
	f.clk.t = f.clk.t.Add(15 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	ch, ok, _ := f.h.Charter(0)
	if !ok || ch.Version != 2 || ch.Proposal != id || !strings.Contains(ch.Text, "Quiet") {
		t.Fatalf("charter after amendment: %+v", ch)
	}
	if m, _ := GetMemberFrom(t, f.h, f.ids["bob"]); m.Consent != 0 {
		t.Fatalf("bob consented without being asked: %+v", m)
	}
	f.refuse("bob", Consent{Version: 1}, "version 2, not 1")
	f.do("bob", Consent{Version: 2})
	f.refuse("bob", Consent{Version: 2}, "already consented")
	if cs, _ := f.h.Charters(); len(cs) != 2 {
		t.Fatalf("history %+v", cs)
	}
	f.verifies()
}

// verifies closes the engine, which seals the tail, and checks the whole
// log as polis verify does (see verify).
func (f *govFixture) verifies() VerifyReport {
	f.t.Helper()
	if err := f.s.Close(); err != nil {
		f.t.Fatal(err)
	}
	rep, err := f.verify()
	if err != nil {
		f.t.Fatal(err)
	}
	return rep
}

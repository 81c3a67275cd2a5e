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

func TestLeaveEndsWhatWasPending(t *testing.T) {
	f := newGov(t) // today is 2026-11-25
	sp := addSpace(t, f, Space{Name: "Loft", Beds: 1, TZ: "UTC"})
	evs := f.do("carol", NewProposal{Kind: KindText, Title: "Paint it green"})
	prop := evs[0].Body.(*ProposalCreated).Proposal
	f.do("carol", CastVote{ID: prop, Ballot: yes("yes")})
	f.do("dave", CastVote{ID: prop, Ballot: yes("no")})
	f.do("carol", Delegate{To: f.ids["bob"]})
	f.do("dave", Delegate{To: f.ids["carol"]}) // someone else's delegation to the leaver stays theirs
	today := f.do("carol", Book{Space: sp, From: "2026-11-25", To: "2026-11-27"})
	future := f.do("carol", Book{Space: sp, From: "2026-12-10", To: "2026-12-12"})
	wait := f.do("dave", Book{Space: sp, From: "2026-12-10", To: "2026-12-11", Waitlist: true})

	f.refuse("alice", Leave{}, "only steward")
	evs = f.do("carol", Leave{Anonymous: true})
	var types []string
	for _, e := range evs {
		types = append(types, e.Body.EventType())
	}
	if got := strings.Join(types, " "); got != "vote.withdrawn delegation.revoked booking.cancelled booking.promoted member.left" {
		t.Fatalf("leave events: %s", got)
	}
	var carol Member
	var bks []Booking
	f.h.View(func(r Reader) error {
		carol, _ = GetMember(r, f.ids["carol"])
		bks = ListBookings(r)
		return nil
	})
	if !carol.Gone() || carol.Name != FormerMember {
		t.Fatalf("carol after leaving: %+v", carol)
	}
	status := map[uint64]string{}
	for _, b := range bks {
		status[b.ID] = b.Status
	}
	id := func(evs []Event) uint64 { return evs[0].Body.(*BookingRequested).Booking }
	if status[id(today)] != BookConfirmed || status[id(future)] != BookCancelled || status[id(wait)] != BookConfirmed {
		t.Fatalf("bookings after leaving: %v", status)
	}
	// Her keys stop at once; dave's vote and delegation stay.
	f.refuse("carol", CastVote{ID: prop, Ballot: yes("yes")}, "members only")
	v := f.view(prop, "dave")
	if v.MyVote == nil || v.Tally.No != 1 || v.Tally.Yes != 0 || v.Tally.Eligible != 3 {
		t.Fatalf("tally after leaving: %+v", v.Tally)
	}
	rec, err := f.h.RecordOf(f.ids["carol"])
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Events); n < 8 || rec.Events[n-1].Type != "member.left" || rec.Events[0].Type != "member.joined" {
		t.Fatalf("record has %d events: %+v", n, rec.Events)
	}
	f.verifies()
}

func TestProfileAndCensus(t *testing.T) {
	f := newGov(t)
	f.refuse("bob", SetCountry{Country: "Portugal"}, "two-letter")
	f.refuse("bob", SetCountry{Country: "pt"}, "two-letter")
	f.refuse("bob", SetCountry{Country: "ZZ"}, "two-letter")
	f.refuse("bob", SetCountry{Country: ""}, "not declared")
	f.refuse("bob", SetListed{Listed: false}, "already unlisted")
	for _, who := range []string{"alice", "bob", "carol"} {
		f.do(who, SetCountry{Country: "PT"})
	}
	f.do("dave", SetCountry{Country: "DE"})
	f.do("bob", SetListed{Listed: true})
	f.do("bob", Contribute{Asset: "EUR", Amount: 500})
	f.s.Close()
	h := f.h
	visitor, err := h.Census(false)
	if err != nil {
		t.Fatal(err)
	}
	if visitor.Count != 4 || len(visitor.Members) != 1 || visitor.Members[0].Name != "bob" || visitor.Unlisted != 3 {
		t.Fatalf("visitor census %+v", visitor)
	}
	if member, _ := h.Census(true); len(member.Members) != 4 {
		t.Fatalf("members see everyone: %+v", member.Members)
	}
	at := visitor.At
	if at == nil {
		t.Fatal("no census at the checkpoint sealed on close")
	}
	fg := at.Figures
	if fg.Members != 4 || fg.Active30 != 1 || len(fg.Countries) != 1 || fg.Countries[0] != (CountryCount{"PT", 3}) ||
		fg.CountriesWithheld != 1 || fg.CountryUndeclared != 0 || len(fg.Joined) != 1 || fg.Joined[0].Count != 4 {
		t.Fatalf("figures %+v", fg)
	}
	rep := f.verifies()
	if rep.Census == nil || CensusDiff(*rep.Census, *at) != "" {
		t.Fatalf("verify recomputed %+v, hub said %+v", rep.Census, at)
	}
}

func TestCampaigns(t *testing.T) {
	f := newGov(t)
	day := int64(24 * 3600 * 1000)
	now := f.clk.t.UnixMilli()
	f.refuse("bob", NewCampaign{Title: "", Asset: "EUR", Goal: 100, Deadline: now + day}, "title")
	f.refuse("bob", NewCampaign{Title: "Roof", Asset: "XYZ", Goal: 100, Deadline: now + day}, "unknown asset")
	f.refuse("bob", NewCampaign{Title: "Roof", Asset: "EUR", Goal: 0, Deadline: now + day}, "goal")
	f.refuse("bob", NewCampaign{Title: "Roof", Asset: "EUR", Goal: 100, Deadline: now - 1}, "future")
	f.refuse("bob", NewCampaign{Title: "Roof", Asset: "EUR", Goal: 100, Deadline: now + 400*day}, "at most 365 days")
	f.refuse("bob", NewCampaign{Title: "Roof", Funds: "\x1b]0;x\x07", Asset: "EUR", Goal: 100, Deadline: now + day}, "escape")
	ok := f.do("bob", NewCampaign{Title: "Roof", Funds: "A new roof for the loft", Asset: "EUR", Goal: 1000, Deadline: now + 3*day})[0].Body.(*CampaignCreated).Campaign
	fail := f.do("bob", NewCampaign{Title: "Sauna", Asset: "EUR", Goal: 5000, Deadline: now + 3*day})[0].Body.(*CampaignCreated).Campaign
	f.refuse("carol", PledgeTo{Campaign: 9, Amount: 10}, "no campaign 9")
	f.refuse("carol", PledgeTo{Campaign: ok, Amount: 0}, "more than zero")
	f.refuse("carol", Unpledge{Campaign: ok}, "no pledge")
	f.do("carol", PledgeTo{Campaign: ok, Amount: 600})
	f.do("carol", PledgeTo{Campaign: ok, Amount: 100}) // adds up
	f.do("dave", PledgeTo{Campaign: ok, Amount: 300})
	f.do("alice", PledgeTo{Campaign: ok, Amount: 50})
	f.do("alice", Unpledge{Campaign: ok})
	f.do("carol", PledgeTo{Campaign: fail, Amount: 700})
	f.refuse("alice", CloseCampaign{ID: ok}, "deadline")
	f.refuse("bob", TieCampaign{Campaign: ok, Proposal: 1}, "not succeeded")
	f.clk.t = f.clk.t.Add(4 * 24 * time.Hour)
	f.refuse("dave", PledgeTo{Campaign: ok, Amount: 1}, "closed to pledges")
	f.h.CloseDue(f.ctx)
	c1, p1, _ := f.h.CampaignWithPledges(ok)
	c2, p2, _ := f.h.CampaignWithPledges(fail)
	if c1.State != CampaignSucceeded || c1.Pledged != 1000 || c1.Pledgers != 2 || len(p1) != 2 || p1[0].Entry == 0 {
		t.Fatalf("succeeded campaign %+v %+v", c1, p1)
	}
	if c2.State != CampaignFailed || len(p2) != 1 || p2[0].Entry != 0 {
		t.Fatalf("failed campaign %+v %+v", c2, p2)
	}
	var bal int64
	f.h.View(func(r Reader) error { bal = Balance(r, "EUR"); return nil })
	if bal != 1000 {
		t.Fatalf("treasury %d, want the succeeded campaign's 1000 only", bal)
	}
	// Tie it to a passed space proposal.
	evs := f.do("bob", NewProposal{Kind: KindSpace, Title: "Open the loft", Action: Action{Space: &Space{Name: "Loft", Beds: 2, TZ: "UTC"}}})
	sp := evs[0].Body.(*ProposalCreated).Proposal
	f.refuse("bob", TieCampaign{Campaign: ok, Proposal: sp}, "not a passed space proposal")
	for _, who := range []string{"alice", "bob", "carol"} {
		f.do(who, CastVote{ID: sp, Ballot: yes("yes")})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	f.refuse("carol", TieCampaign{Campaign: ok, Proposal: sp}, "creator or a steward")
	f.do("bob", TieCampaign{Campaign: ok, Proposal: sp})
	f.refuse("alice", TieCampaign{Campaign: ok, Proposal: sp}, "already tied")
	f.verifies()
}

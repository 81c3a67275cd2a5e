package state

import (
	"testing"
	"time"
)

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

package state

// scenarioLeaving: a member leaves in one command that undoes what they
// left open; another leaves anonymously.
func scenarioLeaving(s *script) {
	s.founding("Leaving", "bob", "carol", "dave", "erin")
	s.do("carol", SetCountry{Country: "FR"})
	flat := s.do("alice", AddSpace{Space: Space{Name: "Flat", Beds: 1}})[0].Body.(*SpaceAdded).Space.ID
	now := s.clk.t.UnixMilli()
	fund := s.do("bob", NewCampaign{Title: "Roof", Asset: "EUR", Goal: 50000, Deadline: now + 20*24*3600*1000})[0].Body.(*CampaignCreated).Campaign
	roof := s.propose("bob", NewProposal{Kind: KindText, Title: "Fix the roof"})

	// What carol leaves open: a vote, two delegations, a stay with erin
	// waiting behind it, a pledge.
	s.vote(roof, "yes", "carol", "bob")
	s.do("carol", Delegate{To: s.id("bob"), Kind: KindText})
	s.do("carol", Delegate{To: s.id("dave"), Kind: "*"})
	s.do("carol", Book{Space: flat, From: "2026-03-20", To: "2026-03-25"})
	s.do("erin", Book{Space: flat, From: "2026-03-21", To: "2026-03-22", Waitlist: true})
	s.do("carol", PledgeTo{Campaign: fund, Amount: 2000})
	s.do("carol", Leave{})

	// dave leaves anonymously: his name is free again, and a newcomer takes
	// it.
	s.do("dave", Leave{Anonymous: true})
	s.do("alice", CreateInvite{CodeHash: HashCode("code-for-the-second-dave"), Uses: 1})
	s.do("dave the second", Join{CodeHash: HashCode("code-for-the-second-dave"), Name: "dave"})
	s.days(8)
}

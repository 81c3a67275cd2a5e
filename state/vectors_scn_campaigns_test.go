package state

// scenarioCampaigns: pledge campaigns, which turn pledges into
// contributions only if they reach their goal by the deadline.
func scenarioCampaigns(s *script) {
	s.founding("Campaigns", "bob", "carol", "dave")
	const day = int64(24 * 3600 * 1000)
	now := s.clk.t.UnixMilli()
	house := s.do("bob", NewCampaign{Title: escLine, Funds: escText, Asset: "EUR", Goal: 30000, Deadline: now + 10*day})[0].Body.(*CampaignCreated).Campaign
	solar := s.do("carol", NewCampaign{Title: "Solar panels", Funds: "Twelve panels.", Asset: "USD", Goal: 100000, Deadline: now + 5*day})[0].Body.(*CampaignCreated).Campaign

	s.do("alice", PledgeTo{Campaign: house, Amount: 10000})
	s.do("carol", PledgeTo{Campaign: house, Amount: 15000})
	s.do("dave", PledgeTo{Campaign: house, Amount: 5000})
	s.do("dave", Unpledge{Campaign: house})
	s.do("dave", PledgeTo{Campaign: house, Amount: 8000})
	s.do("alice", PledgeTo{Campaign: house, Amount: 1000}) // adds to her pledge
	s.do("bob", PledgeTo{Campaign: solar, Amount: 500})
	s.do("dave", PledgeTo{Campaign: solar, Amount: 700})

	buy := s.propose("bob", NewProposal{Kind: KindSpace, Title: "Buy the Faro house",
		Action: Action{Space: &Space{Name: "Faro house", Beds: 4, TZ: "Europe/Lisbon"}}})
	s.vote(buy, "yes", "alice", "bob", "carol")
	s.days(5) // the solar campaign fails: its pledges are released
	s.days(3) // the space proposal passes
	s.days(2) // the house campaign succeeds: each pledge becomes a contribution
	s.do("bob", TieCampaign{Campaign: house, Proposal: buy})
}

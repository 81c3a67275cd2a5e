package state

// scenarioCharter: the charter every member consents to, set once by a
// steward and amended only by proposal.
func scenarioCharter(s *script) {
	s.founding("Charter", "bob", "carol")
	s.do("alice", SetCharter{Text: "# Our charter\n\n1. Be kind.\n2. " + escText})
	s.do("bob", Consent{Version: 1})
	s.do("carol", Consent{Version: 1})
	// With a charter in force, newcomers consent as they join or apply.
	code := HashCode("code-for-dave")
	s.do("alice", CreateInvite{CodeHash: code, Uses: 1})
	s.ids["dave"] = s.do("dave", Join{CodeHash: code, Name: "dave", Consent: 1})[0].Body.(*MemberJoined).Member
	s.do("erin", ApplyToJoin{Name: "erin", Text: "I read it.", Consent: 1})
	s.ids["erin"] = s.do("alice", DecideApplication{ID: 1, Approve: true})[1].Body.(*MemberJoined).Member

	amend := s.propose("bob", NewProposal{Kind: KindCharter, Title: "Add a third article",
		Body: "# Our charter\n\n1. Be kind.\n2. Be on time.\n3. Share the tools."})
	s.do("carol", CommentOn{ID: amend, Body: "Agreed."})
	s.vote(amend, "yes", "alice", "bob", "carol", "dave")
	s.vote(amend, "no", "erin")
	s.days(15)
	s.do("alice", Consent{Version: 2})
	s.do("erin", Consent{Version: 2})
	// An applicant who consented to version 2 waits for a decision.
	s.do("frank", ApplyToJoin{Name: "frank", Text: escText, Consent: 2})
}

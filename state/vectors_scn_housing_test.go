package state

// scenarioHousing: shared spaces and the stays booked in them. Today is
// 2026-03-02.
func scenarioHousing(s *script) {
	s.founding("Housing", "bob", "carol", "dave", "erin")
	flat := s.do("alice", AddSpace{Space: Space{Name: "Alfama <flat> & \"loft\"", City: "Lisboa 🌊", Country: "PT", Beds: 1,
		TZ: "Europe/Lisbon", Rules: escText, MinNotice: 1, MaxNotice: 90, MaxNights: 5,
		Blackouts: []DateSpan{{From: "2026-12-24", To: "2026-12-27"}}}})[0].Body.(*SpaceAdded).Space.ID
	house := s.do("alice", AddSpace{Space: Space{Name: "Porto house", Beds: 2, NeedsApproval: true, QuotaNights: 10}})[0].Body.(*SpaceAdded).Space.ID
	tent := s.do("alice", AddSpace{Space: Space{Name: "Tent", Beds: 3, TZ: "America/Sao_Paulo"}})[0].Body.(*SpaceAdded).Space.ID
	s.do("alice", RetireSpace{ID: tent})

	// The flat (one bed, no approval): bob's stay is confirmed, carol
	// waits for the night it overlaps; bob cancels and carol moves up.
	s.do("bob", Book{Space: flat, From: "2026-03-10", To: "2026-03-13"})
	s.do("carol", Book{Space: flat, From: "2026-03-12", To: "2026-03-14", Waitlist: true})
	s.do("bob", CancelBooking{ID: 1})
	s.do("dave", Book{Space: flat, From: "2026-03-20", To: "2026-03-22"})
	s.do("dave", CancelBooking{ID: 3})

	// The house needs a steward's approval. erin's stay is approved;
	// dave's is refused, which lets bob's waitlisted stay move up to
	// pending, and it is approved in turn. carol waits for two beds.
	s.do("erin", Book{Space: house, From: "2026-03-15", To: "2026-03-17"})
	s.do("dave", Book{Space: house, From: "2026-03-15", To: "2026-03-16"})
	s.do("bob", Book{Space: house, From: "2026-03-15", To: "2026-03-16", Waitlist: true})
	s.do("carol", Book{Space: house, From: "2026-03-16", To: "2026-03-18", Beds: 2, Waitlist: true})
	s.do("alice", DecideBooking{ID: 4, Approve: true})
	s.do("alice", DecideBooking{ID: 5, Approve: false})
	s.do("alice", DecideBooking{ID: 6, Approve: true})

	// Spaces by proposal: one opened, one retired.
	open := s.propose("bob", NewProposal{Kind: KindSpace, Title: "Rent the Faro house", Body: escText,
		Action: Action{Space: &Space{Name: "Faro house", City: "Faro", Country: "PT", Beds: 4, Rules: "No shoes.",
			Blackouts: []DateSpan{{From: "2026-08-01", To: "2026-08-15"}}}}})
	retire := s.propose("carol", NewProposal{Kind: KindSpace, Title: "Give up the flat", Action: Action{Retire: flat}})
	s.vote(open, "yes", "alice", "bob", "carol")
	s.vote(retire, "yes", "alice", "bob", "carol")
	s.days(8)
	s.do("dave", Book{Space: 4, From: "2026-03-20", To: "2026-03-23", Beds: 2})
}

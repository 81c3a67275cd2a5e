package state

import "time"

// scenarioDisputes: cases from filing to ruling, appeal and jury.
func scenarioDisputes(s *script) {
	s.founding("Disputes", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "mia", "tom", "tina")
	for _, n := range []string{"carol", "mia"} {
		s.do("alice", SetRole{Member: s.id(n), Role: RoleModerator, Grant: true})
	}
	for _, n := range []string{"tom", "tina"} {
		s.do("alice", SetRole{Member: s.id(n), Role: RoleTreasurer, Grant: true})
	}
	s.do("alice", Contribute{Asset: "EUR", Amount: 30000})
	flat := s.do("alice", AddSpace{Space: Space{Name: "Flat", Beds: 1}})[0].Body.(*SpaceAdded).Space.ID
	stay := s.do("dave", Book{Space: flat, From: "2026-03-10", To: "2026-03-12"})[0].Body.(*BookingRequested).Booking
	s.do("bob", Book{Space: flat, From: "2026-03-10", To: "2026-03-11", Waitlist: true})

	// Case 1: bob against dave. carol claims and steps aside; mia takes
	// it, keeps a private note, and rules restitution: dave's stay is
	// cancelled (bob's moves up) and bob is paid 25 EUR, under the cap.
	c1 := s.do("bob", FileCase{Against: s.id("dave"), Category: "housing", Title: escLine, Statement: escText})[0].Body.(*CaseFiled).Case
	s.do("dave", AddStatement{ID: c1, Body: escText})
	s.do("carol", CaseAction{ID: c1, Action: "claim"})
	s.do("carol", CaseAction{ID: c1, Action: "recuse"})
	s.do("mia", CaseAction{ID: c1, Action: "claim"})
	s.do("mia", AddPrivateNote{ID: c1, Body: escText, Salt: fixedSalt("case-1-note-1")})
	s.do("mia", AddStatement{ID: c1, Body: "Both stays were on the same night."})
	s.do("mia", Rule{ID: c1, Outcome: OutcomeRestitution, Reason: escText, Booking: stay, Asset: "EUR", Amount: 2500})

	// Case 2: erin against frank, restitution above the 100 EUR cap: the
	// members decide it as a spend proposal. frank appeals; a jury drawn
	// from the next checkpoint's hash makes it a warning.
	c2 := s.do("erin", FileCase{Against: s.id("frank"), Category: "treasury", Title: "Unpaid bills"})[0].Body.(*CaseFiled).Case
	s.do("carol", CaseAction{ID: c2, Action: "claim"})
	s.do("carol", Rule{ID: c2, Outcome: OutcomeRestitution, Reason: "He owes the house.", Asset: "EUR", Amount: 20000})
	s.do("frank", CaseAction{ID: c2, Action: "appeal"})
	s.juryVotes(c2, OutcomeWarning, OutcomeWarning, OutcomeDismissed, OutcomeWarning)

	// Case 3: gina against hank, suspended for 30 days by mia; on hank's
	// appeal the jury expels him.
	c3 := s.do("gina", FileCase{Against: s.id("hank"), Category: "conduct", Title: "Threats"})[0].Body.(*CaseFiled).Case
	s.do("mia", CaseAction{ID: c3, Action: "claim"})
	s.do("mia", Rule{ID: c3, Outcome: OutcomeSuspension, SuspendDays: 30})
	s.do("hank", CaseAction{ID: c3, Action: "appeal"})
	s.juryVotes(c3, OutcomeExpulsion, OutcomeSuspension, OutcomeExpulsion, OutcomeExpulsion)

	// Case 4: filed and withdrawn; case 5: dismissed.
	c4 := s.do("bob", FileCase{Against: s.id("erin"), Title: "Noise"})[0].Body.(*CaseFiled).Case
	s.do("bob", CaseAction{ID: c4, Action: "withdraw"})
	c5 := s.do("tom", FileCase{Against: s.id("tina"), Category: "governance", Title: "Minutes"})[0].Body.(*CaseFiled).Case
	s.do("carol", CaseAction{ID: c5, Action: "claim"})
	s.do("carol", Rule{ID: c5, Outcome: OutcomeDismissed})

	// A week on, the treasurers co-sign bob's restitution.
	s.days(7)
	s.do("tom", SignPayout{ID: 1})
	s.do("tina", SignPayout{ID: 1})
}

// juryVotes seals a checkpoint (the jury's seed), lets the hub draw the
// jury, and has its members vote the outcomes in order until one has a
// majority.
func (s *script) juryVotes(id uint64, outcomes ...string) {
	s.t.Helper()
	s.seal()
	s.wait(time.Minute)
	c, _, err := s.h.CaseWithThread(id)
	if err != nil || len(c.Jury) == 0 {
		s.t.Fatalf("case %d: no jury (%v)", id, err)
	}
	for i, juror := range c.Jury {
		if i == len(outcomes) {
			break
		}
		s.do(s.nameOf(juror), CastJuryVote{ID: id, Outcome: outcomes[i]})
		if c, _, _ = s.h.CaseWithThread(id); c.State == CaseStateJuryRuled {
			return
		}
	}
}

func (s *script) nameOf(id uint64) string {
	for n, i := range s.ids {
		if i == id {
			return n
		}
	}
	s.t.Fatalf("no name for member %d", id)
	return ""
}

// scenarioEmptyJury: an appeal in a hub too small for a jury. The draw is
// recorded with no jurors and the moderator's ruling stands.
func scenarioEmptyJury(s *script) {
	s.founding("Three", "bob", "carol")
	s.do("alice", SetRole{Member: s.id("bob"), Role: RoleModerator, Grant: true})
	c := s.do("carol", FileCase{Against: s.id("alice"), Title: "Locked the shed"})[0].Body.(*CaseFiled).Case
	s.do("bob", CaseAction{ID: c, Action: "claim"})
	s.do("bob", Rule{ID: c, Outcome: OutcomeWarning, Reason: "Leave a key."})
	s.do("alice", CaseAction{ID: c, Action: "appeal"})
	s.seal()
	s.wait(time.Minute)
}

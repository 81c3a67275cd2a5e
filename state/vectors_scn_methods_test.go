package state

import "github.com/polis-hub/polis/state/tally"

// scenarioMethods: the counting methods other than yes/no, and when each
// passes. Six members, so the 20% quorum of a text proposal needs two.
func scenarioMethods(s *script) {
	s.founding("Methods", "bob", "carol", "dave", "erin", "frank")
	approve := func(who string, id uint64, opts ...int) { s.ballot(who, id, tally.Ballot{Approve: opts}) }
	rank := func(who string, id uint64, opts ...int) { s.ballot(who, id, tally.Ballot{Ranking: opts}) }
	score := func(who string, id uint64, opts ...int) { s.ballot(who, id, tally.Ballot{Scores: opts}) }

	// Approval: the most approved option wins once the quorum is met.
	day := s.propose("alice", NewProposal{Kind: KindText, Title: "Meeting day", Method: MethodApproval,
		Options: []string{"Monday", "Tuesday <evening>", escLine}})
	approve("alice", day, 0, 1)
	approve("bob", day, 1)
	approve("carol", day, 2)
	// Approval without quorum: one voter of six expires it.
	lonely := s.propose("bob", NewProposal{Kind: KindText, Title: "Logo colour", Method: MethodApproval,
		Options: []string{"red", "blue"}})
	approve("alice", lonely, 0)

	// Ranked, decided in the first round by a majority.
	first := s.propose("carol", NewProposal{Kind: KindText, Title: "Mascot", Method: MethodRanked,
		Options: []string{"cat", "dog", "owl"}})
	for _, n := range []string{"alice", "bob", "carol", "dave"} {
		rank(n, first, 0, 2)
	}
	rank("erin", first, 1)
	// Ranked with ties at every elimination. Round 1: A2 B2 C1 D1, C and
	// D tie with no earlier round, so the higher index (D) goes. Round 2:
	// A2 B2 C2, round 1 breaks the tie (C had 1). Round 3: A3 B3, tied in
	// every earlier round too, so B (the higher index) goes and A wins.
	tie := s.propose("dave", NewProposal{Kind: KindText, Title: "Garden plan", Method: MethodRanked,
		Options: []string{"A: herbs", "B: roses", "C: pond", "D: lawn"}})
	rank("alice", tie, 0)
	rank("bob", tie, 0, 1)
	rank("carol", tie, 1)
	rank("dave", tie, 1, 0)
	rank("erin", tie, 2, 0)
	rank("frank", tie, 3, 2, 1)

	// Score: the highest total wins; equal totals go to the lower index.
	sc := s.propose("erin", NewProposal{Kind: KindText, Title: "Menu", Method: MethodScore,
		Options: []string{"soup", "stew", "salad"}})
	score("alice", sc, 5, 3, 0)
	score("bob", sc, 0, 4, 1)
	even := s.propose("frank", NewProposal{Kind: KindText, Title: "Paint", Method: MethodScore,
		Options: []string{"white", "grey"}})
	score("alice", even, 4, 1)
	score("bob", even, 0, 3)
	// Score with every score zero: the quorum is met, no option wins, so
	// it is rejected.
	zero := s.propose("alice", NewProposal{Kind: KindText, Title: "Mural", Method: MethodScore,
		Options: []string{"birds", "boats"}})
	score("carol", zero, 0, 0)
	score("dave", zero, 0, 0)
	s.days(8)

	// Ranked with two options nobody ranked first: round 1 eliminates D
	// and E together. frank's vote reaches dave's ranking by delegation,
	// so C holds 2 like A and B; in round 2 they tie as in round 1, C goes
	// as the higher index, and dave's next choice gives A a majority.
	s.do("frank", Delegate{To: s.id("dave"), Kind: KindText})
	late := s.propose("bob", NewProposal{Kind: KindText, Title: "Trip", Method: MethodRanked,
		Options: []string{"A", "B", "C", "D", "E"}})
	rank("alice", late, 0)
	rank("bob", late, 0, 1)
	rank("carol", late, 1)
	rank("erin", late, 1, 3)
	rank("dave", late, 2, 0)
	s.days(8)
}

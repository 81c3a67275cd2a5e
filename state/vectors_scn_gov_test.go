package state

import "github.com/polis-hub/polis/state/tally"

// scenarioProposals: yes/no proposals from opening to close, with liquid
// delegation, and the proposals that change who holds power.
func scenarioProposals(s *script) {
	s.founding("Proposals", "bob", "carol", "dave", "erin", "frank")

	// dave trusts carol with text proposals; erin trusts her with every
	// kind; frank delegates everything to erin, who will take it back.
	s.do("dave", Delegate{To: s.id("carol"), Kind: KindText})
	s.do("erin", Delegate{To: s.id("carol"), Kind: "*"})
	s.do("frank", Delegate{To: s.id("dave"), Kind: KindRole})

	// Passed: 2 yes against carol's no; bob changes his mind once.
	quiet := s.propose("alice", NewProposal{Kind: KindText, Title: escLine, Body: escText})
	s.do("bob", CommentOn{ID: quiet, Body: escText})
	s.do("carol", CommentOn{ID: quiet, Body: "Second comment."})
	s.vote(quiet, "no", "bob")
	s.vote(quiet, "yes", "alice", "bob", "erin")
	s.vote(quiet, "abstain", "frank")
	// Rejected: carol's no carries dave's and erin's votes (3 to 2).
	pink := s.propose("bob", NewProposal{Kind: KindText, Title: "Paint the door pink"})
	s.vote(pink, "yes", "alice", "bob")
	s.vote(pink, "no", "carol")
	// Expired: one vote of six is under the 20% quorum.
	s.vote(s.propose("carol", NewProposal{Kind: KindText, Title: "Nobody cares"}), "yes", "bob")
	// Cancelled by its author while open.
	s.do("dave", CancelProposal{ID: s.propose("dave", NewProposal{Kind: KindText, Title: "Never mind"})})
	// A role granted by proposal: frank's vote arrives through dave.
	grant := s.propose("erin", NewProposal{Kind: KindRole, Title: "dave moderates",
		Action: Action{Member: s.id("dave"), Role: RoleModerator, Grant: true}})
	s.vote(grant, "yes", "alice", "dave", "erin")
	s.days(8)

	s.do("erin", Undelegate{Kind: "*"})
	revoke := s.propose("erin", NewProposal{Kind: KindRole, Title: "dave steps down",
		Action: Action{Member: s.id("dave"), Role: RoleModerator, Grant: false}})
	s.vote(revoke, "yes", "alice", "bob", "erin")
	s.vote(revoke, "no", "dave")
	expel := s.propose("alice", NewProposal{Kind: KindExpel, Title: "Expel frank", Body: "He never came back.",
		Action: Action{Member: s.id("frank")}})
	s.vote(expel, "yes", "alice", "bob", "carol", "erin")
	s.ballot("dave", expel, tally.Ballot{Choice: "no"})
	s.days(15)
}

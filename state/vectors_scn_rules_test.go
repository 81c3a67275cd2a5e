package state

// scenarioRules: the rules a kind is decided by, changed by a steward (at
// once when they do not weaken a guarded kind, else after the time lock)
// and by a rules proposal.
func scenarioRules(s *script) {
	s.founding("Rules", "bob", "carol", "dave")
	const day = int64(24 * 3600 * 1000)

	before := s.propose("bob", NewProposal{Kind: KindText, Title: "Opened under the defaults"})
	// text is not guarded: any change applies at once, hidden counts too.
	s.do("alice", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 3 * day, QuorumBP: 2500, ThresholdBP: 5001, Hidden: true}})
	after := s.propose("bob", NewProposal{Kind: KindText, Title: "Opened under the new rules"})
	s.vote(before, "yes", "alice", "bob")
	s.vote(after, "yes", "alice", "carol")
	// A stronger rule for a guarded kind applies at once.
	s.do("alice", SetRules{Rules: KindRules{Kind: KindRole, PeriodMS: 10 * day, QuorumBP: 3500, ThresholdBP: 6000}})
	// A weaker one waits; a second replaces the first, and is applied at
	// its time.
	s.do("alice", SetRules{Rules: KindRules{Kind: KindSpend, PeriodMS: 5 * day, QuorumBP: 3000, ThresholdBP: 6000}})
	s.do("alice", SetRules{Rules: KindRules{Kind: KindSpend, PeriodMS: 6 * day, QuorumBP: 2500, ThresholdBP: 5500}})
	// The members propose their own rules for role proposals.
	members := s.propose("carol", NewProposal{Kind: KindRuleset, Title: "Role proposals take eight days",
		Body: escText, Action: Action{Rules: &KindRules{Kind: KindRole, PeriodMS: 8 * day, QuorumBP: 3000, ThresholdBP: 6000}}})
	s.vote(members, "yes", "alice", "bob", "carol")
	s.days(8) // the spend change is applied; both text proposals close
	// alice's own weakening of role rules waits (day 9, due on day 16),
	// and the members' passed proposal replaces it before its time.
	s.days(1)
	s.do("alice", SetRules{Rules: KindRules{Kind: KindRole, PeriodMS: 4 * day, QuorumBP: 3000, ThresholdBP: 6000}})
	s.days(6) // the rules proposal closes on day 15, cancelling the change
	s.days(2)
}

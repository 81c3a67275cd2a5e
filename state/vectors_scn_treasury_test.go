package state

import "time"

// scenarioTreasury: money in, money out, and the controls on both. The
// log starts on Monday 2026-03-02.
func scenarioTreasury(s *script) {
	s.founding("Treasury", "bob", "carol", "dave", "erin")
	s.do("alice", AddAsset{Code: "SEED", Decimals: 0})
	s.do("alice", AddAsset{Code: "GBP", Decimals: 2})
	s.do("alice", SetRole{Member: s.id("carol"), Role: RoleTreasurer, Grant: true})
	s.do("alice", SetRole{Member: s.id("dave"), Role: RoleTreasurer, Grant: true})
	s.do("alice", SetRole{Member: s.id("erin"), Role: RoleModerator, Grant: true})

	// Contributions count at once; one that bounced is reversed.
	s.do("bob", Contribute{Asset: "EUR", Amount: 50000, Memo: escLine})
	s.do("erin", Contribute{Asset: "SEED", Amount: 12})
	s.do("carol", Contribute{Asset: "EUR", Amount: 2000, Memo: "cheque"})
	s.do("dave", ReverseContribution{Entry: 3, Memo: "the cheque " + escLine})

	// Three signatures at once (stronger); back to two after the lock.
	s.do("alice", SetPolicy{Signers: 3})
	s.do("alice", SetPolicy{Signers: 2})
	// Restitution caps: a lower EUR cap at once, a higher one after the
	// lock; a raise of SEED's cap replaced by keeping it at zero.
	s.do("alice", SetRestitutionCap{Asset: "EUR", Amount: 5000})
	s.do("alice", SetRestitutionCap{Asset: "EUR", Amount: 8000})
	s.do("alice", SetRestitutionCap{Asset: "SEED", Amount: 5})
	s.do("alice", SetRestitutionCap{Asset: "SEED", Amount: 0})

	// Spend proposals: a payout, a monthly allowance to bob, a weekly one
	// to whoever moderates; and a rules proposal for three signatures.
	pay := s.propose("erin", NewProposal{Kind: KindSpend, Title: "Paint for the door", Body: escText,
		Action: Action{Member: s.id("bob"), Asset: "EUR", Amount: 10000, Memo: escLine}})
	monthly := s.propose("carol", NewProposal{Kind: KindSpend, Title: "Groceries",
		Action: Action{Member: s.id("bob"), Asset: "EUR", Amount: 2000, Memo: "food", Period: PeriodMonth}})
	weekly := s.propose("bob", NewProposal{Kind: KindSpend, Title: "Moderators' tea",
		Action: Action{Role: RoleModerator, Asset: "GBP", Amount: 700, Period: PeriodWeek}})
	three := s.propose("dave", NewProposal{Kind: KindRuleset, Title: "Three signatures", Action: Action{Signers: 3}})
	for _, id := range []uint64{pay, monthly, weekly, three} {
		s.vote(id, "yes", "alice", "bob", "carol", "dave")
	}
	s.do("alice", Contribute{Asset: "GBP", Amount: 5000})

	s.days(8) // Tuesday 03-10: the locked changes apply, the spends pass
	s.do("carol", SignPayout{ID: 1})
	s.do("dave", SignPayout{ID: 1})
	s.do("bob", SpendAllowance{ID: 1, Amount: 1500, Memo: escLine})
	s.do("erin", SpendAllowance{ID: 2, Amount: 500, Memo: "tea"})
	s.days(7) // 03-17: the hub starts the weekly allowance's new week; three signers
	s.do("erin", SpendAllowance{ID: 2, Amount: 700})
	// April comes before the hub's timer: bob's spend carries the reset.
	s.advance(15 * 24 * time.Hour)
	s.do("bob", SpendAllowance{ID: 1, Amount: 2000, Memo: "April"})
}

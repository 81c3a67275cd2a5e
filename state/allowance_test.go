package state

import (
	"testing"
	"time"
)

func TestPeriodStart(t *testing.T) {
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	cases := []struct{ period, at, want string }{
		{PeriodMonth, "2026-11-25T12:00:00Z", "2026-11-01T00:00:00Z"},
		{PeriodMonth, "2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z"},
		{PeriodMonth, "2026-11-30T23:59:59Z", "2026-11-01T00:00:00Z"},
		{PeriodWeek, "2026-11-25T12:00:00Z", "2026-11-23T00:00:00Z"}, // a Wednesday
		{PeriodWeek, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z"}, // Monday
		{PeriodWeek, "2026-11-29T23:00:00Z", "2026-11-23T00:00:00Z"}, // Sunday
	}
	for _, c := range cases {
		if got := PeriodStart(c.period, ms(c.at)); got != ms(c.want) {
			t.Errorf("PeriodStart(%s, %s) = %s, want %s", c.period, c.at, time.UnixMilli(got).UTC(), c.want)
		}
	}
}

func TestAllowanceGrantSpendReset(t *testing.T) {
	f := newGov(t)
	f.do("alice", Contribute{Asset: "EUR", Amount: 100000})
	// A monthly 200 EUR allowance for whoever is a moderator.
	id := f.do("carol", NewProposal{Kind: KindSpend, Title: "House manager budget",
		Action: Action{Role: RoleModerator, Asset: "EUR", Amount: 20000, Period: PeriodMonth}})[0].Body.(*ProposalCreated).Proposal
	f.refuse("carol", NewProposal{Kind: KindSpend, Title: "x", Action: Action{Member: 2, Role: RoleModerator, Asset: "EUR", Amount: 1, Period: PeriodMonth}}, "one member or to one role")
	f.refuse("carol", NewProposal{Kind: KindSpend, Title: "x", Action: Action{Member: 2, Asset: "EUR", Amount: 1, Period: "year"}}, "week or month")
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour) // 2026-12-03
	f.h.CloseDue(f.ctx)
	as, _ := f.h.Allowances()
	if len(as) != 1 || as[0].Amount != 20000 || as[0].Role != RoleModerator {
		t.Fatalf("allowances %+v", as)
	}
	f.refuse("bob", SpendAllowance{ID: 1, Amount: 100}, "not yours")
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleModerator, Grant: true})
	f.do("bob", SpendAllowance{ID: 1, Amount: 15000, Memo: "cleaning"})
	f.refuse("bob", SpendAllowance{ID: 1, Amount: 5001}, "50.00 EUR left this month")
	f.do("bob", SpendAllowance{ID: 1, Amount: 5000})
	// The month turns: the hub resets it by event; and a spend that comes
	// first carries its own reset.
	f.clk.t = time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	evs := f.do("bob", SpendAllowance{ID: 1, Amount: 20000})
	if len(evs) != 2 || evs[0].Body.EventType() != "allowance.reset" {
		t.Fatalf("events %v", evs)
	}
	f.clk.t = time.Date(2027, 2, 1, 0, 0, 1, 0, time.UTC)
	f.h.CloseDue(f.ctx)
	as, _ = f.h.Allowances()
	if as[0].Spent != 0 || as[0].PeriodStart != time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli() {
		t.Fatalf("after reset %+v", as[0])
	}
	f.refuse("alice", ResetAllowance{ID: 1}, "boundary")
	bals, _ := f.h.Balances()
	for _, b := range bals {
		if b.Asset == "EUR" && b.Balance != 100000-40000 {
			t.Fatalf("EUR %d", b.Balance)
		}
	}
	f.verifies()
}

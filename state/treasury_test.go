package state

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/polis-hub/polis/state/tally"
)

func TestTreasuryContributeSpendCosign(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleTreasurer, Grant: true})
	f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleTreasurer, Grant: true})
	f.do("bob", Contribute{Asset: "EUR", Amount: 25000, Memo: "June"})
	f.do("carol", Contribute{Asset: "EUR", Amount: 5000})
	f.refuse("bob", Contribute{Asset: "XYZ", Amount: 1}, "unknown asset")
	f.refuse("bob", Contribute{Asset: "EUR", Amount: 0}, "more than zero")
	f.refuse("bob", Contribute{Asset: "EUR", Amount: 5, Memo: "\x1b[2J"}, "escape")
	f.refuse("bob", ReverseContribution{Entry: 1}, "only treasurers")
	// dave proposes paying bob 100 EUR; dave may not sign his own payout.
	id := f.do("dave", NewProposal{Kind: KindSpend, Title: "Paint for the door",
		Action: Action{Member: f.ids["bob"], Asset: "EUR", Amount: 10000, Memo: "paint"}})[0].Body.(*ProposalCreated).Proposal
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	ps, _ := f.h.Payouts()
	if len(ps) != 1 || ps[0].Status != PayoutPending || ps[0].Needed != 2 {
		t.Fatalf("payouts %+v", ps)
	}
	f.refuse("dave", SignPayout{ID: 1}, "you proposed")
	f.refuse("bob", SignPayout{ID: 1}, "only treasurers")
	f.do("carol", SignPayout{ID: 1})
	f.refuse("carol", SignPayout{ID: 1}, "already signed")
	f.do("alice", SetRole{Member: f.ids["alice"], Role: RoleTreasurer, Grant: true})
	f.clk.t = f.clk.t.Add(TreasurerWaitMS * time.Millisecond)
	f.do("alice", SignPayout{ID: 1})
	bals, _ := f.h.Balances()
	for _, b := range bals {
		if b.Asset == "EUR" && b.Balance != 20000 {
			t.Fatalf("EUR balance %d, want 20000", b.Balance)
		}
	}
	ledger, _ := f.h.Ledger(0, 0)
	if len(ledger) != 3 || ledger[2].Kind != EntryPayout || ledger[2].Member != f.ids["bob"] {
		t.Fatalf("ledger %+v", ledger)
	}
	// A reversal that would overdraw is refused; one that fits works once.
	f.do("carol", ReverseContribution{Entry: 2, Memo: "bounced"})
	f.refuse("carol", ReverseContribution{Entry: 2}, "already reversed")
	f.refuse("carol", ReverseContribution{Entry: 3}, "not a contribution")
	f.verifies()
}

func TestPayoutNeverOverdraws(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetPolicy{Signers: 1})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleTreasurer, Grant: true})
	f.do("bob", Contribute{Asset: "USD", Amount: 100})
	id := f.do("bob", NewProposal{Kind: KindSpend, Title: "Too much", Action: Action{Member: f.ids["bob"], Asset: "USD", Amount: 101}})[0].Body.(*ProposalCreated).Proposal
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	f.refuse("carol", SignPayout{ID: 1}, "treasury holds 1.00 USD")
	f.do("dave", Contribute{Asset: "USD", Amount: 1})
	f.do("carol", SignPayout{ID: 1})
}

// For any sequence of treasury commands: each asset's balance equals the
// sum of the treasury legs of its entries, never goes below zero, every
// entry balances, and no paid payout counts its author's signature.
func TestLedgerProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newGov(t)
		f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleTreasurer, Grant: true})
		f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleTreasurer, Grant: true})
		f.do("alice", SetPolicy{Signers: rapid.IntRange(1, 2).Draw(rt, "m")})
		names := []string{"alice", "bob", "carol", "dave"}
		assets := []string{"USD", "EUR", "BTC"}
		for i := 0; i < rapid.IntRange(1, 30).Draw(rt, "n"); i++ {
			who := rapid.SampledFrom(names).Draw(rt, "who")
			var c Command
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0, 1:
				c = Contribute{Asset: rapid.SampledFrom(assets).Draw(rt, "a"), Amount: rapid.Int64Range(-5, 500).Draw(rt, "amt")}
			case 2:
				c = ReverseContribution{Entry: rapid.Uint64Range(0, 10).Draw(rt, "e")}
			case 3:
				pid := f.do(who, NewProposal{Kind: KindSpend, Title: fmt.Sprint("s", i),
					Action: Action{Member: f.ids[rapid.SampledFrom(names).Draw(rt, "to")], Asset: rapid.SampledFrom(assets).Draw(rt, "a"), Amount: rapid.Int64Range(1, 800).Draw(rt, "amt")}})[0].Body.(*ProposalCreated).Proposal
				for _, n := range names {
					f.s.Submit(f.ctx, f.ppl[n], CastVote{ID: pid, Ballot: tally.Ballot{Choice: "yes"}})
				}
				f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
				f.h.CloseDue(f.ctx)
				continue
			default:
				c = SignPayout{ID: rapid.Uint64Range(0, 5).Draw(rt, "p")}
			}
			f.s.Submit(context.Background(), f.ppl[who], c)
		}
		f.h.View(func(r Reader) error {
			sums := map[string]int64{}
			for _, e := range ListEntries(r) {
				var total int64
				for _, l := range e.Lines {
					total += l.Delta
					if l.Account == "treasury" {
						sums[e.Asset] += l.Delta
					}
				}
				if total != 0 {
					rt.Fatalf("entry %d does not balance", e.ID)
				}
			}
			for _, a := range assets {
				if b := Balance(r, a); b != sums[a] || b < 0 {
					rt.Fatalf("%s balance %d, entries sum %d", a, b, sums[a])
				}
			}
			for _, p := range ListPayouts(r) {
				for _, s := range p.Signers {
					if s == p.Author {
						rt.Fatalf("payout %d signed by its author", p.ID)
					}
				}
				if p.Status == PayoutPaid && len(p.Signers) < p.Needed {
					rt.Fatalf("payout %d paid with %d of %d signatures", p.ID, len(p.Signers), p.Needed)
				}
			}
			return nil
		})
	})
}

func TestSignersSetByProposal(t *testing.T) {
	f := newGov(t)
	id := f.do("bob", NewProposal{Kind: KindRuleset, Title: "Three signatures for payouts", Action: Action{Signers: 3}})[0].Body.(*ProposalCreated).Proposal
	f.refuse("bob", NewProposal{Kind: KindRuleset, Title: "x", Action: Action{Signers: 11}}, "between 1 and 10")
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
	}
	f.clk.t = f.clk.t.Add(15 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 3 {
		t.Fatalf("policy %+v", p)
	}
}

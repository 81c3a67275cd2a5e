package tui

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/polis-hub/polis/state"
)

// treasuryData is the treasury as one consistent read. It is shared by
// every session (see sharedRead), so nothing may modify it.
type treasuryData struct {
	assets  []state.AssetBalance // every asset the hub knows, with its balance
	ledger  []state.Entry        // newest first
	payouts []state.Payout
	policy  state.TreasuryPolicy
	allow   []state.Allowance // by id
	changes []state.Change    // steward changes waiting out the time lock, oldest first

	// Derived once per read (see derive), shared like the rest.
	monthEnd map[string][]monthBalance // per asset, oldest first, every month with entries
}

// readTreasury reads balances, the ledger and payouts in one view.
func readTreasury(hub *state.Hub) (*treasuryData, error) {
	d := &treasuryData{}
	err := hub.View(func(r state.Reader) error {
		for _, a := range state.ListAssets(r) {
			d.assets = append(d.assets, state.AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: state.Balance(r, a.Code)})
		}
		d.ledger = state.ListEntries(r)
		slices.Reverse(d.ledger)
		d.payouts = state.ListPayouts(r)
		d.policy = state.Policy(r)
		d.changes = state.ScheduledChanges(r)
		d.allow = state.ListAllowances(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(d.allow, func(a, b state.Allowance) int { return cmp.Compare(a.ID, b.ID) })
	d.derive()
	return d, nil
}

// monthFlow is one bar pair of the chart: what came in and went out of an
// asset in one calendar month (UTC).
type monthFlow struct {
	label   string
	in, out int64
}

// chartMonths is how many months, at most, the chart shows.
const chartMonths = 6

// flows sums the ledger of one asset per month, for the last n months that
// have entries, oldest first. Sums saturate instead of overflowing.
func flows(ledger []state.Entry, asset string, n int) []monthFlow {
	var out []monthFlow // newest first while collecting
	for _, e := range ledger {
		if e.Asset != asset {
			continue
		}
		label := time.UnixMilli(e.Time).UTC().Format("Jan 2006")
		if len(out) == 0 || out[len(out)-1].label != label {
			if len(out) == n {
				break
			}
			out = append(out, monthFlow{label: label})
		}
		f := &out[len(out)-1]
		if inflow(&e) {
			f.in = addSat(f.in, e.Amount)
		} else {
			f.out = addSat(f.out, e.Amount)
		}
	}
	slices.Reverse(out)
	return out
}

func addSat(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// inflow reports whether an entry brought money into the treasury; every
// other kind (reversal, payout, allowance) took it out.
func inflow(e *state.Entry) bool { return e.Kind == state.EntryContribution }

// treasuryDelta is what an entry did to the treasury's balance.
func treasuryDelta(e *state.Entry) int64 { return e.TreasuryDelta() }

// monthBalance is an asset's balance at the end of one calendar month
// (UTC) that has entries.
type monthBalance struct {
	label string
	bal   int64
}

// balanceMonths is how many month ends, at most, the balance line shows.
const balanceMonths = 12

// derive computes, in one pass over the ledger, every asset's balance at
// the end of each month, and which allowance paid each allowance entry.
func (d *treasuryData) derive() {
	d.monthEnd = map[string][]monthBalance{}
	run := map[string]int64{}
	for i := len(d.ledger) - 1; i >= 0; i-- { // oldest first
		e := &d.ledger[i]
		run[e.Asset] = sumSat(run[e.Asset], treasuryDelta(e))
		label := time.UnixMilli(e.Time).UTC().Format("Jan 2006")
		ms := d.monthEnd[e.Asset]
		if len(ms) == 0 || ms[len(ms)-1].label != label {
			ms = append(ms, monthBalance{label: label})
		}
		ms[len(ms)-1].bal = run[e.Asset]
		d.monthEnd[e.Asset] = ms
	}
}

// sumSat adds with saturation in both directions.
func sumSat(a, b int64) int64 {
	switch {
	case b > 0 && a > math.MaxInt64-b:
		return math.MaxInt64
	case b < 0 && a < math.MinInt64-b:
		return math.MinInt64
	}
	return a + b
}

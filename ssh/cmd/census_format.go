package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

func balances(bs []state.AssetBalance) string {
	held := make([]string, 0, len(bs))
	for _, b := range bs {
		held = append(held, money.Format(b.Balance, b.Decimals)+" "+b.Asset)
	}
	return strings.Join(held, ", ")
}

// printCensusFigures prints the figures and the checkpoint they were
// computed at, so a reader can recompute them with `polis verify --census`.
func printCensusFigures(cmd *cobra.Command, at *state.CensusAt) {
	if at == nil {
		out(cmd, "census figures: computed at the next checkpoint (within seconds)\n")
		return
	}
	f := at.Figures
	out(cmd, "census at checkpoint %d (%d events, %s):\n", at.At.Height, at.At.Size,
		time.UnixMilli(at.At.Time).UTC().Format("2006-01-02 15:04 UTC"))
	out(cmd, "  members %d; active in the last %d days %d, in the last %d days %d\n",
		f.Members, state.ActiveShortDays, f.Active30, state.ActiveLongDays, f.Active90)
	out(cmd, "  joined per month: %s\n", months(f.Joined))
	if len(f.Left) > 0 {
		out(cmd, "  left per month: %s\n", months(f.Left))
	}
	if len(f.Countries) > 0 || f.CountriesWithheld > 0 {
		var cs []string
		for _, c := range f.Countries {
			cs = append(cs, fmt.Sprintf("%s %d", c.Country, c.Count))
		}
		if f.CountriesWithheld > 0 {
			cs = append(cs, fmt.Sprintf("%d in countries with fewer than %d members", f.CountriesWithheld, state.CensusCountryMin))
		}
		out(cmd, "  countries: %s; %d undeclared\n", strings.Join(cs, ", "), f.CountryUndeclared)
	}
	out(cmd, "  housing: %s, %s; %d bed-nights used, %d booked ahead\n", state.Plural(int(f.Spaces), "space", "spaces"), state.Plural(int(f.Beds), "bed", "beds"), f.BedNightsUsed, f.BedNightsAhead)
	if len(f.Treasury) > 0 {
		out(cmd, "  treasury: %s\n", balances(f.Treasury))
	}
}

func months(ms []state.MonthCount) string {
	if len(ms) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %d", m.Month, m.Count))
	}
	return strings.Join(parts, ", ")
}

package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/themes"
)

// The census figures come from the latest checkpoint (state computes them
// at each seal), so every block says which checkpoint it was computed at:
// anyone replaying the chain to that point gets the same numbers.

// censusMonths is how many months, at most, the members chart shows.
const censusMonths = 24

// monthTotal is how many members there were at the end of a month.
type monthTotal struct {
	month string // YYYY-MM
	n     int64
}

// membersOverTime is the member count at the end of every month from the
// first join to the census month, gaps filled, at most the last n months.
func membersOverTime(f state.CensusFigures, at int64, n int) []monthTotal {
	delta := map[string]int64{}
	first := ""
	for _, m := range f.Joined {
		delta[m.Month] += m.Count
		if first == "" || m.Month < first {
			first = m.Month
		}
	}
	for _, m := range f.Left {
		delta[m.Month] -= m.Count
	}
	if first == "" {
		return nil
	}
	start, err := time.Parse("2006-01", first)
	if err != nil {
		return nil
	}
	last := time.UnixMilli(at).UTC().Format("2006-01")
	var out []monthTotal
	run := int64(0)
	// Bounded: months between the first join and the checkpoint, which
	// the log's own timestamps keep within reason.
	for d := start; ; d = d.AddDate(0, 1, 0) {
		m := d.Format("2006-01")
		run += delta[m]
		out = append(out, monthTotal{month: m, n: run})
		if m >= last || len(out) > 1200 {
			break
		}
	}
	return out[max(len(out)-n, 0):]
}

// sparkline draws values as one row of block characters scaled to the
// highest, one cell each; zero is a dot.
func sparkline(t *themes.Theme, vals []int64) string {
	top := int64(0)
	for _, v := range vals {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range vals {
		if v <= 0 || top <= 0 {
			b.WriteString("·")
			continue
		}
		lvl := int(float64(v) / float64(top) * float64(len(sparks)-1))
		b.WriteString(sparks[min(max(lvl, 0), len(sparks)-1)])
	}
	return t.Accent.Render(b.String())
}

// meter is a bar of w cells, n of top filled.
func meter(t *themes.Theme, n, top int64, w int) string {
	if w <= 0 {
		return ""
	}
	fill := cells(n, top, w)
	return t.Accent.Render(repeat("█", fill)) + t.Muted.Render(repeat("░", w-fill))
}

// censusAt names the checkpoint figures were computed at.
func censusAt(at *state.CensusAt) string {
	return fmt.Sprintf("at checkpoint #%d, %s", at.At.Height, plural(int(at.At.Size), "event", "events"))
}

// noCensus is what shows until the first checkpoint after start-up.
const noCensus = "census at next checkpoint"

func treasuryTotals(bs []state.AssetBalance) string {
	if len(bs) == 0 {
		return "nothing pooled yet"
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = line(b.Asset) + " " + money.Format(b.Balance, b.Decimals)
	}
	return strings.Join(parts, " · ")
}

func monthLabel(ym string) string {
	d, err := time.Parse("2006-01", ym)
	if err != nil {
		return line(ym)
	}
	return d.Format("Jan 2006")
}

// censusView is the whole census in w cells: members over time, activity,
// countries, housing and the treasury.
func censusView(t *themes.Theme, at *state.CensusAt, w int) string {
	w = max(w, 1)
	if at == nil {
		return t.Heading.Render("Census") + "\n" + t.Muted.Render(clip(noCensus, w))
	}
	f := at.Figures
	out := []string{
		t.Heading.Render("Census") + "  " + t.Muted.Render(clip(censusAt(at), max(w-8, 0))),
		t.Muted.Render(clip("sealed "+sealed(at.At.Time), w)),
		"",
	}
	label := func(s string) string { return t.Label.Render(pad(s, 11)) }
	row := func(l, v string) { out = append(out, clip(label(l)+v, w)) }

	row("Members", t.Text.Render(fmt.Sprint(f.Members)))
	if ms := membersOverTime(f, at.At.Time, min(censusMonths, max(w-13, 1))); len(ms) > 0 {
		vals := make([]int64, len(ms))
		for i, m := range ms {
			vals[i] = m.n
		}
		row("", sparkline(t, vals)+t.Muted.Render(" since "+monthLabel(ms[0].month)))
	}
	barW := min(max(w-11-14, 4), 24)
	for _, a := range []struct {
		days int
		n    int64
	}{{state.ActiveShortDays, f.Active30}, {state.ActiveLongDays, f.Active90}} {
		l := ""
		if a.days == state.ActiveShortDays {
			l = "Active"
		}
		row(l, t.Subtle.Render(pad(fmt.Sprintf("%dd", a.days), 4))+meter(t, a.n, f.Members, barW)+
			t.Text.Render(fmt.Sprintf(" %d of %d", a.n, f.Members)))
	}
	if len(f.Countries) == 0 {
		row("Countries", t.Muted.Render(fmt.Sprintf("none shared by %d or more members yet", state.CensusCountryMin)))
	}
	top := int64(0)
	for _, c := range f.Countries {
		top = max(top, c.Count)
	}
	for i, c := range f.Countries {
		if i == 5 {
			row("", t.Muted.Render(fmt.Sprintf("… and %d more", len(f.Countries)-i)))
			break
		}
		l := ""
		if i == 0 {
			l = "Countries"
		}
		row(l, t.Subtle.Render(pad(line(c.Country), 4))+meter(t, c.Count, top, barW)+t.Text.Render(fmt.Sprintf(" %d", c.Count)))
	}
	if f.CountriesWithheld > 0 || f.CountryUndeclared > 0 {
		row("", t.Muted.Render(fmt.Sprintf("%d in smaller groups · %d undeclared", f.CountriesWithheld, f.CountryUndeclared)))
	}
	row("Housing", t.Text.Render(fmt.Sprintf("%s in %s", plural(int(f.Beds), "bed", "beds"), plural(int(f.Spaces), "space", "spaces"))))
	row("", t.Subtle.Render(fmt.Sprintf("%d bed-nights used · %d booked ahead", f.BedNightsUsed, f.BedNightsAhead)))
	row("Treasury", t.Text.Render(treasuryTotals(f.Treasury)))
	return strings.Join(out, "\n")
}

// censusCompact is the census in four short lines, for Home.
func censusCompact(t *themes.Theme, at *state.CensusAt, w int) string {
	w = max(w, 1)
	if at == nil {
		return t.Muted.Render(clip(noCensus, w))
	}
	f := at.Figures
	out := []string{clip(t.Text.Render(plural(int(f.Members), "member", "members"))+
		t.Subtle.Render(fmt.Sprintf(" · %d active in %dd", f.Active30, state.ActiveShortDays)), w)}
	if ms := membersOverTime(f, at.At.Time, min(12, max(w-16, 1))); len(ms) > 0 {
		vals := make([]int64, len(ms))
		for i, m := range ms {
			vals[i] = m.n
		}
		out = append(out, clip(sparkline(t, vals)+t.Muted.Render(" since "+monthLabel(ms[0].month)), w))
	}
	out = append(out, clip(t.Subtle.Render(plural(int(f.Beds), "bed", "beds")+" · "+treasuryTotals(f.Treasury)), w),
		t.Muted.Render(clip(censusAt(at), w)))
	return strings.Join(out, "\n")
}

package state

import (
	"fmt"
	"strings"
	"time"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// Markdown renders the dossier for people. Member-written text passes the
// sanitiser, as everywhere text may reach a terminal.
func (d Dossier) Markdown() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	money := func(bs []AssetBalance) string {
		if len(bs) == 0 {
			return "none"
		}
		var parts []string
		for _, x := range bs {
			parts = append(parts, money.Format(x.Balance, x.Decimals)+" "+x.Asset)
		}
		return strings.Join(parts, ", ")
	}
	at := time.UnixMilli(d.Checkpoint.Time).UTC().Format("2006-01-02 15:04 UTC")
	p("# %s: recognition dossier\n\n", sanitize.Line(d.Hub))
	p("Founded %s. Every figure below is computed from the community's signed log at "+
		"checkpoint %d (%d events, %s) and can be recomputed by anyone with `polis verify --census`.\n\n",
		d.Founded, d.Checkpoint.Height, d.Checkpoint.Size, at)
	p("## Charter\n\n")
	if d.Charter == nil {
		p("The community has not adopted a charter.\n\n")
	} else {
		how := "set by a steward"
		if d.Charter.Proposal != 0 {
			how = fmt.Sprintf("adopted by proposal %d", d.Charter.Proposal)
		}
		p("Version %d of %d, %s on %s. Members consent to it when they join.\n\n", d.Charter.Version, d.Charters, how, Day(d.Charter.Adopted))
		for _, l := range strings.Split(strings.TrimSpace(sanitize.Text(d.Charter.Text)), "\n") {
			p("> %s\n", l)
		}
		p("\n")
	}
	c := d.Census
	p("## Census\n\n")
	p("| figure | value |\n|---|---|\n")
	p("| members | %d |\n| active in the last %d days | %d |\n| active in the last %d days | %d |\n", c.Members, ActiveShortDays, c.Active30, ActiveLongDays, c.Active90)
	p("| shared spaces | %d (%s) |\n| bed-nights used | %d |\n| bed-nights booked ahead | %d |\n", c.Spaces, Plural(int(c.Beds), "bed", "beds"), c.BedNightsUsed, c.BedNightsAhead)
	p("| treasury | %s |\n\n", money(c.Treasury))
	if len(c.Joined) > 0 {
		p("Joined and left per month: ")
		left := map[string]int64{}
		for _, m := range c.Left {
			left[m.Month] = m.Count
		}
		var parts []string
		for _, m := range c.Joined {
			parts = append(parts, fmt.Sprintf("%s +%d/-%d", m.Month, m.Count, left[m.Month]))
		}
		p("%s.\n\n", strings.Join(parts, ", "))
	}
	if len(c.Countries) > 0 || c.CountriesWithheld > 0 {
		var parts []string
		for _, x := range c.Countries {
			parts = append(parts, fmt.Sprintf("%s %d", x.Country, x.Count))
		}
		p("Countries of residence (self-declared, shown where at least %d members share one): %s; %d in smaller groups, %d undeclared.\n\n",
			CensusCountryMin, orNone(parts), c.CountriesWithheld, c.CountryUndeclared)
	}
	g := d.Governance
	p("## Governance\n\n")
	delegates := "members delegate their vote"
	if g.Delegating == 1 {
		delegates = "member delegates their vote"
	}
	p("%s decided (%s); %d open. Mean turnout %d.%02d%%. %d %s.\n\n",
		Plural(g.Decided, "proposal", "proposals"), strings.Join(sortedCounts(g.ByOutcome), ", "), g.Open, g.TurnoutBP/100, g.TurnoutBP%100, g.Delegating, delegates)
	if len(g.ByKind) > 0 {
		p("By kind: %s.\n\n", strings.Join(sortedCounts(g.ByKind), ", "))
	}
	t := d.Treasury
	p("## Treasury\n\n")
	p("Holds %s. Contributed (net of reversals): %s. Paid out: %s.", money(t.Balances), money(t.Contributed), money(t.PaidOut))
	if len(t.Campaigns) > 0 {
		p(" Crowdfunding campaigns: %s.", strings.Join(sortedCounts(t.Campaigns), ", "))
	}
	p("\n\n## Spaces\n\n")
	if len(d.Spaces) == 0 {
		p("None yet.\n\n")
	}
	for _, s := range d.Spaces {
		where := strings.Trim(sanitize.Line(s.City)+", "+s.Country, ", ")
		retired := ""
		if s.Retired {
			retired = " (retired)"
		}
		p("- %s, %s: %s%s\n", sanitize.Line(s.Name), where, Plural(s.Beds, "bed", "beds"), retired)
	}
	ds := d.Disputes
	p("\n## Dispute resolution\n\n")
	p("%s filed; %d appealed to a jury. By state: %s. By outcome: %s. No names or statements are included.\n\n",
		Plural(ds.Filed, "case", "cases"), ds.Appealed, orNone(sortedCounts(ds.ByState)), orNone(sortedCounts(ds.ByOutcome)))
	p("## Verification\n\n")
	p("Hub verifier key: `%s`\n\nSigned checkpoint:\n\n```\n%s```\n", d.VerifierKey, d.Note)
	return b.String()
}

func orNone(parts []string) string {
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

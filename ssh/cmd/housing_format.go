package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// Housing input and output: dates, space flags, the space page, its night
// calendar and booking tables.

// parseDate reads a calendar date, YYYY-MM-DD; dates are days in the
// space's own time zone, so no zone is attached.
func parseDate(cmd *cobra.Command, flag, s string) (string, error) {
	d, err := parseDay(cmd, flag, s)
	if err != nil || d.Format(dateLayout) != s {
		return "", usage(cmd, "--%s %q is not a date like 2026-12-01 (YYYY-MM-DD)", flag, truncate(s, 24))
	}
	return s, nil
}

// stayDates checks --from and --to: both dates, --to the check-out day
// after --from.
func stayDates(cmd *cobra.Command, from, to string) error {
	if from == "" || to == "" {
		return usage(cmd, "%s needs --from YYYY-MM-DD and --to YYYY-MM-DD (the check-out day)", cmd.Name())
	}
	if _, err := parseDate(cmd, "from", from); err != nil {
		return err
	}
	if _, err := parseDate(cmd, "to", to); err != nil {
		return err
	}
	if to <= from {
		return usage(cmd, "--to %s must be after --from %s: it is the check-out day", to, from)
	}
	return nil
}

// count reads a flag's whole number; the hub checks its range.
func count(cmd *cobra.Command, flag, s string, least uint64) (int, error) {
	n, err := parseSeq(s)
	if err != nil || n < least {
		return 0, usage(cmd, "--%s %q is not a whole number from %d", flag, truncate(s, 24), least)
	}
	return int(min(n, 1<<20)), nil
}

// spaceFlags describe a space, for `housing space add` and space proposals.
type spaceFlags struct {
	name, city, country, tz, beds, minNotice, maxNotice, maxNights, quota *string
	approval                                                              *bool
	blackouts                                                             *[]string
}

var spaceFlagNames = []string{"city", "country", "tz", "beds", "approval", "min-notice", "max-notice", "max-nights", "quota", "blackout"}

func addSpaceFlags(cmd *cobra.Command, nameFlag, prefix string) spaceFlags {
	f := cmd.Flags()
	return spaceFlags{
		name:      f.String(nameFlag, "", prefix+"the space's name"),
		city:      f.String("city", "", prefix+"its city"),
		country:   f.String("country", "", prefix+"its country, two letters like PT"),
		tz:        f.String("tz", "", prefix+"its IANA time zone, like Europe/Lisbon (default UTC); dates are days there"),
		beds:      f.String("beds", "", prefix+"how many beds it has"),
		approval:  f.Bool("approval", false, prefix+"a steward approves each stay"),
		minNotice: f.String("min-notice", "", prefix+"book at least this many days ahead"),
		maxNotice: f.String("max-notice", "", prefix+"book at most this many days ahead"),
		maxNights: f.String("max-nights", "", prefix+"nights a stay may last at most"),
		quota:     f.String("quota", "", prefix+"nights a member may book per calendar month"),
		blackouts: f.StringArray("blackout", nil, prefix+"closed nights FROM:TO (TO is the first open day again); repeatable"),
	}
}

func (sf spaceFlags) changed(cmd *cobra.Command, nameFlag string) bool {
	for _, n := range append([]string{nameFlag}, spaceFlagNames...) {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}

// space reads the space flags; the hub checks the rest.
func (sf spaceFlags) space(cmd *cobra.Command, nameFlag string) (state.Space, error) {
	if *sf.name == "" || *sf.beds == "" {
		return state.Space{}, usage(cmd, "a space needs --%s NAME and --beds N", nameFlag)
	}
	s := state.Space{Name: strings.TrimSpace(*sf.name), City: strings.TrimSpace(*sf.city),
		Country: upperASCII(*sf.country), TZ: *sf.tz, NeedsApproval: *sf.approval}
	var err error
	if s.Beds, err = count(cmd, "beds", *sf.beds, 1); err != nil {
		return s, err
	}
	for _, n := range []struct {
		flag string
		val  string
		to   *int
	}{{"min-notice", *sf.minNotice, &s.MinNotice}, {"max-notice", *sf.maxNotice, &s.MaxNotice},
		{"max-nights", *sf.maxNights, &s.MaxNights}, {"quota", *sf.quota, &s.QuotaNights}} {
		if cmd.Flags().Changed(n.flag) {
			if *n.to, err = count(cmd, n.flag, n.val, 0); err != nil {
				return s, err
			}
		}
	}
	if len(*sf.blackouts) > 50 {
		return s, usage(cmd, "at most 50 --blackout spans")
	}
	for _, b := range *sf.blackouts {
		from, to, ok := strings.Cut(b, ":")
		_, err1 := parseDate(cmd, "blackout", from)
		_, err2 := parseDate(cmd, "blackout", to)
		if !ok || err1 != nil || err2 != nil {
			return s, usage(cmd, "--blackout %q is not FROM:TO, like 2026-12-24:2026-12-27", truncate(b, 24))
		}
		if to <= from {
			return s, usage(cmd, "--blackout %s: %s must be after %s", b, to, from)
		}
		s.Blackouts = append(s.Blackouts, state.DateSpan{From: from, To: to})
	}
	return s, nil
}

// spaceAction reads a space proposal's flags: a space to open, or one to
// retire.
func spaceAction(cmd *cobra.Command, sf spaceFlags, retire string) (state.Action, error) {
	switch opens := sf.changed(cmd, "space-name"); {
	case retire != "" && opens:
		return state.Action{}, usage(cmd, "a space proposal opens a space or retires one, not both")
	case retire != "":
		id, err := parseID(cmd, "space", retire)
		return state.Action{Retire: id}, err
	case !opens:
		return state.Action{}, usage(cmd, "a space proposal needs --space-name NAME --beds N, or --retire SPACE-ID")
	}
	s, err := sf.space(cmd, "space-name")
	return state.Action{Space: &s}, err
}

// place is a space's city and country, if known.
func place(s state.Space) string {
	return line(strings.Trim(s.City+", "+s.Country, ", "))
}

func spaceNotes(s state.Space) string {
	var n []string
	if s.Retired {
		n = append(n, "retired")
	}
	if s.NeedsApproval {
		n = append(n, "approval")
	}
	return strings.Join(n, ", ")
}

func printSpace(cmd *cobra.Command, s state.Space) {
	status := ""
	if s.Retired {
		status = " (retired: no new bookings)"
	}
	out(cmd, "Space %d: %s%s\n", s.ID, line(s.Name), status)
	if p := place(s); p != "" {
		out(cmd, "place     %s\n", p)
	}
	out(cmd, "beds      %d\nzone      %s (dates are days there)\n", s.Beds, s.TZ)
	if s.NeedsApproval {
		out(cmd, "booking   a steward approves each stay; beds are held meanwhile\n")
	}
	var limits []string
	if s.MinNotice > 0 {
		limits = append(limits, fmt.Sprintf("book at least %d days ahead", s.MinNotice))
	}
	if s.MaxNotice > 0 {
		limits = append(limits, fmt.Sprintf("book at most %d days ahead", s.MaxNotice))
	}
	if s.MaxNights > 0 {
		limits = append(limits, fmt.Sprintf("at most %d nights a stay", s.MaxNights))
	}
	if s.QuotaNights > 0 {
		limits = append(limits, fmt.Sprintf("at most %d nights a member a month", s.QuotaNights))
	}
	if len(limits) > 0 {
		out(cmd, "limits    %s\n", strings.Join(limits, "; "))
	}
	for _, b := range s.Blackouts {
		out(cmd, "closed    %s to %s\n", b.From, b.To)
	}
	if strings.TrimSpace(s.Rules) != "" {
		out(cmd, "\nHouse rules:\n")
		indented(cmd, "  ", s.Rules)
	}
}

func bedsText(n int) string { return state.Plural(n, "bed", "beds") }

// BookingJSON is a booking with its space's and member's names.
type BookingJSON struct {
	state.Booking
	SpaceName  string `json:"space_name"`
	MemberName string `json:"member_name"`
}

// bookingList prints bookings as JSON or a table.
func (c *cli) bookingList(cmd *cobra.Command, bs []state.Booking, asJSON bool, empty string) error {
	names := c.names()
	spaces := map[uint64]string{}
	if ss, err := c.hub.Spaces(); err == nil {
		for _, s := range ss {
			spaces[s.ID] = s.Name
		}
	}
	if asJSON {
		list := make([]BookingJSON, 0, len(bs))
		for _, b := range bs {
			list = append(list, BookingJSON{b, spaces[b.Space], names[b.Member]})
		}
		return printJSON(cmd, list)
	}
	if len(bs) == 0 {
		out(cmd, "%s\n", empty)
		return nil
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSPACE\tMEMBER\tARRIVE\tLEAVE\tBEDS\tSTATUS")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s (space %d)\t%s\t%s\t%s\t%d\t%s\n", b.ID, line(spaces[b.Space]), b.Space,
			nameText(names, b.Member), b.From, b.To, b.Beds, b.Status)
	}
	return tw.Flush()
}

// printNights prints free beds per night as weeks from Monday, one row a
// week, blank outside the range.
func printNights(cmd *cobra.Command, s state.Space, nights []state.Night) {
	if len(nights) == 0 {
		return
	}
	out(cmd, "\nFree beds per night of %d, %s to %s (x: full, -: closed):\n", s.Beds, nights[0].Date, nights[len(nights)-1].Date)
	out(cmd, "week of     Mon  Tue  Wed  Thu  Fri  Sat  Sun\n")
	var row strings.Builder
	for i, n := range nights {
		d, _ := state.DayNum(n.Date)
		wd := state.Weekday(d)
		if i == 0 || wd == 0 {
			flushRow(cmd, &row)
			fmt.Fprintf(&row, "%s%s", state.DayDate(d-wd), strings.Repeat(" ", 5*wd))
		}
		cell := fmt.Sprint(n.Free)
		switch {
		case n.Closed:
			cell = "-"
		case n.Free <= 0:
			cell = "x"
		}
		fmt.Fprintf(&row, "%5s", cell)
	}
	flushRow(cmd, &row)
}

func flushRow(cmd *cobra.Command, row *strings.Builder) {
	if row.Len() > 0 {
		out(cmd, "%s\n", row.String())
	}
	row.Reset()
}

// upperASCII upper-cases a-z only, so a country code like "pt" is
// accepted and nothing else turns into one.
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

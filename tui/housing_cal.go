package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// calReach is how far from today, in days, the calendar goes either way.
const calReach = 3660

func (ht *housingTab) openSpace(id uint64) {
	s, ok := ht.data().space(id)
	if !ok {
		return
	}
	ht.open, ht.day = id, ht.today(&s)
	ht.arrive, ht.depart, ht.beds, ht.busy = 0, 0, 1, false
}

func (ht *housingTab) closeSpace() {
	ht.open, ht.arrive, ht.depart, ht.busy = 0, 0, 0, false
}

func (ht *housingTab) updateSpace(k tea.KeyPressMsg) tea.Cmd {
	s, ok := ht.data().space(ht.open)
	if !ok {
		ht.closeSpace()
		return nil
	}
	today := ht.today(&s)
	step := func(d int) { ht.day = min(max(ht.day+d, today-calReach), today+calReach) }
	switch {
	case key.Matches(k, ht.keyLeft):
		step(-1)
	case key.Matches(k, ht.keyRight):
		step(1)
	case key.Matches(k, ht.keyWeekUp):
		step(-7)
	case key.Matches(k, ht.keyWeekDown):
		step(7)
	case key.Matches(k, ht.keyMonth):
		n := 1
		if ks := k.String(); ks == "[" || ks == "pgup" {
			n = -1
		}
		step(addMonths(ht.day, n) - ht.day)
	case key.Matches(k, ht.keyToday):
		ht.day = today
	case key.Matches(k, ht.keyMark):
		ht.mark(today)
	case key.Matches(k, ht.keyMore):
		ht.beds = min(ht.beds+1, max(s.Beds, 1))
	case key.Matches(k, ht.keyFewer):
		ht.beds = max(ht.beds-1, 1)
	case key.Matches(k, ht.keyBook):
		return ht.book(&s, false)
	case key.Matches(k, ht.keyWait):
		return ht.book(&s, true)
	case key.Matches(k, ht.keyBack):
		if ht.arrive != 0 {
			ht.arrive, ht.depart = 0, 0
		} else {
			ht.closeSpace()
		}
	}
	return nil
}

// mark sets the arrival on the first press and the check-out on the
// second; a press on or before the arrival starts over from there.
func (ht *housingTab) mark(today int) {
	switch {
	case ht.day < today:
		ht.c.status, ht.c.statusErr = longDate(ht.day)+" is in the past", false
	case ht.arrive == 0 || ht.depart != 0 || ht.day <= ht.arrive:
		ht.arrive, ht.depart = ht.day, 0
		ht.c.status, ht.c.statusErr = "arriving "+longDate(ht.day)+" · now enter on the check-out day", false
	default:
		ht.depart = ht.day
		ht.c.status, ht.c.statusErr = plural(ht.depart-ht.arrive, "night", "nights")+" picked · press b to book", false
	}
}

// stay is the stay picked so far: with only the arrival marked, the cursor
// is the check-out when it is after the arrival.
func (ht *housingTab) stay() (from, to int, ok bool) {
	switch {
	case ht.arrive == 0:
		return 0, 0, false
	case ht.depart != 0:
		return ht.arrive, ht.depart, true
	case ht.day > ht.arrive:
		return ht.arrive, ht.day, true
	}
	return ht.arrive, 0, false
}

func (ht *housingTab) book(s *state.Space, waitlist bool) tea.Cmd {
	from, to, ok := ht.stay()
	if !ok {
		ht.c.status, ht.c.statusErr = "press enter on the arrival day, then on the check-out day", false
		return nil
	}
	if ht.busy {
		return nil
	}
	ht.busy = true
	return ht.c.submitAs("housing-book", "booked", state.Book{Space: s.ID, From: state.DayDate(from), To: state.DayDate(to), Beds: ht.beds, Waitlist: waitlist})
}

// --- view ---

func (ht *housingTab) spaceView(s *state.Space) string {
	t := ht.c.theme
	d := ht.data()
	today := ht.today(s)
	w := ht.w
	out := []string{clip(t.Heading.Render(line(s.Name))+"  "+t.Muted.Render(ht.spaceFacts(s)), w)}
	if ht.h >= 18 { // a short window keeps the calendar whole instead
		out = append(out, t.Subtle.Render(clip(ht.spaceRules(s), w)), "")
	}
	out = append(out, ht.calendar(t, s, d, today)...)
	out = append(out, "", ht.dayLine(t, s, d, today))
	stay, hint := ht.stayLine(t, s, d)
	legend := t.Good.Render("3") + t.Muted.Render(" free beds  ") + t.Warn.Render("1") + t.Muted.Render(" few  ") +
		t.Bad.Render("×") + t.Muted.Render(" full  ") + t.Muted.Render("– closed  · past")
	if lipgloss.Width(stay)+lipgloss.Width(hint) <= w {
		out = append(out, stay+hint, clip(legend, w))
	} else {
		// The hint says what to do next; it matters more than the legend.
		out = append(out, clip(stay, w), clip(t.Muted.Render(strings.TrimPrefix(ansiStrip(hint), " · ")), w))
	}
	r := strings.TrimSpace(text(s.Rules))
	if r == "" {
		return strings.Join(out, "\n")
	}
	if side := w - calWidth(w) - 3; w >= splitWidth && side >= 30 {
		// A wide screen reads the rules beside the calendar.
		cw := calWidth(w)
		cal := padLines(fit(strings.Join(out[1:], "\n"), cw, len(out)-1), cw)
		rules := t.Label.Render("House rules") + "\n" + strings.Trim(ht.rules.render(ht.c.md, t, r, min(side, 80)), "\n")
		rules = fit(rules, side, max(ht.h-1, 1))
		return out[0] + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, cal, "   ", rules)
	}
	if room := ht.h - len(out); room >= 2 {
		rw := max(min(w, 80), 1)
		rules := strings.Split(strings.Trim(ht.rules.render(ht.c.md, t, r, rw), "\n"), "\n")
		out = append(out, t.Label.Render("House rules"))
		if len(rules) > room-1 {
			rules = rules[:room-1]
			rules[room-2] = fitLine(rules[room-2], max(rw-1, 1)) + "…"
		}
		for _, l := range rules {
			out = append(out, fitLine(l, w))
		}
	}
	return strings.Join(out, "\n")
}

// calCell is the width of one day of the calendar in a tab w wide: it
// grows with the screen, and from calWords up says its beds in words.
func calCell(w int) int { return min(max((w-6)/7, 4), 14) }

const calWords = 9

// calWidth is the calendar's width in a tab w wide.
func calWidth(w int) int {
	if w >= splitWidth {
		// Beside the rules: half the screen, at most.
		return 7*(min(calCell(w/2), 14)+1) - 1
	}
	return 7*(calCell(w)+1) - 1
}

// spaceFacts is the space's place and size on one line.
func (ht *housingTab) spaceFacts(s *state.Space) string {
	parts := []string{}
	if p := place(s); p != "" {
		parts = append(parts, p)
	}
	parts = append(parts, plural(s.Beds, "bed", "beds"), line(s.TZ))
	if s.Retired {
		parts = append(parts, "retired")
	}
	return strings.Join(parts, " · ")
}

// spaceRules is the booking rules in one line.
func (ht *housingTab) spaceRules(s *state.Space) string {
	var parts []string
	if s.NeedsApproval {
		parts = append(parts, "a steward approves each stay")
	}
	if s.MinNotice > 0 {
		parts = append(parts, fmt.Sprintf("book %s ahead", plural(s.MinNotice, "day", "days")))
	}
	if s.MaxNotice > 0 {
		parts = append(parts, fmt.Sprintf("at most %s ahead", plural(s.MaxNotice, "day", "days")))
	}
	if s.MaxNights > 0 {
		parts = append(parts, fmt.Sprintf("stays up to %s", plural(s.MaxNights, "night", "nights")))
	}
	if s.QuotaNights > 0 {
		parts = append(parts, fmt.Sprintf("%s a month each", plural(s.QuotaNights, "night", "nights")))
	}
	if len(parts) == 0 {
		return "no notice, length or quota limits"
	}
	return strings.Join(parts, " · ")
}

func place(s *state.Space) string {
	c, cc := line(s.City), line(s.Country)
	switch {
	case c != "" && cc != "":
		return c + ", " + cc
	case c != "":
		return c
	}
	return cc
}

// calendar is the month of the cursor day: a title, the weekdays and one
// line per week, each night with its free beds.
func (ht *housingTab) calendar(t *themes.Theme, s *state.Space, d *housingData, today int) []string {
	cw := (calWidth(ht.w)+1)/7 - 1
	first := monthStart(ht.day)
	title := dayTime(ht.day).Format("January 2006")
	out := []string{clip(t.Accent.Render(title)+t.Muted.Render("   [ previous · next ]"), ht.w)}
	var hdr strings.Builder
	for i, n := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
		if i > 0 {
			hdr.WriteString(" ")
		}
		hdr.WriteString(padLeft(n[:min(3, cw)], cw))
	}
	out = append(out, t.Label.Render(clip(hdr.String(), ht.w)))
	from, to, _ := ht.stay()
	sel := rangeStyle(t)
	var row strings.Builder
	col := state.Weekday(first)
	// The days before the first, less the separator the first day adds.
	row.WriteString(repeat(" ", col*(cw+1)-1))
	for day := first; day < first+monthLen(first); day++ {
		if col > 0 {
			row.WriteString(" ")
		}
		num := fmt.Sprintf("%2d", dayTime(day).Day())
		free := d.free(s, day)
		var mark string
		st := t.Good
		switch {
		case day < today:
			mark, st = "·", t.Muted
		case s.Retired || s.ClosedOn(day):
			mark, st = "–", t.Muted
		case free == 0:
			mark, st = "×", t.Bad
		case free <= max(1, s.Beds/4):
			mark, st = fmt.Sprint(free), t.Warn
		default:
			mark = fmt.Sprint(free)
		}
		if cw >= calWords {
			mark = calWord(mark)
		}
		cell := num + padLeft(mark, cw-2)
		switch {
		case day == ht.day:
			row.WriteString(t.Selected.Render(cell))
		case day >= from && day < to || day == ht.arrive:
			row.WriteString(sel.Render(cell))
		case day == to && to != 0:
			row.WriteString(t.Accent.Render(num) + st.Render(padLeft(mark, cw-2)))
		case day == today:
			row.WriteString(t.Accent.Render(num) + st.Render(padLeft(mark, cw-2)))
		default:
			row.WriteString(t.Subtle.Render(num) + st.Render(padLeft(mark, cw-2)))
		}
		if col++; col == 7 {
			out = append(out, clip(row.String(), ht.w))
			row.Reset()
			col = 0
		}
	}
	if col > 0 {
		out = append(out, clip(row.String(), ht.w))
	}
	return out
}

// calWord is a day's mark in words, for a wide calendar.
func calWord(mark string) string {
	switch mark {
	case "·":
		return "·"
	case "–":
		return "closed"
	case "×":
		return "full"
	}
	return mark + " free"
}

// rangeStyle marks the nights of the stay being picked.
func rangeStyle(t *themes.Theme) lipgloss.Style {
	if t.Mono {
		return lipgloss.NewStyle().Underline(true).Bold(true)
	}
	return lipgloss.NewStyle().Foreground(t.Palette.AccentText).Background(t.Palette.Accent)
}

// dayLine says the cursor's night in words.
func (ht *housingTab) dayLine(t *themes.Theme, s *state.Space, d *housingData, today int) string {
	free := d.free(s, ht.day)
	var what string
	switch {
	case ht.day < today:
		what = "past"
	case s.Retired:
		what = "the space is retired"
	case s.ClosedOn(ht.day):
		what = "closed"
	case free == 0:
		what = fmt.Sprintf("full, all %s taken", plural(s.Beds, "bed", "beds"))
	default:
		what = fmt.Sprintf("%d of %s free", free, plural(s.Beds, "bed", "beds"))
	}
	if ht.day == today {
		what = "tonight · " + what
	}
	return clip(t.Text.Render(longDate(ht.day))+t.Muted.Render(" · "+what), ht.w)
}

// stayLine says the stay being picked, or how to pick one, and a hint of
// what to do next.
func (ht *housingTab) stayLine(t *themes.Theme, s *state.Space, d *housingData) (string, string) {
	from, to, ok := ht.stay()
	switch {
	case ht.busy:
		return t.Muted.Render("booking…"), ""
	case ht.arrive == 0:
		return t.Muted.Render("enter on the arrival day, then on the check-out day"), t.Muted.Render(" · b books")
	case !ok:
		return t.Accent.Render("arriving " + shortDate(ht.arrive)), t.Muted.Render(" · move to the check-out day")
	}
	fullOn := 0
	for day := from; day < to; day++ {
		if d.free(s, day) < ht.beds {
			fullOn = day
			break
		}
	}
	st := fmt.Sprintf("%s · %s → %s (check-out) · %s", plural(to-from, "night", "nights"), shortDate(from), shortDate(to),
		plural(ht.beds, "bed", "beds"))
	hint := " · b books"
	if ht.depart == 0 {
		hint = " · enter sets the check-out"
	}
	if fullOn != 0 {
		hint = " · full on " + shortDate(fullOn) + ": w joins the waitlist"
	}
	return t.Accent.Render(st), t.Muted.Render(hint)
}

// shortDate is a day near at hand: "Tue 1 Dec".
func shortDate(d int) string { return dayTime(d).Format("Mon 2 Jan") }

func ansiStrip(s string) string { return ansi.Strip(s) }

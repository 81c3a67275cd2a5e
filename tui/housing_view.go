package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// occupancyNights is how many nights the list's occupancy bar shows.
const occupancyNights = 14

func (ht *housingTab) View() string {
	ht.sync()
	t := ht.c.theme
	d := ht.data()
	if ht.open != 0 {
		if s, ok := d.space(ht.open); ok {
			return ht.spaceView(&s)
		}
	}
	head := t.Heading.Render("Housing") + "  " + t.Muted.Render(clip(ht.summary(), max(ht.w-9, 0)))
	if len(ht.spaces) == 0 && len(ht.stays) == 0 && len(ht.approvals) == 0 {
		return head + "\n\n" + ht.emptyView(t)
	}
	var b strings.Builder
	b.WriteString(head + "\n\n")
	ap, sp, st := ht.layout(2)
	if ap > 0 {
		b.WriteString(ht.approvalsView(t, ap) + "\n\n")
	}
	b.WriteString(ht.spacesView(t, d, sp))
	if st > 0 {
		b.WriteString("\n\n" + ht.staysView(t, st))
	}
	return b.String()
}

func (ht *housingTab) summary() string {
	parts := []string{plural(len(ht.spaces), "space", "spaces")}
	if up := ht.past; up > 0 {
		parts = append(parts, plural(up, "upcoming stay", "upcoming stays"))
	}
	if n := len(ht.approvals); n > 0 {
		parts = append(parts, plural(n, "booking", "bookings")+" to approve")
	}
	return strings.Join(parts, " · ")
}

func (ht *housingTab) emptyView(t *themes.Theme) string {
	w := max(min(ht.w, 72), 1)
	var b strings.Builder
	b.WriteString(t.Text.Render(wrap(housingAbout, w)) + "\n\n")
	b.WriteString(t.Muted.Render("No spaces yet.") + "\n\n")
	b.WriteString(t.Subtle.Render(wrap("A space opens when a steward adds it or a space proposal passes. Then you will find its calendar here, book nights with the keyboard and see your stays.", w)) + "\n")
	return b.String()
}

// layout shares the height left after used lines between the sections:
// each keeps at least one row, and approvals and stays at most a few, so
// the spaces stay in sight.
func (ht *housingTab) layout(used int) (ap, sp, st int) {
	rest := ht.h - used
	ap, sp, st = min(len(ht.approvals), 4), max(len(ht.spaces), 1), min(len(ht.stays), 6)
	cost := func() int {
		c := sp + 2 // title and column line
		if ap > 0 {
			c += ap + 2
		}
		if st > 0 {
			c += st + 2
		}
		return c
	}
	for rest < cost() && sp > 3 {
		sp--
	}
	for rest < cost() && (ap > 1 || st > 1) {
		if st >= ap {
			st--
		} else {
			ap--
		}
	}
	for rest < cost() && sp > 1 {
		sp--
	}
	// Room to spare goes to the stays, then the approvals.
	for rest > cost() && st < len(ht.stays) {
		st++
	}
	for rest > cost() && ap < len(ht.approvals) {
		ap++
	}
	ht.rows = [3]int{ap, sp, st}
	return ap, sp, st
}

// window is the first row of a section to draw so the cursor, if it is in
// the section, stays in sight.
func (ht *housingTab) window(sec, n, total int) int {
	off := ht.off[sec]
	if at := ht.cursor - ht.start(sec); at >= 0 && at < total {
		if at < off {
			off = at
		}
		if at >= off+n {
			off = at - n + 1
		}
	}
	off = max(min(off, total-n), 0)
	ht.off[sec] = off
	return off
}

func (ht *housingTab) row(selected bool, plain, styled string) string {
	if selected {
		return ht.c.theme.Selected.Render(pad("▸ "+plain, ht.w))
	}
	return clip("  "+styled, ht.w)
}

func (ht *housingTab) spacesView(t *themes.Theme, d *housingData, n int) string {
	out := []string{t.Label.Render(clip(fmt.Sprintf("Spaces (%d)", len(ht.spaces)), ht.w))}
	if len(ht.spaces) == 0 {
		return strings.Join(append(out, t.Muted.Render(clip("  no spaces yet", ht.w))), "\n")
	}
	nameW, placeW := 0, 0
	for i := range ht.spaces {
		nameW = max(nameW, ansi.StringWidth(line(ht.spaces[i].Name)))
		placeW = max(placeW, ansi.StringWidth(place(&ht.spaces[i])))
	}
	nameW, placeW = min(max(nameW, 5), 24), min(placeW, 18)
	bar := ht.w >= 2+nameW+2+placeW+2+7+2+12+2+occupancyNights
	if ht.w < 2+nameW+2+placeW+2+7+2+12 {
		placeW = 0
	}
	hdr := pad("Space", nameW) + "  "
	if placeW > 0 {
		hdr += pad("Where", placeW) + "  "
	}
	hdr += pad("Beds", 7) + "  " + pad("Tonight", 12)
	if bar {
		hdr += "  Next 14 nights"
	}
	out = append(out, t.Label.Render(clip("  "+hdr, ht.w)))
	off := ht.window(hsSpaces, n, len(ht.spaces))
	for i := off; i < len(ht.spaces) && i < off+n; i++ {
		s := &ht.spaces[i]
		today := ht.today(s)
		name := pad(line(s.Name), nameW) + "  "
		where := ""
		if placeW > 0 {
			where = pad(place(s), placeW) + "  "
		}
		beds := pad(plural(s.Beds, "bed", "beds"), 7) + "  "
		free := d.free(s, today)
		tonight := fmt.Sprintf("%d free", free)
		fst := t.Good
		switch {
		case s.Retired:
			tonight, fst = "retired", t.Muted
		case free == 0:
			tonight, fst = "full", t.Bad
		case free <= max(1, s.Beds/4):
			fst = t.Warn
		}
		tonight = pad(tonight, 12)
		occ, occPlain := "", ""
		if bar {
			occ, occPlain = ht.occupancy(t, s, d, today)
			occ, occPlain = "  "+occ, "  "+occPlain
		}
		sel := ht.cursor == ht.start(hsSpaces)+i
		out = append(out, ht.row(sel, name+where+beds+tonight+occPlain,
			t.Text.Render(name)+t.Subtle.Render(where)+t.Muted.Render(beds)+fst.Render(tonight)+occ))
	}
	return strings.Join(out, "\n")
}

// occupancy is a small bar of the next nights: the taller, the fuller.
func (ht *housingTab) occupancy(t *themes.Theme, s *state.Space, d *housingData, today int) (styled, plain string) {
	var b, p strings.Builder
	for day := today; day < today+occupancyNights; day++ {
		free := d.free(s, day)
		held := s.Beds - free
		var g string
		st := t.Accent
		switch {
		case s.Retired || s.ClosedOn(day):
			g, st = "–", t.Muted
		case held <= 0:
			g, st = "·", t.Muted
		case free == 0:
			g, st = "█", t.Bad
		default:
			g = sparks[min(max(held*(len(sparks)-1)/max(s.Beds, 1), 0), len(sparks)-2)]
		}
		b.WriteString(st.Render(g))
		p.WriteString(g)
	}
	return b.String(), p.String()
}

func (ht *housingTab) approvalsView(t *themes.Theme, n int) string {
	out := []string{t.Warn.Render(clip(fmt.Sprintf("Waiting for your approval (%d)", len(ht.approvals)), ht.w))}
	off := ht.window(hsApprovals, n, len(ht.approvals))
	for i := off; i < len(ht.approvals) && i < off+n; i++ {
		b := ht.approvals[i]
		id := pad(fmt.Sprintf("#%d", b.ID), 5)
		who := pad(ht.name(b.Member), 14) + "  "
		stay := ht.stayText(b)
		out = append(out, ht.row(ht.cursor == i, id+who+stay, t.Muted.Render(id)+t.Text.Render(who)+t.Subtle.Render(stay)))
	}
	return strings.Join(out, "\n")
}

func (ht *housingTab) staysView(t *themes.Theme, n int) string {
	out := []string{t.Label.Render(clip(fmt.Sprintf("Your stays (%d)", len(ht.stays)), ht.w))}
	off := ht.window(hsStays, n, len(ht.stays))
	nbW, nameW := 0, 0
	for _, b := range ht.stays {
		nbW = max(nbW, ansi.StringWidth(ht.nightsBeds(b)))
		nameW = max(nameW, ansi.StringWidth(ht.spaceName(b.Space)))
	}
	nameW = min(nameW, 18)
	for i := off; i < len(ht.stays) && i < off+n; i++ {
		b := ht.stays[i]
		id := pad(fmt.Sprintf("#%d", b.ID), 5)
		when := pad(line(b.From)+" → "+line(b.To), 23) + "  "
		what := pad(ht.spaceName(b.Space), nameW) + "  "
		nb := pad(ht.nightsBeds(b), nbW) + "  "
		status := statusWords(b.Status)
		if i >= ht.past {
			status += " · past"
		}
		if b.Signed {
			// Member-signed: the hub alone could not have written it.
			status += " · signed"
		}
		st := t.Good
		switch b.Status {
		case state.BookPending, state.BookWaitlisted:
			st = t.Warn
		case state.BookCancelled, state.BookDeclined:
			st = t.Muted
		}
		text := t.Text
		if i >= ht.past {
			text, st = t.Muted, t.Muted
		}
		sel := ht.cursor == ht.start(hsStays)+i
		out = append(out, ht.row(sel, id+when+what+nb+status,
			t.Muted.Render(id)+text.Render(when+what)+t.Subtle.Render(nb)+st.Render(status)))
	}
	return strings.Join(out, "\n")
}

// nightsBeds is "2 nights", or "2 nights, 3 beds".
func (ht *housingTab) nightsBeds(b state.Booking) string {
	s := plural(b.Nights(), "night", "nights")
	if b.Beds > 1 {
		s += fmt.Sprintf(", %d beds", b.Beds)
	}
	return s
}

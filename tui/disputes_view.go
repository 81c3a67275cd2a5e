package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

func (d *disputesTab) View() string {
	d.sync()
	t := d.c.theme
	w := max(min(d.w, 100), 1)
	switch {
	case d.file != nil:
		d.file.setWidth(w - 2)
		return t.Heading.Render("File a case") + "\n\n" + d.file.view(t, w)
	case d.stmt != nil:
		d.stmt.setWidth(w - 2)
		return t.Heading.Render(d.stmt.title) + "\n\n" + d.stmt.view(t, w)
	case d.rule != nil:
		return d.rule.view(t, w)
	case d.vote != nil:
		cs, _ := d.find(d.voted)
		return t.Heading.Render(fmt.Sprintf("Jury vote on case #%d", d.voted)) + "\n" +
			t.Text.Render(clip(line(cs.Title), w)) + "\n\n" +
			t.Subtle.Render(wrap("Your verdict is one of the jury's; a strict majority decides the case.", w)) + "\n\n" +
			d.vote.view(t, w) + "\n\n" + t.Muted.Render(clip("←/→ picks · enter casts your vote · esc goes back", w))
	}
	if d.open != 0 {
		if cs, ok := d.find(d.open); ok {
			return d.caseView(t, cs, w)
		}
	}
	if d.w >= splitWidth && d.count() > 0 {
		return d.splitView(t)
	}
	head := t.Heading.Render("Disputes") + "  " + t.Muted.Render(clip(d.summary(), max(d.w-10, 0)))
	if d.count() == 0 {
		return head + "\n\n" + t.Text.Render(wrap(disputesAbout, min(w, 72))) + "\n\n" +
			t.Muted.Render("You have no cases.") + "\n\n" +
			t.Subtle.Render(wrap("Press f to file a case against a member. A moderator who is not a party takes it and rules; either party may appeal to a jury drawn by lottery.", min(w, 72)))
	}
	var b strings.Builder
	b.WriteString(head + "\n")
	titles := [3]string{"Your cases", "Juries you sit on", "Moderation queue"}
	rows := d.rowsPer()
	for sec, l := range d.lists {
		if len(l) == 0 && !(sec == dsQueue && d.moderator()) {
			continue
		}
		b.WriteString("\n" + t.Label.Render(clip(fmt.Sprintf("%s (%d)", titles[sec], len(l)), d.w)) + "\n")
		if len(l) == 0 {
			b.WriteString(t.Muted.Render(clip("  no cases waiting", d.w)) + "\n")
			continue
		}
		off := d.window(sec, rows[sec], len(l))
		for i := off; i < len(l) && i < off+rows[sec]; i++ {
			b.WriteString(d.row(t, l[i], d.cursor == d.start(sec)+i) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (d *disputesTab) summary() string {
	var parts []string
	if n := len(d.lists[dsMine]); n > 0 {
		parts = append(parts, plural(n, "case", "cases"))
	}
	if n := len(d.lists[dsJury]); n > 0 {
		parts = append(parts, plural(n, "jury", "juries"))
	}
	if d.moderator() {
		parts = append(parts, fmt.Sprintf("%d in the queue", len(d.lists[dsQueue])))
	}
	return strings.Join(parts, " · ")
}

// rowsPer shares the height between the sections, each keeping a row.
func (d *disputesTab) rowsPer() [3]int {
	var n [3]int
	used := 1
	for sec, l := range d.lists {
		if len(l) > 0 || sec == dsQueue && d.moderator() {
			n[sec] = len(l)
			used += 2
		}
	}
	for used+n[0]+n[1]+n[2] > d.h {
		big := 0
		for s := range n {
			if n[s] > n[big] {
				big = s
			}
		}
		if n[big] <= 1 {
			break
		}
		n[big]--
	}
	return n
}

func (d *disputesTab) window(sec, n, total int) int {
	off := d.off[sec]
	if at := d.cursor - d.start(sec); at >= 0 && at < total {
		off = min(off, at)
		if at >= off+n {
			off = at - n + 1
		}
	}
	off = max(min(off, total-n), 0)
	d.off[sec] = off
	return off
}

func (d *disputesTab) row(t *themes.Theme, cs state.Case, sel bool) string {
	id := pad(fmt.Sprintf("#%d", cs.ID), 5)
	cat := pad(line(cs.Category), 11)
	who := pad(d.name(cs.Filer)+" v "+d.name(cs.Respondent), 22) + "  "
	st := d.stateWords(cs)
	title := line(cs.Title)
	plain := id + cat + who + pad(st, 26) + "  " + title
	if sel {
		return t.Selected.Render(pad("▸ "+plain, d.w))
	}
	return clip("  "+t.Muted.Render(id)+t.Subtle.Render(cat)+t.Text.Render(who)+d.stateStyle(t, cs).Render(pad(st, 26))+"  "+t.Text.Render(title), d.w)
}

// stateWords says where a case is, for people.
func (d *disputesTab) stateWords(cs state.Case) string {
	switch cs.State {
	case state.CaseStateOpen:
		return "open · unclaimed"
	case state.CaseStateClaimed:
		return "with " + d.name(cs.Moderator)
	case state.CaseStateRuled:
		return "ruled: " + d.outcome(cs)
	case state.CaseStateAppealed:
		return fmt.Sprintf("appealed · %d/%d votes", len(cs.JuryVotes), len(cs.Jury))
	case state.CaseStateJuryRuled:
		return "jury ruled: " + d.outcome(cs)
	case state.CaseStateWithdrawn:
		return "withdrawn"
	}
	return line(cs.State)
}

func (d *disputesTab) outcome(cs state.Case) string {
	o := line(cs.Outcome)
	if cs.Outcome == state.OutcomeSuspension && cs.SuspendDays > 0 {
		o += fmt.Sprintf(", %s", plural(cs.SuspendDays, "day", "days"))
	}
	return o
}

func (d *disputesTab) stateStyle(t *themes.Theme, cs state.Case) lipgloss.Style {
	switch cs.State {
	case state.CaseStateOpen, state.CaseStateAppealed:
		return t.Warn
	case state.CaseStateClaimed:
		return t.Accent
	case state.CaseStateRuled, state.CaseStateJuryRuled:
		return t.Good
	}
	return t.Muted
}

// juryLine says how the jury was drawn, so anyone can check it.
func juryLine(cs state.Case) string {
	if len(cs.Jury) == 0 {
		switch {
		case cs.JuryHeight != 0:
			return fmt.Sprintf("no member could serve on the jury (checkpoint %d): the ruling stands", cs.JuryHeight)
		case cs.State == state.CaseStateAppealed:
			return "the jury is drawn by lottery from the next checkpoint"
		}
		return ""
	}
	seed := line(cs.JurySeed)
	if len([]rune(seed)) > 8 {
		seed = string([]rune(seed)[:8])
	}
	return fmt.Sprintf("jury of %d drawn from checkpoint %d · seed %s… · any member can recompute it with polis verify", len(cs.Jury), cs.JuryHeight, seed)
}

func (d *disputesTab) caseView(t *themes.Theme, cs state.Case, w int) string {
	out := d.caseHead(t, cs, w)
	add := func(s string) { out = append(out, strings.Split(s, "\n")...) }
	add("")
	add(t.Label.Render(fmt.Sprintf("Evidence thread (%d)", len(d.thread))))
	if len(d.thread) == 0 {
		add(t.Muted.Render("nothing added yet · e adds a statement"))
	}
	for _, st := range d.thread {
		add(t.Accent.Render(clip(d.name(st.Author), w)) + " " + t.Muted.Render(when(st.Time)))
		add(t.Text.Render(wrap(text(st.Body), max(w-2, 1))))
	}
	if len(d.notes) > 0 {
		add("")
		add(t.Label.Render(fmt.Sprintf("Private notes (%d) · moderators only; the log holds only their salted hashes", len(d.notes))))
		for _, n := range d.notes {
			add(t.Accent.Render(clip(d.name(n.Author), w)) + " " + t.Muted.Render(when(n.Time)))
			add(t.Text.Render(wrap(text(n.Text), max(w-2, 1))))
		}
	}
	d.scroll = min(d.scroll, max(len(out)-d.h, 0))
	return strings.Join(out[d.scroll:], "\n")
}

// caseHead is a case as far as its statement: what the case view opens
// with, and what the preview beside the list shows.
func (d *disputesTab) caseHead(t *themes.Theme, cs state.Case, w int) []string {
	var out []string
	add := func(s string) { out = append(out, strings.Split(s, "\n")...) }
	add(t.Heading.Render(clip(fmt.Sprintf("Case #%d", cs.ID), w)) + "  " + d.stateStyle(t, cs).Render(clip(d.stateWords(cs), max(w-12, 0))))
	add(t.Text.Render(wrap(line(cs.Title), w)))
	rows := [][2]string{
		{"Filed by", d.name(cs.Filer) + " · " + when(cs.Created)},
		{"Against", d.name(cs.Respondent)},
		{"Category", line(cs.Category)},
	}
	if cs.Moderator != 0 {
		rows = append(rows, [2]string{"Moderator", d.name(cs.Moderator)})
	}
	if cs.Outcome != "" {
		rows = append(rows, [2]string{"Ruling", d.outcome(cs) + " · " + when(cs.Ruled)})
	}
	if len(cs.Jury) > 0 {
		var js []string
		for _, j := range cs.Jury {
			js = append(js, d.name(j))
		}
		rows = append(rows, [2]string{"Jury", strings.Join(js, ", ") + fmt.Sprintf(" · %d of %d voted", len(cs.JuryVotes), len(cs.Jury))})
	}
	add("")
	add(kv(t, rows))
	if cs.Reason != "" {
		add("")
		add(t.Label.Render("Reason"))
		add(t.Text.Render(wrap(text(cs.Reason), w)))
	}
	if j := juryLine(cs); j != "" {
		add("")
		add(t.Subtle.Render(wrap(j, w)))
	}
	add("")
	add(t.Label.Render("Statement"))
	if s := strings.TrimSpace(text(cs.Statement)); s != "" {
		add(t.Text.Render(wrap(s, w)))
	} else {
		add(t.Muted.Render("no statement"))
	}
	return out
}

// splitView is the case list with the selected case beside it, on a wide
// screen (see splitWidth).
func (d *disputesTab) splitView(t *themes.Theme) string {
	// Under splitWidth, so that the list drawn below does not split again.
	lw := min(max(d.w*11/20, 76), splitWidth-1)
	pw := max(d.w-lw-3, 1)
	full := d.w
	d.w = lw
	list := d.View()
	d.w = full
	h := max(d.h, 1)
	preview := t.Muted.Render("Select a case to see it here.")
	if cs, ok := d.current(); ok {
		preview = strings.Join(d.caseHead(t, cs, min(pw, 100)), "\n") + "\n\n" +
			t.Muted.Render("enter opens it: the evidence thread and what you can do")
	}
	rule := t.Rule.Render(strings.TrimSuffix(repeat("│\n", h), "\n"))
	return lipgloss.JoinHorizontal(lipgloss.Top, fit(padLines(list, lw), lw, h), " ", rule, " ", fit(preview, pw, h))
}

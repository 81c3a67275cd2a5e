package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

func (p *proposalsTab) sync() {
	if !p.dirty {
		return
	}
	p.dirty = false
	now := p.c.now()
	q := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	ps := p.props()
	p.rows = p.rows[:0]
	for i := range ps {
		v := &ps[i]
		if q != "" && !strings.Contains(strings.ToLower(line(v.Title)+" "+label(v)), q) {
			continue
		}
		p.rows = append(p.rows, propRow{i: i, sec: section(v, now)})
	}
	slices.SortStableFunc(p.rows, func(a, b propRow) int {
		if a.sec != b.sec {
			return a.sec - b.sec
		}
		x, y := &ps[a.i], &ps[b.i]
		switch a.sec {
		case secNeeds, secOpen:
			if x.Deadline != y.Deadline {
				return cmpInt(x.Deadline, y.Deadline)
			}
		case secClosed:
			if x.Closed != y.Closed {
				return cmpInt(y.Closed, x.Closed)
			}
			return cmpKey(y, x)
		}
		return cmpKey(x, y)
	})
	p.lines = p.lines[:0]
	p.cursor = min(p.cursor, max(len(p.rows)-1, 0))
	for j, r := range p.rows {
		if j == 0 || p.rows[j-1].sec != r.sec {
			p.lines = append(p.lines, propLine{sec: r.sec, row: -1})
		}
		p.lines = append(p.lines, propLine{sec: r.sec, row: j})
		if keyOf(&ps[r.i]) == p.selID {
			p.cursor = j
		}
	}
	if len(p.rows) > 0 {
		p.selID = keyOf(&ps[p.rows[p.cursor].i])
	}
}

// cmpKey orders rows by key: proposals by ID, drafts by number after them.
func cmpKey(x, y *state.ProposalView) int { return cmp.Compare(keyOf(x), keyOf(y)) }

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (p *proposalsTab) View() string {
	p.sync()
	t := p.c.theme
	switch {
	case p.form != nil:
		return p.formView(t)
	case p.c.openProp != 0 && p.current() != nil:
		return p.detailView(t)
	case p.split() && len(p.props()) > 0:
		return p.splitView(t)
	}
	return p.listView(t)
}

func (p *proposalsTab) listView(t *themes.Theme) string {
	now := p.c.now()
	ps := p.props()
	needs, _ := proposalAlerts(ps, now)
	open := 0
	for i := range ps {
		if ps[i].State == state.PropActive {
			open++
		}
	}
	summary := fmt.Sprintf("%d open", open)
	if needs > 0 {
		summary += fmt.Sprintf(" · %d need your vote", needs)
	}
	if q := p.filter.Value(); q != "" {
		summary = fmt.Sprintf("%d of %s match", len(p.rows), plural(len(ps), "proposal", "proposals"))
	}
	var b strings.Builder
	b.WriteString(listParts.get(partKey{t.Name, partHeading, summary, p.w}, func() string {
		return t.Heading.Render("Proposals") + "  " + t.Muted.Render(clip(summary, max(p.w-11, 0)))
	}) + "\n\n")
	used := 2
	if p.filtering || p.filter.Value() != "" {
		p.filter.SetWidth(max(min(p.w-4, 60), 1))
		b.WriteString(p.filter.View() + "\n")
		used++
	}
	if len(ps) == 0 {
		w := max(min(p.w, 72), 1)
		b.WriteString(t.Text.Render("No proposals yet.") + "\n\n")
		b.WriteString(t.Subtle.Render(wrap("Proposals are how this community decides together. Press n to put a question to a vote: every member can read it, discuss it and vote, and the tally moves live as they do.", w)) + "\n")
		return b.String()
	}
	if len(p.rows) == 0 {
		b.WriteString(t.Muted.Render("  no proposal matches") + "\n")
		return b.String()
	}
	cols := p.columns()
	b.WriteString(listParts.get(partKey{t.Name, partHeader, "", p.w}, func() string {
		return t.Label.Render(clip(cols.header(), p.w))
	}) + "\n")
	used++
	avail := max(p.h-used, 1)
	p.scrollTo(avail)
	for i := p.offset; i < len(p.lines) && i < p.offset+avail; i++ {
		l := p.lines[i]
		if l.row < 0 {
			name := sectionNames[l.sec]
			n := 0
			for _, r := range p.rows {
				if r.sec == l.sec {
					n++
				}
			}
			k := partKey{t.Name, partSection, fmt.Sprintf("%s (%d)", name, n), p.w}
			if l.sec == secNeeds {
				k.kind = partSectionWarn
			}
			b.WriteString(listParts.get(k, func() string {
				st := t.Label
				if k.kind == partSectionWarn {
					st = t.Warn
				}
				return st.Render(clip(k.text, p.w))
			}) + "\n")
			continue
		}
		v := &ps[p.rows[l.row].i]
		b.WriteString(cols.row(t, v, now, l.row == p.cursor) + "\n")
	}
	return b.String()
}

// scrollTo keeps the cursor's row, and its section heading when it is the
// first of its section, inside the avail lines shown.
func (p *proposalsTab) scrollTo(avail int) {
	at := 0
	for i, l := range p.lines {
		if l.row == p.cursor {
			at = i
		}
	}
	top := at
	if at > 0 && p.lines[at-1].row < 0 && avail > 1 {
		top = at - 1
	}
	if top < p.offset {
		p.offset = top
	}
	if at >= p.offset+avail {
		p.offset = at - avail + 1
	}
	p.offset = max(min(p.offset, len(p.lines)-avail), 0)
}

// listCols are the list's column widths for the tab's width.
type listCols struct {
	title, state, left, bar, label int
}

func (p *proposalsTab) columns() listCols {
	c := listCols{state: 9, left: 10, bar: 12, label: 16}
	switch {
	case p.w < 44:
		c.left, c.bar, c.label = 0, 0, 0
	case p.w < 56:
		c.bar, c.label = 0, 0
	case p.w < 72:
		c.bar, c.label = 6, 0
	case p.w < 100:
		c.bar, c.label = 8, 11
	}
	fixed := 2 + 5 + 1 + c.state
	for _, n := range []int{c.left, c.bar, c.label} {
		if n > 0 {
			fixed += n + 1
		}
	}
	c.title = max(p.w-fixed-1, 6)
	if extra := c.title - 72; extra > 0 && c.label > 0 {
		// A wide list gives its spare room to the tally too: "Lisbon 2"
		// cut to "Lisb…" next to blank columns helps no one.
		more := min(extra/2, 24)
		c.label += more
		c.title -= more
	}
	return c
}

func pad(s string, w int) string {
	s = clip(s, w)
	return s + repeat(" ", w-ansi.StringWidth(s))
}

func (c listCols) header() string {
	h := "  " + pad("#", 5) + pad("Title", c.title) + " " + pad("State", c.state)
	if c.left > 0 {
		h += " " + pad("Left", c.left)
	}
	if c.bar > 0 {
		h += " " + pad("Tally", c.bar)
	}
	return h
}

// partKey is everything one of the list's other lines is drawn from: its
// kind, text and the tab's width. They are drawn once for all sessions, as
// rows are.
type partKey struct {
	theme string
	kind  int
	text  string
	w     int
}

const (
	partHeading = iota
	partHeader
	partSection
	partSectionWarn
)

var listParts drawings[partKey, string]

// rowKey is everything a list row is drawn from. Rows are the same for
// every member who sees the same proposal, tally, time left and vote
// state, so they are drawn once for all sessions (see drawings).
type rowKey struct {
	theme           string
	cols            listCols
	selected, needs bool
	soon            bool
	name            string // "#3", or "d2" for a draft
	title, st, left string
	label           string
	segs            int // 0: no bar, else the kind of tallySegments
	n0, n1, n2      int
}

// Kinds of tally bar, by the segments tallySegments returns.
const (
	segsNone = iota
	segsYesNo
	segsLead
)

var listRows drawings[rowKey, string]

func (c listCols) row(t *themes.Theme, v *state.ProposalView, now time.Time, selected bool) string {
	k := rowKey{theme: t.Name, cols: c, selected: selected, needs: needsVote(v, now), soon: isClosingSoon(v, now),
		name: label(v), title: v.Title, st: v.State}
	if c.left > 0 {
		k.left = listLeft(v, now)
	}
	segs, label := tallySegments(&v.Tally)
	k.label = label
	switch len(segs) {
	case 3:
		k.segs, k.n0, k.n1, k.n2 = segsYesNo, segs[0].n, segs[1].n, segs[2].n
	case 2:
		k.segs, k.n0, k.n1 = segsLead, segs[0].n, segs[1].n
	}
	return listRows.get(k, func() string { return c.drawRow(t, &k) })
}

// drawRow draws a row from its key alone.
func (c listCols) drawRow(t *themes.Theme, k *rowKey) string {
	mark := "  "
	if k.needs {
		mark = "● "
	}
	id := pad(k.name, 5)
	title := pad(line(k.title), c.title)
	st := pad(line(k.st), c.state)
	left := pad(k.left, c.left)
	var segs []seg
	switch k.segs {
	case segsYesNo:
		segs = []seg{{k.n0, "█", segYes}, {k.n1, "▓", segNo}, {k.n2, "▒", segAbstain}}
	case segsLead:
		segs = []seg{{k.n0, "█", segLead}, {k.n1, "░", segRest}}
	}
	if k.selected {
		s := mark + id + title + " " + st
		if c.left > 0 {
			s += " " + left
		}
		if c.bar > 0 {
			s += " " + bar(t, segs, c.bar, false)
		}
		if c.label > 0 {
			s += " " + pad(k.label, c.label)
		}
		return t.Selected.Render(s)
	}
	s := t.Warn.Render(mark) + t.Muted.Render(id) + t.Text.Render(title) + " " + stateStyle(t, k.st).Render(st)
	if c.left > 0 {
		ls := t.Subtle
		if k.soon {
			ls = t.Warn
		}
		s += " " + ls.Render(left)
	}
	if c.bar > 0 {
		s += " " + bar(t, segs, c.bar, true)
	}
	if c.label > 0 {
		s += " " + t.Subtle.Render(pad(k.label, c.label))
	}
	return s
}

func stateStyle(t *themes.Theme, s string) lipgloss.Style {
	switch s {
	case state.PropActive:
		return t.Accent
	case state.PropPassed, state.PropExecuted:
		return t.Good
	case state.PropRejected:
		return t.Bad
	case state.PropDraft:
		return t.Subtle
	}
	return t.Muted
}

// listLeft is the list's time column: time left while open, the closing
// day after.
func listLeft(v *state.ProposalView, now time.Time) string {
	switch v.State {
	case state.PropActive:
		left := time.UnixMilli(v.Deadline).Sub(now)
		if left <= 0 {
			return "counting"
		}
		return duration(left)
	case state.PropDraft:
		return "not open"
	}
	if v.Closed > 0 {
		return state.Day(v.Closed)
	}
	return "—"
}

// duration is a calm, short time span: "6d 23h", "5h 12m", "41m".
func duration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dm", max(int(d/time.Minute), 1))
}

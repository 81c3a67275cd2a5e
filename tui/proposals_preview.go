package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// splitWidth is the width from which the list shares the screen with a
// preview of the proposal under the cursor, as k9s and gh-dash do: below
// it, a preview would squeeze the titles it is meant to explain.
const splitWidth = 140

func (p *proposalsTab) split() bool { return p.w >= splitWidth }

// listWidth is the list's share of a split screen.
func (p *proposalsTab) listWidth() int { return max(p.w*11/20, 76) }

// splitView is the list on the left and the selected proposal on the right.
func (p *proposalsTab) splitView(t *themes.Theme) string {
	lw := p.listWidth()
	pw := max(p.w-lw-3, 1)
	// The list lays itself out for the width it is drawn in.
	full := p.w
	p.w = lw
	list := p.listView(t)
	p.w = full
	h := max(p.h, 1)
	rule := t.Rule.Render(strings.TrimSuffix(repeat("│\n", h), "\n"))
	return lipgloss.JoinHorizontal(lipgloss.Top, fit(padLines(list, lw), lw, h), " ", rule, " ", fit(p.preview(t, pw, h), pw, h))
}

// padLines pads every line of s to w cells, so a block beside it starts in
// one column.
func padLines(s string, w int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range ls {
		ls[i] = pad(l, w)
	}
	return strings.Join(ls, "\n")
}

// selected is the proposal under the list's cursor, nil when none.
func (p *proposalsTab) selected() *state.ProposalView {
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		return nil
	}
	ps := p.props()
	if i := p.rows[p.cursor].i; i >= 0 && i < len(ps) {
		return &ps[i]
	}
	return nil
}

// preview is the selected proposal as the detail view begins: title, what
// and by whom, the tally and the start of its text, w x h.
func (p *proposalsTab) preview(t *themes.Theme, w, h int) string {
	v := p.selected()
	if v == nil {
		return t.Muted.Render(wrap("Select a proposal to see it here.", w))
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render(wrap(label(v)+" "+line(v.Title), w)) + "\n")
	b.WriteString(t.Muted.Render(wrap(p.meta(v, p.c.now()), w)) + "\n\n")
	b.WriteString(p.sidebar(t, v, min(w, 60), false) + "\n\n")
	used := lipgloss.Height(b.String())
	if body := strings.TrimSpace(text(v.Body)); body != "" && h-used > 2 {
		b.WriteString(p.pmd.render(p.c.md, t, body, min(w, 80)))
	} else if body == "" {
		b.WriteString(t.Muted.Render("(no text beyond the title)"))
	}
	b.WriteString("\n\n" + t.Muted.Render("enter opens it to read all, discuss and vote"))
	return b.String()
}

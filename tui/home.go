package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// home answers three questions: who am I here, what needs me, and where is
// the chain.
type home struct {
	c    *common
	w, h int
	// view is the screen as last drawn: its bordered panels are the most
	// expensive drawing in the app, and the first every session makes.
	view memo[homeKey, string]
}

// homeKey is everything Home draws from: the snapshot (a new one for every
// change), and what the session adds to it.
type homeKey struct {
	theme       string
	w           int
	snap        uint64 // common.snaps
	due         int    // charter version awaiting consent
	needs, soon int    // proposals awaiting the member's vote, closing soon
}

func newHome(c *common) *home { return &home{c: c} }

func (h *home) TabName() string           { return "Home" }
func (h *home) Refresh()                  {}
func (h *home) Capturing() bool           { return false }
func (h *home) SetSize(w, hh int)         { h.w, h.h = w, hh }
func (h *home) Update(tea.Msg) tea.Cmd    { return nil }
func (h *home) ShortHelp() []key.Binding  { return nil }
func (h *home) FullHelp() [][]key.Binding { return nil }

func (h *home) View() string {
	s := h.c.snap
	needs, soon := proposalAlerts(s.proposals, h.c.now())
	k := homeKey{theme: h.c.theme.Name, w: h.w, snap: h.c.snaps, due: h.c.consentDue(), needs: needs, soon: soon}
	return h.view.get(k, h.draw)
}

func (h *home) draw() string {
	t, s := h.c.theme, h.c.snap
	me := s.me
	greet := t.Heading.Render("Good to see you, "+clip(line(me.Name), max(h.w-20, 1))) + "\n" +
		t.Muted.Render(clip(fmt.Sprintf("%s · founded %s · %s", h.c.hubName(), state.Day(s.info.Created),
			plural(s.count, "member", "members")), h.w))

	keys := plural(len(me.Keys), "key", "keys")
	you := kv(t, [][2]string{
		{"Name", t.Text.Render(line(me.Name))},
		{"Member", t.Text.Render(fmt.Sprintf("#%d", me.ID))},
		{"Roles", t.Accent.Render(roles(me))},
		{"Keys", t.Text.Render(keys)},
		{"Joined", t.Text.Render(state.Day(me.Joined))},
	})

	panels := grid(t, h.w, [][2]string{
		{"You", you},
		{"Needs your attention", h.attention(t, s)},
		{"Chain", chainSummary(t, s)},
		{"Census", censusCompact(t, s.figures, 34)},
	})
	return greet + "\n\n" + panels
}

func (h *home) attention(t *themes.Theme, s *snapshot) string {
	var items []string
	if v := h.c.consentDue(); v != 0 {
		items = append(items, t.Warn.Render(fmt.Sprintf("● charter v%d awaits your", v))+"\n"+
			t.Warn.Render("  consent")+t.Muted.Render(" · press C to read it"))
	}
	if needs, soon := proposalAlerts(s.proposals, h.c.now()); needs > 0 {
		item := t.Warn.Render("● "+plural(needs, "proposal needs", "proposals need")+" your vote") + "\n"
		if soon > 0 {
			item += t.Warn.Render(fmt.Sprintf("  %d closing within a day", soon)) + "\n"
		}
		items = append(items, item+t.Muted.Render("  vote in 2 Proposals"))
	}
	if s.treasury != nil && len(s.treasury.changes) > 0 {
		// A steward's weakening change is shown to everyone while it waits.
		items = append(items, t.Warn.Render("● "+plural(len(s.treasury.changes), "rule change", "rule changes")+" scheduled")+"\n"+
			t.Muted.Render("  first in force "+state.Day(s.treasury.changes[0].Due)+" · see `rules`"))
	}
	if len(s.pending) > 0 { // given only to those who may see them
		items = append(items,
			t.Warn.Render("● "+plural(len(s.pending), "application", "applications")+" waiting")+"\n"+
				t.Muted.Render("  review them in 6 Members"))
	}
	if len(s.me.Keys) == 1 {
		items = append(items, t.Subtle.Render("○ one key only: add another so a")+"\n"+
			t.Subtle.Render("  lost laptop can't lock you out"))
	}
	if len(items) == 0 {
		return t.Good.Render("✓ nothing needs you right now")
	}
	return strings.Join(items, "\n")
}

func chainSummary(t *themes.Theme, s *snapshot) string {
	if !s.hasHead {
		return t.Muted.Render("no checkpoint sealed yet") + "\n" +
			kv(t, [][2]string{{"Events", t.Text.Render(fmt.Sprint(s.size))}})
	}
	return kv(t, [][2]string{
		{"Height", t.Text.Render(fmt.Sprint(s.head.Height))},
		{"Events", t.Text.Render(fmt.Sprintf("%d (%d sealed)", s.size, s.head.Size))},
		{"Root", t.Text.Render(short(s.head.Root))},
		{"Sealed", t.Text.Render(when(s.head.Time))},
	})
}

// panelKey is everything a grid panel is drawn from. Most of Home's
// panels (the chain, the census, often what needs attention) read the same
// for every member, so they are drawn once for all sessions.
type panelKey struct {
	theme, title, body string
	w, h               int
}

var gridPanels drawings[panelKey, string]

// grid lays titled panels out in as many equal columns as fit in w, with
// equal heights per row. Sizes are measured from the text, so each panel is
// rendered once.
func grid(t *themes.Theme, w int, items [][2]string) string {
	const gap, frame = 2, 4 // border and padding, left and right
	natural := 0
	heights := make([]int, len(items))
	for i, it := range items {
		natural = max(natural, lipgloss.Width(it[0])+frame, lipgloss.Width(it[1])+frame)
		heights[i] = lipgloss.Height(it[1]) + 3 // title and border
	}
	cols := len(items)
	for cols > 1 && cols*natural+(cols-1)*gap > w {
		cols--
	}
	pw := min((w-(cols-1)*gap)/cols, max(natural, 56))
	var rows []string
	for i := 0; i < len(items); i += cols {
		end := min(i+cols, len(items))
		hmax := 0
		for _, h := range heights[i:end] {
			hmax = max(hmax, h)
		}
		var blocks []string
		for j, it := range items[i:end] {
			if j > 0 {
				blocks = append(blocks, repeat(" ", gap))
			}
			k := panelKey{t.Name, it[0], it[1], pw, hmax}
			blocks = append(blocks, gridPanels.get(k, func() string { return panel(t, k.title, k.body, k.w, k.h) }))
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, blocks...))
	}
	return strings.Join(rows, "\n")
}

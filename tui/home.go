package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/themes"
)

// home answers three questions: who am I here, what needs me, and where is
// the chain. On a tall screen it goes on to what is open for a vote and
// the money; whatever does not fit scrolls.
type home struct {
	c    *common
	w, h int
	off  int // first line shown
	// view is the screen as last drawn: its bordered panels are the most
	// expensive drawing in the app, and the first every session makes.
	view memo[homeKey, []string]
	keys *homeKeys
}

type homeKeys struct{ up, down, top, end, page key.Binding }

// homeKey is everything Home draws from: the snapshot (a new one for every
// change), and what the session adds to it.
type homeKey struct {
	theme       string
	w, h        int
	snap        uint64 // common.snaps
	due         int    // charter version awaiting consent
	needs, soon int    // proposals awaiting the member's vote, closing soon
}

// sharedHomeKeys are Home's keys, the same for every session: Home is
// built in every session, and a thousand idle ones should not hold a
// thousand copies of them.
var sharedHomeKeys = &homeKeys{
	up:   bind([]string{"up", "k"}, "↑/k", "up"),
	down: bind([]string{"down", "j"}, "↓/j", "down"),
	top:  bind([]string{"home", "g"}, "g", "top"),
	end:  bind([]string{"end", "G"}, "G", "bottom"),
	page: bind([]string{"pgup", "pgdown", "b", "f", "space"}, "pgup/pgdn", "page"),
}

func newHome(c *common) *home { return &home{c: c, keys: sharedHomeKeys} }

func (h *home) TabName() string    { return "Home" }
func (h *home) keysFollowDrawing() {}
func (h *home) Refresh()           {}
func (h *home) Capturing() bool    { return false }
func (h *home) SetSize(w, hh int)  { h.w, h.h = w, hh }

// scrolls reports that Home, as last drawn, is taller than its room. It
// never draws: the help asks on every frame, and a session that has not
// shown Home yet (New) must not pay for drawing it.
func (h *home) scrolls() bool { return h.view.set && len(h.view.val) > h.h }

func (h *home) ShortHelp() []key.Binding {
	if !h.scrolls() {
		return nil
	}
	return []key.Binding{h.keys.down, h.keys.up, h.keys.end}
}

func (h *home) FullHelp() [][]key.Binding {
	if !h.scrolls() {
		return nil
	}
	return [][]key.Binding{{h.keys.up, h.keys.down, h.keys.top, h.keys.end, h.keys.page}}
}

func (h *home) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !h.scrolls() {
		return nil
	}
	page := max(h.h-2, 1)
	switch {
	case key.Matches(k, h.keys.up):
		h.off--
	case key.Matches(k, h.keys.down):
		h.off++
	case key.Matches(k, h.keys.top):
		h.off = 0
	case key.Matches(k, h.keys.end):
		h.off = len(h.lines())
	case key.Matches(k, h.keys.page):
		if s := k.String(); s == "pgup" || s == "b" {
			h.off -= page
		} else {
			h.off += page
		}
	}
	return nil
}

func (h *home) lines() []string {
	s := h.c.snap
	needs, soon := proposalAlerts(s.proposals, h.c.now())
	k := homeKey{theme: h.c.theme.Name, w: h.w, h: h.h, snap: h.c.snaps, due: h.c.consentDue(), needs: needs, soon: soon}
	return h.view.get(k, func() []string { return strings.Split(h.draw(), "\n") })
}

func (h *home) View() string {
	all := h.lines()
	if len(all) <= h.h || h.h < 3 {
		h.off = 0
		return strings.Join(all, "\n")
	}
	// The last row is the scroll mark, so the room for text is one less.
	room := h.h - 1
	h.off = max(min(h.off, len(all)-room), 0)
	shown := all[h.off : h.off+room]
	return strings.Join(shown, "\n") + "\n" + scrollMark(h.c.theme, h.off, room, len(all), h.w)
}

func (h *home) draw() string {
	t, s := h.c.theme, h.c.snap
	me := s.me
	greet := t.Heading.Render(clip("Good to see you, "+line(me.Name), max(h.w, 1))) + "\n" +
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
		{"Census", censusCompact(t, s.figures, max(gridWidth(h.w, 4)-4, 34))},
	})
	out := greet + "\n\n" + panels
	// A tall screen goes on to what is open and the money, in the room
	// left, rather than leave it blank.
	used := lipgloss.Height(out) + 1
	if room := h.h - used; room >= 6 {
		out += "\n" + h.more(t, s, room)
		// And then the member's stays, campaigns and cases, if there is
		// room for a row of panels three wide.
		used = lipgloss.Height(out) + 1
		if room := h.h - used; room >= 6 && gridCols(h.w, 3) == 3 {
			out += "\n" + h.homeLife(t, s, room)
		}
	}
	return out
}

// more is Home's second row: the proposals open for a vote, and beside them
// on a wide screen the treasury's balances, in h lines.
func (h *home) more(t *themes.Theme, s *snapshot, rows int) string {
	body := rows - 3 // title and border
	now := h.c.now()
	var open []*state.ProposalView
	for i := range s.proposals {
		if v := &s.proposals[i]; v.State == state.PropActive && v.Draft == 0 {
			open = append(open, v)
		}
	}
	slices.SortStableFunc(open, func(a, b *state.ProposalView) int {
		return cmp.Compare(section(a, now), section(b, now))
	})
	moneyW := 0
	if h.w >= 120 && s.treasury != nil {
		moneyW = min(max(h.w/3, 40), 60)
	}
	pw := h.w
	if moneyW > 0 {
		pw = h.w - moneyW - 2
	}
	inner := pw - 4
	var lines []string
	for i, v := range open {
		if i == body-1 && len(open) > body {
			lines = append(lines, t.Muted.Render(fmt.Sprintf("… and %d more in 2 Proposals", len(open)-i)))
			break
		}
		mark := "  "
		if needsVote(v, now) {
			mark = t.Warn.Render("● ")
		}
		left := listLeft(v, now)
		head := fmt.Sprintf("#%-4d ", v.ID)
		tw := max(inner-2-len(head)-ansi.StringWidth(left)-2, 4)
		lines = append(lines, mark+t.Muted.Render(head)+t.Text.Render(pad(clip(line(v.Title), tw), tw))+"  "+t.Subtle.Render(left))
	}
	if len(lines) == 0 {
		lines = append(lines, t.Muted.Render("Nothing is open for a vote. Press n in 2 Proposals to propose something."))
	}
	title := fmt.Sprintf("Open for a vote (%d)", len(open))
	block := panel(t, title, clipLines(strings.Join(lines, "\n"), inner), pw, min(rows, len(lines)+3))
	if moneyW == 0 {
		return block
	}
	var bal []string
	for _, a := range s.treasury.assets {
		bal = append(bal, t.Text.Render(pad(line(a.Asset), 6))+t.Accent.Render(money.Format(a.Balance, a.Decimals)))
	}
	if len(bal) == 0 {
		bal = append(bal, t.Muted.Render("no money yet"))
	}
	if n := len(s.treasury.ledger); n > 0 && body-len(bal) > 2 {
		bal = append(bal, "", t.Subtle.Render("Latest"))
		for _, e := range s.treasury.ledger[:min(n, body-len(bal))] {
			bal = append(bal, t.Muted.Render(state.Day(e.Time)+"  ")+t.Text.Render(line(e.Memo)))
		}
	}
	funds := panel(t, "Treasury", clipLines(strings.Join(bal, "\n"), moneyW-4), moneyW, min(rows, max(len(bal), len(lines))+3))
	return lipgloss.JoinHorizontal(lipgloss.Top, block, "  ", funds)
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

const gridGap, gridMin = 2, 36

func gridCols(w, n int) int {
	cols := min(max((w+gridGap)/(gridMin+gridGap), 1), n)
	if cols == 3 && n == 4 {
		cols = 2 // two rows of two read better than three and one
	}
	return cols
}

// gridWidth is the width of each of n panels in a grid w wide.
func gridWidth(w, n int) int {
	cols := gridCols(w, n)
	return max((w-(cols-1)*gridGap)/cols, 6)
}

// grid lays titled panels out in as many equal columns as fit in w (each
// at least gridMin wide), filling the width, with equal heights per row.
// A body line too long for its panel is cut, not wrapped, so the rows of a
// panel stay aligned.
func grid(t *themes.Theme, w int, items [][2]string) string {
	const frame = 4 // border and padding, left and right
	heights := make([]int, len(items))
	for i, it := range items {
		heights[i] = lipgloss.Height(it[1]) + 3 // title and border
	}
	cols := gridCols(w, len(items))
	pw := gridWidth(w, len(items))
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
				blocks = append(blocks, repeat(" ", gridGap))
			}
			k := panelKey{t.Name, it[0], it[1], pw, hmax}
			blocks = append(blocks, gridPanels.get(k, func() string {
				return panel(t, clip(k.title, k.w-frame), clipLines(k.body, k.w-frame), k.w, k.h)
			}))
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, blocks...))
	}
	return strings.Join(rows, "\n")
}

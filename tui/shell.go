package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/themes"
)

// Tab indexes, in the order members see them and press their numbers.
const (
	tabHome = iota
	tabProposals
	tabTreasury
	tabHousing
	tabDisputes
	tabMembers
	tabChain
	tabSettings
)

// shell is the member's app: title bar, tabs, the active screen, help and
// status bar.
type shell struct {
	c      *common
	tabs   []TabComponent
	active int
	keys   globalKeys
	help   help.Model
	width  int
	height int
	// prompt is the charter on screen over the active tab, nil when
	// closed; deferred is the version the member said "not now" to.
	prompt   *charterPrompt
	deferred int
}

func newShell(c *common) *shell {
	s := &shell{c: c, keys: newGlobalKeys(), help: help.New()}
	s.tabs = []TabComponent{
		newHome(c),
		newProposals(c),
		newTreasury(c),
		newHousing(c),
		newDisputes(c),
		newMembers(c),
		newChainTab(c),
		newSettings(c),
	}
	return s
}

func (s *shell) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s.tabs[s.active].Update(msg)
	}
	if key.Matches(k, s.keys.ForceQt) {
		return quit
	}
	if s.prompt != nil {
		// A modal: the charter keeps every key but quitting.
		if key.Matches(k, s.keys.Quit) {
			return quit
		}
		s.c.status, s.c.statusErr = "", false
		return s.updatePrompt(msg)
	}
	cur := s.tabs[s.active]
	if cur.Capturing() {
		return cur.Update(msg)
	}
	s.c.status, s.c.statusErr = "", false
	switch {
	case key.Matches(k, s.keys.Quit):
		return quit
	case key.Matches(k, s.keys.Help):
		s.help.ShowAll = !s.help.ShowAll
		s.SetSize(s.width, s.height)
		return nil
	case key.Matches(k, s.keys.Next):
		s.setActive((s.active + 1) % len(s.tabs))
		return nil
	case key.Matches(k, s.keys.Prev):
		s.setActive((s.active + len(s.tabs) - 1) % len(s.tabs))
		return nil
	case key.Matches(k, s.keys.Tabs):
		s.setActive(int(k.String()[0] - '1'))
		return nil
	case key.Matches(k, s.keys.Charter) && s.c.snap.charter != nil:
		s.openCharter()
		return nil
	}
	return cur.Update(msg)
}

// resultTaker is a screen that wants the results of the commands it sent.
type resultTaker interface {
	result(resultMsg) tea.Cmd
}

// result hands a tagged command result to the screens that listen for
// results, whichever tab is active.
func (s *shell) result(msg resultMsg) tea.Cmd {
	s.consentResult(msg)
	var cmds []tea.Cmd
	for _, t := range s.tabs {
		if r, ok := t.(resultTaker); ok {
			cmds = append(cmds, r.result(msg))
		}
	}
	return tea.Batch(cmds...)
}

func (s *shell) setActive(i int) {
	if i >= 0 && i < len(s.tabs) {
		s.active = i
		s.SetSize(s.width, s.height) // full help differs per screen
	}
}

// refresh restyles the shell's own parts and passes new data on.
func (s *shell) refresh() {
	s.help.Styles = helpStyles(s.c.theme)
	for _, t := range s.tabs {
		t.Refresh()
	}
	if s.prompt != nil {
		s.prompt.restyle(s.c.theme)
	}
	s.checkConsent()
}

func helpStyles(t themes.Theme) help.Styles {
	return help.Styles{
		Ellipsis: t.HelpSep, ShortKey: t.HelpKey, ShortDesc: t.HelpDesc, ShortSeparator: t.HelpSep,
		FullKey: t.HelpKey, FullDesc: t.HelpDesc, FullSeparator: t.HelpSep,
	}
}

func (s *shell) keyMap() keyMap {
	k := s.keys
	if s.prompt != nil {
		return keyMap{screen: s.prompt, global: []key.Binding{k.Help, k.Quit}, full: []key.Binding{k.Help, k.Quit}}
	}
	km := keyMap{
		screen: s.tabs[s.active],
		global: []key.Binding{k.Next, k.Help, k.Quit},
		full:   []key.Binding{k.Tabs, k.Next, k.Prev, k.Help, k.Quit},
	}
	switch {
	case s.c.consentDue() != 0:
		km.global = append([]key.Binding{k.Charter}, km.global...)
		km.full = append(km.full, k.Charter)
	case s.c.snap.charter != nil:
		km.full = append(km.full, k.Charter)
	}
	return km
}

// chrome is how many lines title, tabs, rule, help and status bar take.
func (s *shell) chrome() int {
	return 3 + 1 + lipgloss.Height(s.help.View(s.keyMap())) + 1
}

func (s *shell) SetSize(w, h int) {
	s.width, s.height = w, h
	s.help.SetWidth(max(w-2, 0))
	cw, ch := max(w-2, 0), max(h-s.chrome(), 0)
	for _, t := range s.tabs {
		t.SetSize(cw, ch)
	}
	if s.prompt != nil {
		s.prompt.setSize(cw, ch)
	}
}

func (s *shell) View() string {
	t := s.c.theme
	w := s.width
	cur := s.tabs[s.active]
	// The help height depends on the active screen's keys, so sizes are
	// settled again before drawing; it is cheap and keeps the status bar
	// pinned to the bottom.
	_, ch := max(w-2, 0), max(s.height-s.chrome(), 0)
	view := cur.View
	if s.prompt != nil {
		view = s.prompt.View
	}
	body := fit(indent(view(), 1), w, ch)
	parts := []string{
		s.titleBar(),
		s.tabBar(),
		t.Rule.Render(repeat("─", w)),
		body,
		"",
		indent(s.help.View(s.keyMap()), 1),
		s.statusBar(),
	}
	return strings.Join(parts, "\n")
}

func (s *shell) titleBar() string {
	t, snap := s.c.theme, s.c.snap
	left := t.TitleApp.Render("polis") + " " + t.TitleHub.Render(clip(s.c.hubName(), max(s.width-12, 0)))
	right := t.TitleMeta.Render(plural(snap.count, "member", "members") + " ")
	return spread(left, right, s.width)
}

// spread puts left and right on one line of width w, dropping right first
// when they do not fit.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left
	}
	return left + repeat(" ", gap) + right
}

func (s *shell) tabBar() string {
	t := s.c.theme
	render := func(label func(i int, name string) string) string {
		var b strings.Builder
		for i, tab := range s.tabs {
			st := t.Tab
			if i == s.active {
				st = t.TabActive
			}
			b.WriteString(st.Render(label(i, tab.TabName())))
		}
		return b.String()
	}
	numbered := render(func(i int, n string) string { return fmt.Sprintf("%d %s", i+1, n) })
	if lipgloss.Width(numbered) <= s.width {
		return numbered
	}
	named := render(func(_ int, n string) string { return n })
	if lipgloss.Width(named) <= s.width {
		return named
	}
	return t.TabActive.Render(fmt.Sprintf("%d/%d %s", s.active+1, len(s.tabs), s.tabs[s.active].TabName()))
}

func (s *shell) statusBar() string {
	t, snap := s.c.theme, s.c.snap
	name := t.StatusName.Render(clip(line(snap.me.Name), max(s.width/3, 1)))
	info := fmt.Sprintf("%d events", snap.size)
	if snap.hasHead {
		info = fmt.Sprintf("chain #%d · %s", snap.head.Height, info)
	}
	right := t.StatusInfo.Render(info)
	if lipgloss.Width(name)+lipgloss.Width(right) > s.width {
		right = ""
	}
	// The latest message wins; a pending consent waits underneath it.
	if note := s.consentNotice(); s.c.status == "" && note != "" {
		return statusLineAs(t, name, right, note, t.StatusNote, s.width)
	}
	return statusLine(t, name, right, s.c.status, s.c.statusErr, s.width)
}

// statusLine fills the bar between left and right with the latest message.
func statusLine(t themes.Theme, left, right, msg string, isErr bool, w int) string {
	st := t.StatusOK
	if isErr {
		st = t.StatusError
	}
	return statusLineAs(t, left, right, msg, st, w)
}

// statusLineAs is statusLine with the message in style st.
func statusLineAs(t themes.Theme, left, right, msg string, st lipgloss.Style, w int) string {
	room := w - lipgloss.Width(left) - lipgloss.Width(right)
	mid := ""
	if msg != "" && room > 4 {
		mid = st.Render(clip(msg, room-2))
	}
	fill := room - lipgloss.Width(mid)
	return left + mid + t.StatusBar.Render(repeat(" ", fill)) + right
}

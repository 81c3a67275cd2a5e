package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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

// tabKinds are the tabs in the order members see them. Each is built on
// its first visit: most sessions open two or three of the eight, and an
// idle session should hold only those.
var tabKinds = [...]struct {
	name  string
	build func(*common) TabComponent
}{
	tabHome:      {"Home", func(c *common) TabComponent { return newHome(c) }},
	tabProposals: {"Proposals", func(c *common) TabComponent { return newProposals(c) }},
	tabTreasury:  {"Treasury", func(c *common) TabComponent { return newTreasury(c) }},
	tabHousing:   {"Housing", func(c *common) TabComponent { return newHousing(c) }},
	tabDisputes:  {"Disputes", func(c *common) TabComponent { return newDisputes(c) }},
	tabMembers:   {"Members", func(c *common) TabComponent { return newMembers(c) }},
	tabChain:     {"Chain", func(c *common) TabComponent { return newChainTab(c) }},
	tabSettings:  {"Settings", func(c *common) TabComponent { return newSettings(c) }},
}

// shell is the member's app: title bar, tabs, the active screen, help and
// status bar.
type shell struct {
	c      *common
	tabs   [len(tabKinds)]TabComponent // nil until first visited
	active int
	keys   globalKeys
	help   help.Model
	width  int
	height int
	// prompt is the charter on screen over the active tab, nil when
	// closed; deferred is the version the member said "not now" to.
	prompt   *charterPrompt
	deferred int
	asked    bool // the session's first data was checked for due consent
	parts    chromeParts
	// msgAll is the message the member asked to read whole (! key).
	msgAll string
	// laid is the size the tabs were last given: the room left by the
	// chrome changes with the help and the message, not only the terminal.
	laid [2]int
}

func newShell(c *common) *shell {
	return &shell{c: c, keys: newGlobalKeys(), help: help.New()}
}

// tab returns tab i, building it on first use.
func (s *shell) tab(i int) TabComponent {
	if t := s.tabs[i]; t != nil {
		return t
	}
	t := tabKinds[i].build(s.c)
	// Stored before it is sized: sizing reads the active tab's help.
	s.tabs[i] = t
	t.Refresh()
	t.SetSize(s.contentSize())
	return t
}

func (s *shell) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s.tab(s.active).Update(msg)
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
	cur := s.tab(s.active)
	if cur.Capturing() {
		return cur.Update(msg)
	}
	if key.Matches(k, s.keys.Expand) && s.messageCut() {
		s.msgAll, _ = s.message()
		return nil
	}
	s.c.status, s.c.statusErr, s.msgAll = "", false, ""
	switch {
	case key.Matches(k, s.keys.Quit):
		return quit
	case key.Matches(k, s.keys.Help):
		s.help.ShowAll = !s.help.ShowAll
		s.SetSize(s.width, s.height)
		return nil
	case key.Matches(k, s.keys.Next):
		s.setActive((s.active + 1) % len(tabKinds))
		return nil
	case key.Matches(k, s.keys.Prev):
		s.setActive((s.active + len(tabKinds) - 1) % len(tabKinds))
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
// results, whichever tab is active. A tab never visited sent nothing.
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
	if i >= 0 && i < len(tabKinds) {
		s.active = i
		s.SetSize(s.width, s.height) // full help differs per screen
	}
}

// refresh restyles the shell's own parts and passes new data on.
func (s *shell) refresh() {
	s.help.Styles = helpStyles(s.c.theme)
	for _, t := range s.tabs {
		if t != nil {
			t.Refresh()
		}
	}
	if s.prompt != nil {
		s.prompt.restyle(s.c.theme)
	}
	s.checkConsent()
}

func helpStyles(t *themes.Theme) help.Styles {
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
		screen: s.tab(s.active),
		global: []key.Binding{k.Next, k.Help, k.Quit},
		full:   []key.Binding{k.Tabs, k.Next, k.Prev, k.Help, k.Quit},
	}
	if s.messageCut() {
		km.global = append([]key.Binding{k.Expand}, km.global...)
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

// chromeLines is how many lines title, tabs, rule, help and status bar
// take, with help lines of help.
func chromeLines(help int) int { return 3 + 1 + help + 1 }

// contentSize is the room a tab has: the screen less the chrome (and the
// lines of a long message), and a column either side.
func (s *shell) contentSize() (int, int) {
	_, lines := s.helpView()
	return max(s.width-2, 0), s.bodyHeight(lines)
}

// bodyHeight is the screen's height under the chrome with help lines of
// help.
func (s *shell) bodyHeight(help int) int {
	msg := max(len(s.messageLines())-1, 0)
	return max(s.height-chromeLines(help)-msg, 0)
}

func (s *shell) SetSize(w, h int) {
	s.width, s.height = w, h
	s.help.SetWidth(max(w-2, 0))
	cw, ch := s.contentSize()
	s.laid = [2]int{cw, ch}
	for _, t := range s.tabs {
		if t != nil {
			t.SetSize(cw, ch)
		}
	}
	if s.prompt != nil {
		s.prompt.setSize(cw, ch)
	}
}

// keysFollowDrawing is a screen whose keys depend on what it drew, so
// the shell reads its help again after drawing it.
type keysFollowDrawing interface{ keysFollowDrawing() }

func (s *shell) View() string {
	w := s.width
	// The help height depends on the active screen's keys, so sizes are
	// settled again before drawing; it is cheap and keeps the status bar
	// pinned to the bottom.
	help, lines := s.helpView()
	ch := s.bodyHeight(lines)
	if s.laid != [2]int{max(w-2, 0), ch} {
		// A prompt closed, the help or a message changed size: the screen
		// gets its real room, so a list never loses its last row under them.
		s.SetSize(s.width, s.height)
		help, lines = s.helpView()
		ch = s.bodyHeight(lines)
	}
	view := s.tab(s.active).View
	if s.prompt != nil {
		view = s.prompt.View
	}
	body := s.parts.body.fit(view(), w, ch)
	if _, after := s.tab(s.active).(keysFollowDrawing); after && s.prompt == nil {
		// Its keys depend on what it drew (Home scrolls only when it is
		// too tall): the help is read again, and in the rare case that
		// it changed height the screen is laid out once more.
		help, lines = s.helpView()
		if now := s.bodyHeight(lines); now != ch {
			s.SetSize(s.width, s.height)
			ch = now
			body = s.parts.body.fit(view(), w, ch)
		}
	}
	gap := ""
	if msg := s.messageLines(); msg != nil {
		gap = strings.Join(msg, "\n")
	}
	parts := []string{
		s.titleBar(),
		s.tabBar(),
		s.rule(),
		body,
		gap,
		help,
		s.statusBar(),
	}
	return strings.Join(parts, "\n")
}

package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/table"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// membersTab lists members in a table that `/` filters, with the charter
// version each consented to and the country they declared, shows those who
// may decide them the applications waiting, and the census: beside the
// table on a wide screen, instead of it on `c` on a narrow one.
type membersTab struct {
	c         *common
	table     table.Model
	filter    textinput.Model
	filtering bool
	shown     int
	w, h      int
	// Rebuilding the table re-renders every row, so it happens lazily, once,
	// when the tab is next drawn or used: a thousand sessions on other tabs
	// pay nothing for a new member.
	dirty     bool
	styled    string
	laidOut   [3]int
	charter   int  // the version the consent column was built for
	census    bool // the census replaces the table (narrow screens)
	keyFilter key.Binding
	keyClear  key.Binding
	keyDone   key.Binding
	keyCensus key.Binding
	apps      appKeys
	appAt     int    // the application picked
	armed     string // the decision awaiting its second press
	invite    string // a code just made, shown once until esc
}

func newMembers(c *common) *membersTab {
	m := &membersTab{c: c,
		table:     table.New(table.WithFocused(true)),
		filter:    newInput("filter by name, role or #id", 40),
		keyFilter: bind([]string{"/"}, "/", "filter"),
		keyClear:  bind([]string{"esc"}, "esc", "clear filter"),
		keyDone:   bind([]string{"enter"}, "enter", "keep filter"),
		keyCensus: bind([]string{"c"}, "c", "census"),
		apps:      newAppKeys(),
	}
	m.filter.Prompt = "/ "
	// The table needs its columns before any row arrives.
	m.table.SetColumns(memberColumns(0, false))
	m.dirty = true
	return m
}

// newInput is a text input that never blinks: a blinking cursor is a timer
// per session, and a thousand idle sessions should cost nothing.
func newInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.Prompt = ""
	return in
}

func inputStyles(t *themes.Theme) textinput.Styles {
	st := textinput.DefaultStyles(t.Palette.Dark)
	for _, s := range []*textinput.StyleState{&st.Focused, &st.Blurred} {
		s.Prompt, s.Text, s.Placeholder, s.Suggestion = t.InputPrompt, t.InputText, t.InputHint, t.InputHint
	}
	st.Blurred.Text = t.Subtle
	st.Cursor.Blink = false
	if !t.Mono {
		st.Cursor.Color = t.Palette.Accent
	}
	return st
}

func (m *membersTab) TabName() string { return "Members" }
func (m *membersTab) Capturing() bool { return m.filtering }

func (m *membersTab) ShortHelp() []key.Binding {
	if m.filtering {
		return []key.Binding{m.keyDone, m.keyClear}
	}
	if m.census {
		return []key.Binding{m.keyCensus}
	}
	out := append([]key.Binding{}, m.table.KeyMap.ShortHelp()...)
	out = append(out, m.keyFilter)
	if m.filter.Value() != "" {
		out = append(out, m.keyClear)
	}
	if !m.wide() {
		out = append(out, m.keyCensus)
	}
	if m.canInvite() {
		out = append(out, m.apps.invite)
	}
	// Last, so they are the first to go on a narrow screen: the heading
	// of the applications names them too.
	return append(out, m.appHelp()...)
}

func (m *membersTab) FullHelp() [][]key.Binding {
	if m.census {
		return [][]key.Binding{{m.keyCensus}}
	}
	extra := []key.Binding{m.keyFilter, m.keyDone, m.keyClear}
	if !m.wide() {
		extra = append(extra, m.keyCensus)
	}
	if m.canInvite() {
		extra = append(extra, m.apps.invite)
	}
	out := append(m.table.KeyMap.FullHelp(), extra)
	if h := m.appHelp(); h != nil {
		out = append(out, h)
	}
	return out
}

// censusWidth is the census panel's width beside the table.
const censusWidth = 62

// wide reports that the census fits beside the table.
func (m *membersTab) wide() bool { return m.w >= 140 }

// tableWidth is what the table gets of the tab's width.
func (m *membersTab) tableWidth() int {
	if m.wide() {
		return m.w - censusWidth - 2
	}
	return m.w
}

func (m *membersTab) Refresh() { m.dirty = true }

func (m *membersTab) sync() {
	if !m.dirty {
		return
	}
	m.dirty = false
	if t := m.c.theme; m.styled != t.Name {
		m.styled = t.Name
		// Cells carry no colour of their own: an inner reset would cut the
		// selected row's highlight short after the first cell.
		m.table.SetStyles(table.Styles{
			Header:   t.TableHeader,
			Cell:     lipgloss.NewStyle().Padding(0, 1),
			Selected: t.Selected,
		})
		m.filter.SetStyles(inputStyles(t))
	}
	m.rebuild()
}

func (m *membersTab) rebuild() {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	cur := 0
	if ch := m.c.snap.charter; ch != nil {
		cur = ch.Version
	}
	var rows []table.Row
	for _, mb := range m.c.snap.roster {
		name, rs := line(mb.Name), roles(mb)
		id := fmt.Sprintf("#%d", mb.ID)
		consent, cc := consentLabel(mb, cur), line(mb.Country)
		if q != "" && !strings.Contains(strings.ToLower(name+" "+rs+" "+id+" "+consent+" "+cc), q) {
			continue
		}
		row := table.Row{id, name, rs, state.Day(mb.Joined)}
		if cur > 0 {
			row = append(row, consent)
		}
		rows = append(rows, append(row, cc))
	}
	m.shown = len(rows)
	m.laidOut = [3]int{}
	// The table indexes columns by cell, so rows never have more cells
	// than there are columns, even for a moment.
	if m.charter != cur && len(m.table.Rows()) > 0 {
		m.table.SetRows(nil)
	}
	m.charter = cur
	m.setColumns()
	m.table.SetRows(rows)
	m.layout()
}

func (m *membersTab) setColumns() {
	tw := m.tableWidth()
	m.table.SetColumns(memberColumns(tw, m.charter > 0))
	m.table.SetWidth(tw)
	m.filter.SetWidth(max(min(tw-4, 60), 1))
	m.laidOut[0] = tw
}

// memberColumns fits the table's columns in w cells: the name and roles
// share what the fixed columns leave, and the join date goes first when
// the screen is narrow.
func memberColumns(w int, consent bool) []table.Column {
	const cellPad = 2 // the cell style pads one each side
	fixed := []table.Column{{Title: "Joined", Width: 10}}
	if consent {
		fixed = append(fixed, table.Column{Title: "Consent", Width: 15})
	}
	fixed = append(fixed, table.Column{Title: "Country", Width: 7})
	used := 6 + 3*cellPad // ID, name and roles
	for _, c := range fixed {
		used += c.Width + cellPad
	}
	if w-used < 24 {
		used -= fixed[0].Width + cellPad
		fixed[0].Width = 0 // the table skips zero-width columns
	}
	rest := max(w-used, 16)
	name := min(max(rest*3/5, 8), 40)
	rolesW := min(max(rest-name, 8), 40)
	return append([]table.Column{{Title: "ID", Width: 6}, {Title: "Name", Width: name}, {Title: "Roles", Width: rolesW}}, fixed...)
}

// consentLabel is the charter version a member consented to, against the
// version in force (cur, 0 when the hub has none).
func consentLabel(mb state.Member, cur int) string {
	switch {
	case cur == 0:
		return ""
	case mb.Consent >= cur:
		return fmt.Sprintf("v%d ✓", cur)
	case mb.Consent > 0:
		return fmt.Sprintf("v%d (v%d pending)", mb.Consent, cur)
	}
	return "—"
}

func (m *membersTab) SetSize(w, h int) {
	if w != m.w || h != m.h {
		m.w, m.h = w, h
		m.dirty = true
	}
}

// layout splits the height between heading, filter, table and the
// applications waiting, and the width between columns.
func (m *membersTab) layout() {
	if m.laidOut[0] != m.tableWidth() {
		m.setColumns()
	}
	used := 2 // heading and blank line
	if m.showFilter() {
		used++
	}
	if n := len(m.c.snap.pending); n > 0 {
		used += m.appsHeight(n)
	}
	// The table is only as tall as its rows, so the applications sit right
	// under it on a tall screen instead of at the far bottom.
	if th := max(min(m.h-used, len(m.table.Rows())+1), 2); m.laidOut[1] != th {
		m.table.SetHeight(th)
		m.laidOut[1] = th
	}
}

func (m *membersTab) showFilter() bool { return m.filtering || m.filter.Value() != "" }

func (m *membersTab) appsHeight(n int) int {
	return 3 + min(n, max(m.h/4, 1))
}

func (m *membersTab) Update(msg tea.Msg) tea.Cmd {
	m.sync()
	k, isKey := msg.(tea.KeyPressMsg)
	if m.filtering {
		switch {
		case isKey && key.Matches(k, m.keyClear):
			m.filtering = false
			m.filter.Blur()
			m.filter.SetValue("")
			m.rebuild()
			return nil
		case isKey && key.Matches(k, m.keyDone):
			m.filtering = false
			m.filter.Blur()
			m.layout()
			return nil
		}
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		m.rebuild()
		return cmd
	}
	if isKey && m.censusOnly() {
		if key.Matches(k, m.keyCensus, m.keyClear) {
			m.census = false
		}
		return nil
	}
	if isKey {
		switch {
		case key.Matches(k, m.apps.invite) && m.canInvite():
			return m.createInvite()
		case m.invite != "" && k.String() == "esc":
			m.invite = ""
			return nil
		}
		if cmd, ok := m.updateApps(k); ok {
			return cmd
		}
		switch {
		case key.Matches(k, m.keyCensus) && !m.wide():
			m.census = true
			return nil
		case key.Matches(k, m.keyFilter):
			m.filtering = true
			cmd := m.filter.Focus()
			m.layout()
			return cmd
		case key.Matches(k, m.keyClear) && m.filter.Value() != "":
			m.filter.SetValue("")
			m.rebuild()
			return nil
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(msg)
	return cmd
}

func (m *membersTab) View() string {
	m.sync()
	t, s := m.c.theme, m.c.snap
	if m.censusOnly() {
		return censusView(t, s.figures, m.w) + "\n\n" + t.Muted.Render("press c for the member list")
	}
	count := plural(s.count, "member", "members")
	if q := m.filter.Value(); q != "" {
		count = fmt.Sprintf("%d of %s match", m.shown, count)
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render("Members") + "  " + t.Muted.Render(count) + "\n")
	if m.invite != "" {
		b.WriteString(fitLine(m.inviteView(), m.tableWidth()) + "\n")
	} else {
		b.WriteString("\n")
	}
	if m.showFilter() {
		b.WriteString(m.filter.View() + "\n")
	}
	if m.shown == 0 {
		b.WriteString(t.Muted.Render("  no member matches") + "\n")
	} else {
		b.WriteString(m.table.View() + "\n")
	}
	if len(s.pending) > 0 {
		b.WriteString("\n" + m.appsView(t, s.pending))
	}
	if !m.wide() {
		return b.String()
	}
	tw := m.tableWidth()
	list := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, l := range list {
		list[i] = pad(l, tw)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, strings.Join(list, "\n"), "  ", censusView(t, s.figures, censusWidth))
}

// censusOnly reports that the census is shown instead of the list.
func (m *membersTab) censusOnly() bool { return m.census && !m.wide() }

func (m *membersTab) appsView(t *themes.Theme, apps []state.Application) string {
	n := m.appsHeight(len(apps)) - 3
	title := t.Warn.Render(fmt.Sprintf("Applications waiting (%d)", len(apps)))
	if m.deciding() {
		title += t.Muted.Render("  a approve · x reject")
	}
	out := []string{fitLine(title, m.tableWidth())}
	deciding := m.deciding()
	if deciding {
		m.app() // keeps the pick in range
	}
	// The list starts where the picked one is in sight.
	first := 0
	if deciding && m.appAt >= n-1 && len(apps) > n {
		first = m.appAt - (n - 2)
	}
	for i := first; i < len(apps); i++ {
		a := apps[i]
		if i-first == n-1 && len(apps) > i+1 {
			out = append(out, t.Muted.Render(fmt.Sprintf("  … and %d more", len(apps)-i)))
			break
		}
		mark := "  "
		if deciding && i == m.appAt {
			mark = t.Accent.Render("▸ ")
		}
		head := fmt.Sprintf("#%-4d %s  %s  ", a.ID, state.Day(a.Submitted), line(a.Name))
		out = append(out, fitLine(mark+t.Text.Render(head)+t.Subtle.Render(clip(line(a.Text), max(m.tableWidth()-lipgloss.Width(head)-2, 0))), m.tableWidth()))
	}
	return strings.Join(out, "\n")
}

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

// membersTab lists members in a table that `/` filters, and shows those who
// may decide them the applications waiting.
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
	keyFilter key.Binding
	keyClear  key.Binding
	keyDone   key.Binding
}

func newMembers(c *common) *membersTab {
	m := &membersTab{c: c,
		table:     table.New(table.WithFocused(true)),
		filter:    newInput("filter by name, role or #id", 40),
		keyFilter: bind([]string{"/"}, "/", "filter"),
		keyClear:  bind([]string{"esc"}, "esc", "clear filter"),
		keyDone:   bind([]string{"enter"}, "enter", "keep filter"),
	}
	m.filter.Prompt = "/ "
	// The table needs its columns before any row arrives.
	m.table.SetColumns([]table.Column{{Title: "ID"}, {Title: "Name"}, {Title: "Roles"}, {Title: "Joined"}})
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

func inputStyles(t themes.Theme) textinput.Styles {
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
	out := append([]key.Binding{}, m.table.KeyMap.ShortHelp()...)
	out = append(out, m.keyFilter)
	if m.filter.Value() != "" {
		out = append(out, m.keyClear)
	}
	return out
}

func (m *membersTab) FullHelp() [][]key.Binding {
	return append(m.table.KeyMap.FullHelp(), []key.Binding{m.keyFilter, m.keyDone, m.keyClear})
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
	var rows []table.Row
	for _, mb := range m.c.snap.members {
		name, rs := line(mb.Name), roles(mb)
		id := fmt.Sprintf("#%d", mb.ID)
		if q != "" && !strings.Contains(strings.ToLower(name+" "+rs+" "+id), q) {
			continue
		}
		rows = append(rows, table.Row{id, name, rs, state.Day(mb.Joined)})
	}
	m.shown = len(rows)
	m.laidOut = [3]int{}
	m.table.SetRows(rows)
	m.layout()
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
	name := min(max(m.w-50, 8), 40)
	rolesW := min(max(m.w-32-name, 10), 40)
	if m.laidOut[0] != m.w {
		m.table.SetColumns([]table.Column{
			{Title: "ID", Width: 6}, {Title: "Name", Width: name},
			{Title: "Roles", Width: rolesW}, {Title: "Joined", Width: 10},
		})
		m.table.SetWidth(m.w)
		m.filter.SetWidth(max(min(m.w-4, 60), 1))
		m.laidOut[0] = m.w
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
	if isKey {
		switch {
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
	count := plural(len(s.members), "member", "members")
	if q := m.filter.Value(); q != "" {
		count = fmt.Sprintf("%d of %s match", m.shown, count)
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render("Members") + "  " + t.Muted.Render(count) + "\n\n")
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
	return b.String()
}

func (m *membersTab) appsView(t themes.Theme, apps []state.Application) string {
	n := m.appsHeight(len(apps)) - 3
	out := []string{t.Warn.Render(fmt.Sprintf("Applications waiting (%d)", len(apps)))}
	for i, a := range apps {
		if i == n-1 && len(apps) > n {
			out = append(out, t.Muted.Render(fmt.Sprintf("  … and %d more", len(apps)-i)))
			break
		}
		head := fmt.Sprintf("  #%-4d %s  %s  ", a.ID, state.Day(a.Submitted), line(a.Name))
		out = append(out, t.Text.Render(head)+t.Subtle.Render(clip(line(a.Text), max(m.w-lipgloss.Width(head), 0))))
	}
	return strings.Join(out, "\n")
}

package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// settings lets a member pick a theme (a private preference the hub keeps
// outside the log, so every session of theirs gets it and nobody else
// reads it), change their name, choose what visitors see of them, and
// leave.
type settings struct {
	c        *common
	cursor   int
	renaming bool
	name     textinput.Model
	country  textinput.Model
	placing  bool       // the country input is open
	leaving  *leaveFlow // the leave questions, when open
	keys     *keysView  // the member's keys, when open
	w, h     int

	keyUp, keyDown, keyPick, keyRename, keySave, keyCancel key.Binding
	keyListed, keyCountry, keySaveCC, keyLeave, keyKeys    key.Binding
}

func newSettings(c *common) *settings {
	s := &settings{c: c, name: newInput("your name", state.MaxNameLen),
		keyUp:      bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:    bind([]string{"down", "j"}, "↓/j", "down"),
		keyPick:    bind([]string{"enter", "space"}, "enter", "use theme"),
		keyRename:  bind([]string{"r"}, "r", "rename"),
		keySave:    bind([]string{"enter"}, "enter", "save name"),
		keyCancel:  bind([]string{"esc"}, "esc", "cancel"),
		keyListed:  bind([]string{"v"}, "v", "visible to visitors"),
		keyCountry: bind([]string{"o"}, "o", "country"),
		keySaveCC:  bind([]string{"enter"}, "enter", "save country"),
		keyLeave:   bind([]string{"L"}, "L", "leave the community"),
		keyKeys:    bind([]string{"K"}, "K", "your keys"),
		// Room for more than two letters: a name typed by mistake is
		// refused with a reason and kept to fix, not cut to "Po".
		country: newInput("two letters, e.g. PT; empty clears it", 40),
	}
	s.name.Prompt = "› "
	s.country.Prompt = "› "
	return s
}

func (s *settings) TabName() string { return "Settings" }
func (s *settings) Capturing() bool {
	return s.renaming || s.placing || s.leaving != nil || (s.keys != nil && s.keys.adding != nil)
}
func (s *settings) SetSize(w, h int) {
	s.w, s.h = w, h
	s.name.SetWidth(max(min(w-16, state.MaxNameLen+2), 1))
	s.country.SetWidth(max(min(w-16, 40), 1))
}

func (s *settings) ShortHelp() []key.Binding {
	switch {
	case s.leaving != nil:
		l := s.leaving
		return []key.Binding{l.keyChoose, l.keyAnswer, l.keyMove, l.keyCancel}
	case s.renaming:
		return []key.Binding{s.keySave, s.keyCancel}
	case s.placing:
		return []key.Binding{s.keySaveCC, s.keyCancel}
	case s.keys != nil:
		return s.keys.keys()
	}
	return []key.Binding{s.keyUp, s.keyDown, s.keyPick, s.keyRename, s.keyListed, s.keyCountry, s.keyKeys}
}

func (s *settings) FullHelp() [][]key.Binding {
	if s.Capturing() || s.keys != nil {
		return [][]key.Binding{s.ShortHelp()}
	}
	return [][]key.Binding{{s.keyUp, s.keyDown, s.keyPick}, {s.keyRename, s.keyListed, s.keyCountry, s.keyKeys, s.keyLeave}}
}

func (s *settings) Refresh() {
	s.name.SetStyles(inputStyles(s.c.theme))
	s.country.SetStyles(inputStyles(s.c.theme))
	if s.leaving != nil {
		s.leaving.styles = huhStyles(s.c.theme)
	}
	if !s.renaming {
		// Keep the cursor on the theme in use when it changes elsewhere.
		for i, n := range themes.Names() {
			if n == s.current() {
				s.cursor = i
			}
		}
	}
}

// current is the theme the member chose, whatever is drawn (NO_COLOR may
// force mono on screen without changing the choice).
func (s *settings) current() string {
	if s.c.override != "" {
		return s.c.override
	}
	if n := s.c.snap.prefs.Theme; n != "" {
		if _, ok := themes.Lookup(n); ok {
			return n
		}
	}
	return themes.Default
}

func (s *settings) Update(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case s.leaving != nil:
		return s.updateLeave(msg)
	case s.placing:
		return s.updateCountry(msg)
	case s.keys != nil:
		return s.updateKeys(msg)
	}
	if s.renaming {
		switch {
		case isKey && key.Matches(k, s.keyCancel):
			s.renaming = false
			s.name.Blur()
			return nil
		case isKey && key.Matches(k, s.keySave):
			s.renaming = false
			s.name.Blur()
			n := strings.TrimSpace(s.name.Value())
			if n == s.c.snap.me.Name {
				return nil
			}
			return s.c.submit("you are now "+line(n), state.Rename{Name: n})
		}
		var cmd tea.Cmd
		s.name, cmd = s.name.Update(msg)
		return cmd
	}
	if !isKey {
		return nil
	}
	names := themes.Names()
	switch {
	case key.Matches(k, s.keyUp):
		s.cursor = (s.cursor + len(names) - 1) % len(names)
	case key.Matches(k, s.keyDown):
		s.cursor = (s.cursor + 1) % len(names)
	case key.Matches(k, s.keyPick):
		pick := names[s.cursor]
		if pick == s.current() {
			return nil
		}
		// Shown at once; the hub keeps it a moment later, and a refusal
		// puts the old theme back.
		s.c.override = pick
		return tea.Batch(func() tea.Msg { return restyleMsg{} },
			s.c.submit("theme "+pick+" saved for all your sessions", state.ChooseTheme{Theme: pick}))
	case key.Matches(k, s.keyRename):
		s.renaming = true
		s.name.SetValue(line(s.c.snap.me.Name))
		s.name.CursorEnd()
		return s.name.Focus()
	case key.Matches(k, s.keyListed):
		return s.toggleListed()
	case key.Matches(k, s.keyCountry):
		return s.openCountry()
	case key.Matches(k, s.keyLeave):
		return s.openLeave()
	case key.Matches(k, s.keyKeys):
		return s.openKeys()
	}
	return nil
}

// restyleMsg asks the app to re-read the theme choice.
type restyleMsg struct{}

func (s *settings) View() string {
	t := s.c.theme
	if s.leaving != nil {
		return s.leaving.view(t, s.c.sshCmd, max(min(s.w, 76), 1))
	}
	if s.keys != nil {
		return s.keysViewText(t)
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render("Settings") + "\n\n")
	b.WriteString(t.Label.Render("Name      "))
	if s.renaming {
		b.WriteString(s.name.View() + "\n")
		b.WriteString(t.Muted.Render("          enter to save, esc to keep your name") + "\n")
	} else {
		b.WriteString(t.Text.Render(line(s.c.snap.me.Name)) + t.Muted.Render("   press r to change it") + "\n")
	}
	b.WriteString(s.profileView(t) + s.readersView(t) + "\n")
	b.WriteString(t.Label.Render("Theme") + "\n")
	cur := s.current()
	for i, n := range themes.Names() {
		mark := "○ "
		if n == cur {
			mark = "● "
		}
		row := "  " + mark + n + strings.Repeat(" ", max(8-len(n), 1)) + themes.Describe(n)
		row = clip(row, max(s.w, 1))
		if i == s.cursor && !s.renaming {
			b.WriteString(t.Selected.Render(row) + "\n")
		} else if n == cur {
			b.WriteString(t.Accent.Render(row) + "\n")
		} else {
			b.WriteString(t.Subtle.Render(row) + "\n")
		}
	}
	if s.c.noColor || s.c.profileMono {
		b.WriteString("\n" + t.Muted.Render(wrap("Your terminal asked for no colour (NO_COLOR), so polis draws in mono for now; your choice is kept for other terminals.", max(min(s.w, 76), 1))) + "\n")
	}
	b.WriteString("\n" + t.Label.Render("Leaving   ") + t.Muted.Render("press L to leave the community") + "\n")
	return b.String()
}

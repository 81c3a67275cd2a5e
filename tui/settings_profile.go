package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// The public face of a member: whether visitors see their name in the
// census, and the country they declare (counted only where enough members
// share it). Both are the member's own choice and go to the log like any
// other change.

func (s *settings) toggleListed() tea.Cmd {
	want := !s.c.snap.me.Listed
	ok := "visitors now see your name in the census"
	if !want {
		ok = "visitors no longer see your name; they see you counted, unnamed"
	}
	return s.c.submit(ok, state.SetListed{Listed: want})
}

func (s *settings) openCountry() tea.Cmd {
	s.placing = true
	s.country.SetValue(s.c.snap.me.Country)
	s.country.CursorEnd()
	return s.country.Focus()
}

func (s *settings) closeCountry() {
	s.placing = false
	s.country.Blur()
}

func (s *settings) updateCountry(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.keyCancel):
			s.closeCountry()
			return nil
		case key.Matches(k, s.keySaveCC):
			cc := strings.ToUpper(strings.TrimSpace(s.country.Value()))
			if cc == s.c.snap.me.Country {
				s.closeCountry()
				return nil
			}
			ok := "your country is now " + cc
			if cc == "" {
				ok = "your country is cleared"
			}
			// The hub checks the code and says what is wrong with it; the
			// box stays open with what was typed until it is accepted.
			return s.c.submitAs("country", ok, state.SetCountry{Country: cc})
		}
	}
	var cmd tea.Cmd
	s.country, cmd = s.country.Update(msg)
	return cmd
}

// profileView is the rows for the public profile and the charter.
func (s *settings) profileView(t *themes.Theme) string {
	me := s.c.snap.me
	var b strings.Builder
	b.WriteString(t.Label.Render("Visitors  "))
	if me.Listed {
		b.WriteString(t.Text.Render("see your name") + t.Muted.Render("   press v to hide it") + "\n")
	} else {
		b.WriteString(t.Text.Render("see you counted, not named") + t.Muted.Render("   press v to show your name") + "\n")
	}
	b.WriteString(t.Label.Render("Country   "))
	switch {
	case s.placing:
		b.WriteString(s.country.View() + "\n")
		b.WriteString(t.Muted.Render(clip("          a two-letter code such as PT or DE · enter saves, empty clears · esc keeps it", max(s.w, 1))) + "\n")
	case me.Country != "":
		b.WriteString(t.Text.Render(line(me.Country)) + t.Muted.Render(fmt.Sprintf("   press o to change it · shown only where %d or more members share it", state.CensusCountryMin)) + "\n")
	default:
		b.WriteString(t.Muted.Render("not declared   press o to set it") + "\n")
	}
	if ch := s.c.snap.charter; ch != nil {
		b.WriteString(t.Label.Render("Charter   "))
		if due := s.c.consentDue(); due != 0 {
			b.WriteString(t.Warn.Render(fmt.Sprintf("v%d awaits your consent", due)) + t.Muted.Render("   press C to read it") + "\n")
		} else {
			b.WriteString(t.Good.Render(fmt.Sprintf("v%d ✓", ch.Version)) + t.Muted.Render(consentedOn(me)+"   press C to read it") + "\n")
		}
	}
	return b.String()
}

func consentedOn(m state.Member) string {
	if m.ConsentTime == 0 {
		return ""
	}
	return " since " + state.Day(m.ConsentTime)
}

// readersView says who reads what, from the hub's one table of read rules
// (state.ReadRules): what visitors and the public reach, what every member
// does, and what is the member's alone.
func (s *settings) readersView(t *themes.Theme) string {
	var b strings.Builder
	w := max(s.w-12, 10)
	for _, a := range []state.Audience{state.Public, state.Members, state.Owner} {
		var what []string
		for _, r := range state.AudienceRules(a) {
			if r.What != state.ReadSelf { // a visitor's own application: not the member's concern
				what = append(what, r.Short)
			}
		}
		verb := "read "
		if a == state.Public {
			verb = "reads "
		}
		for i, l := range strings.Split(wrap(verb+strings.Join(what, ", "), w), "\n") {
			head := "          "
			if i == 0 {
				head = fmt.Sprintf("%-10s", upperFirst(a.String()))
			}
			b.WriteString(t.Label.Render(head) + t.Text.Render(l) + "\n")
		}
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// leaveFlow asks two things before a member leaves: how the record should
// name them from now on, and whether they really mean it. Above both it
// says how to take their record first, because once they have left this
// key can no longer ask for it.
type leaveFlow struct {
	anon, sure bool
	fields     [2]*huh.Confirm
	focus      int
	keymap     *huh.KeyMap
	styles     *huh.Styles
	busy       bool

	keyMove, keyChoose, keyAnswer, keyCancel key.Binding
}

func newLeaveFlow(t *themes.Theme, hub string) *leaveFlow {
	l := &leaveFlow{keymap: huh.NewDefaultKeyMap(), styles: huhStyles(t),
		keyMove:   bind([]string{"tab", "shift+tab"}, "tab", "next question"),
		keyChoose: bind([]string{"left", "right"}, "←/→", "choose"),
		keyAnswer: bind([]string{"enter"}, "enter", "answer"),
		keyCancel: bind([]string{"esc"}, "esc", "stay"),
	}
	theme := huh.ThemeFunc(func(bool) *huh.Styles { return l.styles })
	l.fields[0] = huh.NewConfirm().Title("How should the record name you afterwards?").
		Description("What you did stays in the chain either way.").
		Affirmative(`as "former member"`).Negative("by my name").Value(&l.anon)
	l.fields[1] = huh.NewConfirm().Title("Leave " + hub + " now?").
		Description("Your open votes, delegations, future bookings and pledges are withdrawn, and this key stops opening the app. Coming back takes a new invite.").
		Affirmative("Leave").Negative("Stay").Value(&l.sure)
	for i, f := range l.fields {
		f.WithKeyMap(l.keymap)
		f.WithTheme(theme)
		f.WithPosition(huh.FieldPosition{Field: i, LastField: 1})
		f.WithButtonAlignment(lipgloss.Left)
	}
	l.fields[0].Focus()
	return l
}

func (l *leaveFlow) setFocus(i int) {
	l.fields[l.focus].Blur()
	l.focus = i
	l.fields[i].Focus()
}

// update takes one key; done reports that the second question was
// answered, with l.sure saying how.
func (l *leaveFlow) update(k tea.KeyPressMsg) (done bool) {
	if l.busy {
		return false
	}
	ck := l.keymap.Confirm
	l.fields[l.focus].Update(k)
	switch {
	case l.focus == 0 && key.Matches(k, ck.Next, ck.Submit, ck.Accept, ck.Reject):
		l.setFocus(1)
	case l.focus == 1 && key.Matches(k, ck.Prev):
		l.setFocus(0)
	case l.focus == 1 && key.Matches(k, ck.Submit, ck.Accept, ck.Reject):
		return true
	}
	return false
}

func (l *leaveFlow) view(t *themes.Theme, sshCmd string, w int) string {
	var b strings.Builder
	b.WriteString(t.Heading.Render("Leave the community") + "\n\n")
	b.WriteString(t.Text.Render(wrap("Take your record first: it lists what you did here, with a receipt for each, and this key cannot ask for it once you have left.", w)) + "\n")
	b.WriteString("  " + t.Code.Render(" "+clip(sshCmd+" record --json > my-record.json", max(w-4, 1))+" ") + "\n\n")
	for i, f := range l.fields {
		f.WithWidth(w)
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(f.View() + "\n")
	}
	if l.busy {
		b.WriteString("\n" + t.Muted.Render("leaving…"))
	} else {
		b.WriteString("\n" + t.Muted.Render(clip("tab moves between the questions · enter answers · esc stays", w)))
	}
	return b.String()
}

func (s *settings) openLeave() tea.Cmd {
	s.leaving = newLeaveFlow(s.c.theme, s.c.hubName())
	return nil
}

func (s *settings) updateLeave(msg tea.Msg) tea.Cmd {
	l := s.leaving
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
		return nil
	case key.Matches(k, l.keyCancel) && !l.busy:
		s.leaving = nil
		return nil
	case !l.update(k):
		return nil
	case !l.sure:
		s.leaving = nil
		s.c.status, s.c.statusErr = "good: you are staying", false
		return nil
	}
	l.busy = true
	s.c.leftAs = s.c.snap.me.Name
	if s.c.leaving != nil {
		s.c.leaving()
	}
	// The app shows its goodbye when this result comes back (see App).
	return s.c.submitAs("leave", "you have left "+s.c.hubName(), state.Leave{Anonymous: l.anon})
}

// result lets the member answer again, or stay, when leaving was refused.
func (s *settings) result(msg resultMsg) tea.Cmd {
	if msg.tag == "leave" && msg.err != nil && s.leaving != nil {
		s.leaving.busy = false
	}
	if msg.tag == "country" && msg.err == nil {
		s.closeCountry()
	}
	if s.keys != nil {
		s.keys.result(msg)
	}
	return nil
}

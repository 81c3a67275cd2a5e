package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// goodbye is the last screen of a member who left in this session. Once
// the log has them as gone, their key is a visitor's; without this screen
// the app would drop them onto the visitor screen with no word about what
// happened to their record.
type goodbye struct {
	name      string
	anonymous bool
	keyOn     key.Binding
	keyQuit   key.Binding
}

func newGoodbye(name string, anonymous bool) *goodbye {
	return &goodbye{name: name, anonymous: anonymous,
		keyOn:   bind([]string{"enter"}, "enter", "visitor screen"),
		keyQuit: bind([]string{"q", "ctrl+c", "esc"}, "q", "close the session"),
	}
}

func (g *goodbye) ShortHelp() []key.Binding  { return []key.Binding{g.keyOn, g.keyQuit} }
func (g *goodbye) FullHelp() [][]key.Binding { return [][]key.Binding{g.ShortHelp()} }

// updateGoodbye handles keys while the goodbye is on screen.
func (a *App) updateGoodbye(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
		return nil
	case key.Matches(k, a.bye.keyQuit):
		return quit
	case key.Matches(k, a.bye.keyOn) && a.visitor != nil:
		a.bye = nil
		a.c.status, a.c.statusErr = "", false
		a.resize()
	}
	return nil
}

func (a *App) goodbyeView() string {
	t, g := a.c.theme, a.bye
	w := max(min(a.width-2, 76), 1)
	hub := a.c.hubName()
	named := "Your name stays on what you did."
	if g.anonymous {
		named = `From now on the record names you as "former member".`
	}
	para := func(s string) string { return t.Text.Render(wrap(s, w)) }
	var b strings.Builder
	b.WriteString(t.TitleApp.Render("polis") + " " + t.TitleHub.Render(clip(hub, max(a.width-10, 0))) + "\n")
	b.WriteString(t.Rule.Render(repeat("─", a.width)) + "\n\n")
	b.WriteString(indent(t.Heading.Render("Goodbye, "+clip(line(g.name), max(w-10, 1))+"."), 1) + "\n\n")
	for _, p := range []string{
		"You have left " + hub + ". This key no longer opens the member app.",
		"What you did here stays in the signed chain: history is not rewritten. " + named,
		"Your open votes, delegations, future bookings and pledges were withdrawn, each by its own event, so every member reading the log sees exactly what went with you. Your drafts and your theme, which were yours alone, are deleted.",
	} {
		b.WriteString(indent(para(p), 1) + "\n\n")
	}
	b.WriteString(indent(t.Subtle.Render(wrap("The members keep the whole log and can check it. This key, a visitor's now, can still fetch the signed checkpoints and check a receipt from your record against them:", w)), 1) + "\n")
	for _, cmd := range []string{a.c.sshCmd + " chain head", "polis verify --receipt RECEIPT.json --key KEY"} {
		b.WriteString("   " + t.Code.Render(" "+clip(cmd, max(w-4, 1))+" ") + "\n")
	}
	body := b.String()
	hm := help.New()
	hm.Styles = helpStyles(t)
	helpLine := indent(hm.View(g), 1)
	status := statusLine(t, t.StatusName.Render("visitor"), "", a.c.status, a.c.statusErr, a.width)
	return fit(body, a.width, max(a.height-3, 0)) + "\n\n" + helpLine + "\n" + status
}

// leftAnonymously reads the choice back from the events that were written.
func leftAnonymously(evs []state.Event) bool {
	for _, ev := range evs {
		if l, ok := ev.Body.(*state.MemberLeft); ok {
			return l.Anonymous
		}
	}
	return false
}

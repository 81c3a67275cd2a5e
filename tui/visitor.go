package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
)

// visitor is what an unknown key sees: the public census and two ways in,
// redeeming an invite or applying. Nothing members-only is ever loaded for
// it (see loadSnapshot).
type visitor struct {
	c      *common
	help   help.Model
	redeem *form
	apply  *form
	open   *form // the form on screen, if any
	// prompt is the charter, shown between filling in a form and
	// sending it when the hub has one: joining needs consent to it.
	prompt *charterPrompt
	w, h   int

	keyRedeem, keyApply, keyHelp, keyQuit, keyForce key.Binding
}

func newVisitor(c *common) *visitor {
	return &visitor{c: c, help: help.New(),
		redeem: newForm("Redeem an invite", "Got a code from a member? Enter it with the name you want to be known by.",
			field{label: "Invite code", placeholder: "xxxx-xxxx-xxxx-xxxx", limit: 64},
			field{label: "Your name", placeholder: "how members will see you", limit: state.MaxNameLen}),
		apply: newForm("Apply to join", "No code? Tell the community who you are: its members can read this with your key, and a steward decides.",
			field{label: "Your name", placeholder: "how members will see you", limit: state.MaxNameLen},
			field{label: "A few words", placeholder: "who you are and why you'd like to join", limit: 280}),
		keyRedeem: bind([]string{"i"}, "i", "redeem invite"),
		keyApply:  bind([]string{"a"}, "a", "apply"),
		keyHelp:   bind([]string{"?"}, "?", "more help"),
		keyQuit:   bind([]string{"q"}, "q", "quit"),
		keyForce:  bind([]string{"ctrl+c"}, "ctrl+c", "quit"),
	}
}

func (v *visitor) canApply() bool {
	a := v.c.snap.ownApp
	return a == nil || a.Status == state.AppRejected
}

func (v *visitor) ShortHelp() []key.Binding {
	if v.prompt != nil {
		return v.prompt.ShortHelp()
	}
	if v.open != nil {
		return v.open.keys()
	}
	out := []key.Binding{v.keyRedeem}
	if v.canApply() {
		out = append(out, v.keyApply)
	}
	return append(out, v.keyHelp, v.keyQuit)
}

func (v *visitor) FullHelp() [][]key.Binding {
	if v.prompt != nil {
		return append(v.prompt.FullHelp(), []key.Binding{v.keyForce})
	}
	if v.open != nil {
		f := v.open
		return [][]key.Binding{{f.keySubmit, f.keyNext, f.keyPrev, f.keyCancel}, {v.keyForce}}
	}
	return [][]key.Binding{v.ShortHelp(), {v.keyForce}}
}

func (v *visitor) refresh() {
	t := v.c.theme
	v.help.Styles = helpStyles(t)
	v.redeem.restyle(t)
	v.apply.restyle(t)
	if v.open == v.apply && !v.canApply() {
		v.open, v.prompt = nil, nil // applied from another session meanwhile
	}
	if p := v.prompt; p != nil {
		p.restyle(t)
		switch ch := v.c.snap.charter; {
		case ch == nil:
			v.prompt = nil
		case !p.busy && p.setCharter(*ch):
			v.c.status, v.c.statusErr = fmt.Sprintf("the charter changed while you were reading: this is version %d", ch.Version), false
		}
	}
}

func (v *visitor) SetSize(w, h int) {
	v.w, v.h = w, h
	v.help.SetWidth(max(w-2, 0))
	fw := min(max(w-8, 10), 60)
	v.redeem.setWidth(fw)
	v.apply.setWidth(fw)
	if v.prompt != nil {
		v.prompt.setSize(max(w-2, 1), max(h-v.chrome(), 1))
	}
}

// chrome is how many lines the title, rule, help and status bar take.
func (v *visitor) chrome() int { return 2 + 1 + lipgloss.Height(v.help.View(v)) + 1 }

func (v *visitor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case resultMsg:
		if v.open != nil && v.open.busy {
			v.open.busy = false
			// Whether it went in or not, the form is next: most refusals
			// are about a code or a name.
			v.prompt = nil
			if msg.err == nil {
				v.open = nil
			}
		}
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, v.keyForce) {
			return quit
		}
		if v.open == nil {
			v.c.status, v.c.statusErr = "", false
			switch {
			case key.Matches(msg, v.keyQuit):
				return quit
			case key.Matches(msg, v.keyHelp):
				v.help.ShowAll = !v.help.ShowAll
				return nil
			case key.Matches(msg, v.keyRedeem):
				v.open = v.redeem
				return v.open.start()
			case key.Matches(msg, v.keyApply) && v.canApply():
				v.open = v.apply
				return v.open.start()
			}
			return nil
		}
	}
	if v.open == nil {
		return nil
	}
	if v.prompt != nil {
		return v.updatePrompt(msg)
	}
	submit, cancel, cmd := v.open.update(msg)
	switch {
	case cancel:
		v.open = nil
		return nil
	case submit:
		return v.send()
	}
	return cmd
}

func (v *visitor) send() tea.Cmd {
	vals := v.open.values()
	if vals[0] == "" || vals[1] == "" {
		v.c.status, v.c.statusErr = "please fill in both fields", true
		return nil
	}
	if ch := v.c.snap.charter; ch != nil {
		// Nothing is sent until the newcomer has read the charter and
		// said yes to the version on screen.
		v.prompt = newCharterPrompt(v.c.theme, *ch, promptJoin, v.c.md)
		v.SetSize(v.w, v.h)
		return nil
	}
	return v.submit(0)
}

// submit sends the open form with consent to charter version consent (0:
// the hub has none).
func (v *visitor) submit(consent int) tea.Cmd {
	vals := v.open.values()
	v.open.busy = true
	v.c.status, v.c.statusErr = "", false
	if v.open == v.redeem {
		return v.c.submit("welcome to "+v.c.hubName(), state.Join{CodeHash: state.HashCode(vals[0]), Name: vals[1], Consent: consent})
	}
	return v.c.submit("application sent: a steward will look at it", state.ApplyToJoin{Name: vals[0], Text: vals[1], Consent: consent})
}

func (v *visitor) updatePrompt(msg tea.Msg) tea.Cmd {
	p := v.prompt
	switch p.update(msg) {
	case answerYes:
		p.busy = true
		return v.submit(p.charter.Version)
	case answerNo:
		v.c.status, v.c.statusErr = "joining needs your consent to the charter", true
	case answerBack:
		v.prompt = nil
		v.SetSize(v.w, v.h)
	}
	return nil
}

func (v *visitor) View() string {
	t, s := v.c.theme, v.c.snap
	w := v.w
	title := t.TitleApp.Render("polis") + " " + t.TitleHub.Render(clip(v.c.hubName(), max(w-20, 0)))
	top := []string{
		spread(title, t.TitleMeta.Render("visitor "), w),
		t.Rule.Render(repeat("─", w)),
	}
	intro := t.Heading.Render("Welcome to "+clip(v.c.hubName(), max(w-14, 1))) + "\n" +
		t.Subtle.Render(wrap(fmt.Sprintf("This hub is for its members, and your key (%s) is not one of theirs yet.",
			short(line(v.c.who.Fingerprint))), max(w-2, 1)))

	helpView := indent(v.help.View(v), 1)
	name := t.StatusName.Render("visitor")
	info := t.StatusInfo.Render(fmt.Sprintf("%d events", s.size))
	if lipgloss.Width(name)+lipgloss.Width(info) > w {
		info = ""
	}
	// A message too long for the bar wraps above it, as in the shell: a
	// refusal cut mid-word tells a visitor nothing.
	msg, gap := v.c.status, ""
	if room := w - lipgloss.Width(name) - lipgloss.Width(info) - 2; msg != "" && ansi.StringWidth(msg) > room && w >= 8 {
		st := t.StatusOK
		if v.c.statusErr {
			st = t.StatusError
		}
		lines := wrapMessage(msg, w-2, msgCap(v.h, true))
		for i, l := range lines {
			lines[i] = " " + st.UnsetPadding().Render(l)
		}
		msg, gap = "", strings.Join(lines, "\n")
	}
	bodyH := max(v.h-len(top)-lipgloss.Height(helpView)-1-lipgloss.Height(gap), 0)
	frame := func(body string) string {
		return strings.Join(append(top,
			fit(indent(body, 1), w, bodyH),
			gap,
			helpView,
			statusLine(t, name, info, msg, v.c.statusErr, w),
		), "\n")
	}
	if v.prompt != nil {
		return frame(v.prompt.View())
	}
	room := v.h - len(top) - lipgloss.Height(helpView) - 2 - lipgloss.Height(intro) - 1
	right := v.joinPanel()
	if v.open != nil {
		rw := min(max(w-2, 6), 66)
		right = panel(t, v.open.title, v.open.view(t, rw-4), rw, 0)
	}
	census := v.censusPanel(max(room-4, 1))
	blocks := sideBySide(max(w-2, 0), 2, right, census)
	if v.open != nil && lipgloss.Width(blocks) < lipgloss.Width(right)+lipgloss.Width(census) {
		blocks = right // a narrow screen keeps the form whole
	}
	return frame(intro + "\n\n" + blocks)
}

func (v *visitor) joinPanel() string {
	t, s := v.c.theme, v.c.snap
	rows := []string{t.Accent.Render("i") + "  " + t.Text.Render("redeem an invite code")}
	switch a := s.ownApp; {
	case a == nil:
		rows = append(rows, t.Accent.Render("a")+"  "+t.Text.Render("apply to join"))
	case a.Status == state.AppPending:
		rows = append(rows, "", t.Warn.Render(fmt.Sprintf("Your application #%d is waiting", a.ID)),
			t.Muted.Render(fmt.Sprintf("sent %s as %s;", state.Day(a.Submitted), clip(line(a.Name), 24))),
			t.Muted.Render("a steward will decide soon."))
	case a.Status == state.AppRejected:
		rows = append(rows, t.Accent.Render("a")+"  "+t.Text.Render("apply to join"), "",
			t.Muted.Render(fmt.Sprintf("Your application #%d was declined.", a.ID)))
	}
	return panel(t, "Join", strings.Join(rows, "\n"), 0, 0)
}

// censusPanel is the public count: how many, who chose to be named, how
// alive the community is, and whether joining means consenting to a
// charter.
func (v *visitor) censusPanel(rows int) string {
	t, s := v.c.theme, v.c.snap
	var tail []string
	if s.unlisted > 0 {
		tail = append(tail, t.Muted.Render(fmt.Sprintf("%d not listed by name", s.unlisted)))
	}
	if f := s.figures; f != nil {
		tail = append(tail, t.Subtle.Render(fmt.Sprintf("%d active in the last %d days", f.Figures.Active30, state.ActiveShortDays)),
			t.Muted.Render(fmt.Sprintf("at checkpoint #%d, %s", f.At.Height, plural(int(f.At.Size), "event", "events"))))
	}
	if s.charter != nil {
		tail = append(tail, t.Accent.Render(fmt.Sprintf("charter v%d", s.charter.Version))+
			t.Muted.Render(": you read it before you join"))
	}
	lines := []string{t.Text.Render(plural(s.count, "member", "members"))}
	room := max(rows-1-len(tail), 0)
	show := len(s.census)
	if show > room {
		show = max(room-1, 0)
	}
	for _, m := range s.census[:show] {
		lines = append(lines, t.Muted.Render(fmt.Sprintf("#%-3d ", m.ID))+t.Subtle.Render(clip(line(m.Name), 24))+
			t.Muted.Render("  since "+m.Joined))
	}
	if show < len(s.census) {
		lines = append(lines, t.Muted.Render(fmt.Sprintf("… and %d more", len(s.census)-show)))
	}
	return panel(t, "Census", strings.Join(append(lines, tail...), "\n"), 0, 0)
}

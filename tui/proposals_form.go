package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

func (p *proposalsTab) openForm() tea.Cmd {
	f := &propForm{
		title:     newInput("what should the community decide?", state.MaxTitleLen),
		body:      textarea.New(),
		keyNext:   bind([]string{"tab"}, "tab", "next field"),
		keyPrev:   bind([]string{"shift+tab"}, "shift+tab", "previous field"),
		keySend:   bind([]string{"ctrl+s"}, "ctrl+s", "open for votes"),
		keyCancel: bind([]string{"esc"}, "esc", "cancel"),
	}
	f.body.ShowLineNumbers = false
	f.body.Prompt = ""
	f.body.Placeholder = "why, and what changes if it passes (optional)"
	f.body.CharLimit = state.MaxBodyLen
	f.body.MaxHeight = 1000
	f.body.MaxContentHeight = 2000
	_ = p.c.hub.View(func(r state.Reader) error {
		if k, ok := state.RulesFor(r, state.KindText); ok {
			f.rules = fmt.Sprintf("Voting stays open %s. It needs %s of members taking part and passes with %s yes.",
				duration(time.Duration(k.PeriodMS)*time.Millisecond), pct(k.QuorumBP), pct(k.ThresholdBP))
		}
		return nil
	})
	f.restyle(p.c.theme)
	p.form = f
	return f.title.Focus()
}

func (f *propForm) restyle(t *themes.Theme) {
	f.title.SetStyles(inputStyles(t))
	st := textarea.DefaultStyles(t.Palette.Dark)
	for _, s := range []*textarea.StyleState{&st.Focused, &st.Blurred} {
		s.Base, s.Text, s.CursorLine, s.Placeholder = lipgloss.NewStyle(), t.InputText, t.InputText, t.InputHint
		s.EndOfBuffer, s.Prompt = t.InputHint, t.InputPrompt
		s.CursorLineNumber, s.LineNumber = t.InputHint, t.InputHint
	}
	st.Blurred.Text, st.Blurred.CursorLine = t.Subtle, t.Subtle
	st.Cursor.Blink = false
	if !t.Mono {
		st.Cursor.Color = t.Palette.Accent
	}
	f.body.SetStyles(st)
}

func (f *propForm) keys() []key.Binding {
	return []key.Binding{f.keySend, f.keyNext, f.keyCancel}
}

func (f *propForm) setFocus(i int) tea.Cmd {
	f.focus = i
	if i == 0 {
		f.body.Blur()
		return f.title.Focus()
	}
	f.title.Blur()
	return f.body.Focus()
}

func (p *proposalsTab) updateForm(msg tea.Msg) tea.Cmd {
	f := p.form
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, f.keyCancel):
		p.form = nil
		return nil
	case f.busy:
		return nil
	case isKey && (key.Matches(k, f.keyNext) || key.Matches(k, f.keyPrev)):
		return f.setFocus(1 - f.focus)
	case isKey && key.Matches(k, f.keySend):
		title := strings.TrimSpace(f.title.Value())
		if title == "" {
			p.c.status, p.c.statusErr = "a proposal needs a title", true
			return f.setFocus(0)
		}
		f.busy = true
		return p.c.submitAs("new", "your proposal is open for votes",
			state.NewProposal{Kind: state.KindText, Title: title, Body: strings.TrimSpace(f.body.Value()), Method: state.MethodYesNo})
	case isKey && f.focus == 0 && k.String() == "enter":
		return f.setFocus(1)
	}
	var cmd tea.Cmd
	if f.focus == 0 {
		f.title, cmd = f.title.Update(msg)
	} else {
		f.body, cmd = f.body.Update(msg)
	}
	return cmd
}

func (p *proposalsTab) formView(t *themes.Theme) string {
	f := p.form
	w := max(min(p.w, 80), 1)
	f.title.SetWidth(max(w-2, 1))
	f.body.SetWidth(max(w-2, 1))
	var b strings.Builder
	b.WriteString(t.Heading.Render("New proposal") + "  " + t.Muted.Render("text · decided yes/no") + "\n\n")
	if f.rules != "" {
		b.WriteString(t.Subtle.Render(wrap(f.rules, w)) + "\n\n")
	}
	label := func(i int, s string) string {
		if f.focus == i {
			return t.Accent.Render(s)
		}
		return t.Label.Render(s)
	}
	b.WriteString(label(0, "Title") + "\n")
	b.WriteString(t.InputPrompt.Render("› ") + f.title.View() + "\n\n")
	b.WriteString(label(1, "Body") + "\n")
	// The body takes what is left above the hint line.
	used := strings.Count(b.String(), "\n") + 1
	f.body.SetHeight(max(min(p.h-used-1, 16), 1))
	b.WriteString(indent(f.body.View(), 2) + "\n")
	if f.busy {
		b.WriteString(t.Muted.Render("sending…"))
	} else {
		b.WriteString(t.Muted.Render(clip("tab switches field · ctrl+s opens it for votes · esc cancels", w)))
	}
	return b.String()
}

// --- list ---

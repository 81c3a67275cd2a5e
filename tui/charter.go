package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// promptMode is why the charter is on screen.
type promptMode int

const (
	promptJoin  promptMode = iota // a visitor joining: no consent, no membership
	promptLogin                   // a member asked about a new version: "not now" is fine
	promptRead                    // a member rereading the version they consented to
)

// answer is what the person did with the prompt.
type answer int

const (
	answerNone answer = iota
	answerYes         // chose "I consent" and confirmed
	answerNo          // chose the other button and confirmed
	answerBack        // esc
)

// charterPrompt shows one charter version, rendered and sanitised, and asks
// for consent with a huh Confirm: a two-button choice with no cursor to
// blink, so an open prompt costs nothing while the person reads.
type charterPrompt struct {
	mode    promptMode
	charter state.Charter
	agree   bool
	confirm *huh.Confirm
	keymap  *huh.KeyMap
	styles  *huh.Styles // read by the Confirm on every View; see restyle
	vp      viewport.Model
	md      markdown
	client  *mdClient
	busy    bool
	w, h    int
	laidOut [3]int // width, height and version the viewport was filled for
	theme   *themes.Theme

	keyScroll, keyPage, keyChoose, keyAnswer, keyYes, keyBack key.Binding
}

func newCharterPrompt(t *themes.Theme, c state.Charter, mode promptMode, md *mdClient) *charterPrompt {
	p := &charterPrompt{mode: mode, keymap: huh.NewDefaultKeyMap(), vp: viewport.New(), client: md,
		keyScroll: bind([]string{"up", "down", "k", "j"}, "↑/↓", "scroll"),
		keyPage:   bind([]string{"pgup", "pgdown"}, "pgup/pgdn", "page"),
		keyChoose: bind([]string{"left", "right", "h", "l"}, "←/→", "choose"),
		keyAnswer: bind([]string{"enter"}, "enter", "answer"),
		keyYes:    bind([]string{"y"}, "y", "I consent"),
		keyBack:   bind([]string{"esc"}, "esc", "back"),
	}
	p.vp.MouseWheelEnabled = false
	// h and l choose a button; the charter only scrolls up and down.
	p.vp.KeyMap.Left.SetEnabled(false)
	p.vp.KeyMap.Right.SetEnabled(false)
	p.vp.KeyMap.HalfPageUp.SetEnabled(false)
	p.vp.KeyMap.HalfPageDown.SetEnabled(false)
	switch mode {
	case promptLogin:
		p.keyBack = bind([]string{"esc"}, "esc", "not now")
	case promptRead:
		p.keyBack = bind([]string{"esc", "enter"}, "esc", "close")
	}
	p.restyle(t)
	p.setCharter(c)
	return p
}

// setCharter shows version c. A different version than the one on screen
// starts over: consent is to the text shown, never to one read earlier.
func (p *charterPrompt) setCharter(c state.Charter) (changed bool) {
	if p.confirm != nil && c.Version == p.charter.Version {
		return false
	}
	p.charter, p.agree = c, false
	p.laidOut = [3]int{}
	p.vp.GotoTop()
	title, desc, yes, no := "Do you consent to this charter?",
		"Joining means agreeing to it; you can leave whenever you want.", "I consent", "Not yet"
	if p.mode == promptLogin {
		title = fmt.Sprintf("Do you consent to charter v%d?", c.Version)
		desc = "Not now keeps the app open; press C to answer later."
		no = "Not now"
	}
	p.confirm = huh.NewConfirm().Title(title).Description(desc).Affirmative(yes).Negative(no).Value(&p.agree)
	p.confirm.WithKeyMap(p.keymap)
	// The only field: enter answers, tab is not a way out.
	p.confirm.WithPosition(huh.FieldPosition{})
	p.confirm.WithButtonAlignment(lipgloss.Left)
	p.confirm.WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return p.styles }))
	p.confirm.Focus()
	return true
}

func (p *charterPrompt) restyle(t *themes.Theme) {
	if p.styles != nil && p.theme.Name == t.Name && p.theme.Mono == t.Mono {
		return
	}
	p.theme, p.styles = t, huhStyles(t)
	p.laidOut = [3]int{}
}

// huhStyles dresses huh's fields in the app's theme, so the prompt looks
// like the rest of the app and a mono theme stays colourless.
func huhStyles(t *themes.Theme) *huh.Styles {
	s := huh.ThemeBase(t.Palette.Dark)
	button := lipgloss.NewStyle().Padding(0, 2).MarginRight(1)
	f := &s.Focused
	f.Title, f.Description = t.Heading, t.Subtle
	f.ErrorIndicator = t.Bad.SetString(" *")
	f.ErrorMessage = t.Bad
	if t.Mono {
		f.FocusedButton = button.Reverse(true).Bold(true)
		f.BlurredButton = button.Faint(true)
	} else {
		f.Base = f.Base.BorderForeground(t.Palette.Accent)
		f.FocusedButton = button.Foreground(t.Palette.AccentText).Background(t.Palette.Accent).Bold(true)
		f.BlurredButton = button.Foreground(t.Palette.Subtle).Background(t.Palette.Surface)
	}
	s.Blurred = s.Focused
	s.Blurred.Base = s.Blurred.Base.BorderStyle(lipgloss.HiddenBorder())
	return s
}

func (p *charterPrompt) setSize(w, h int) { p.w, p.h = w, h }

func (p *charterPrompt) ShortHelp() []key.Binding {
	if p.mode == promptRead {
		return []key.Binding{p.keyScroll, p.keyBack}
	}
	return []key.Binding{p.keyScroll, p.keyChoose, p.keyAnswer, p.keyBack}
}

func (p *charterPrompt) FullHelp() [][]key.Binding {
	if p.mode == promptRead {
		return [][]key.Binding{{p.keyScroll, p.keyPage, p.keyBack}}
	}
	return [][]key.Binding{{p.keyScroll, p.keyPage}, {p.keyChoose, p.keyAnswer, p.keyYes, p.keyBack}}
}

// update takes one key and reports what the person answered, if anything.
func (p *charterPrompt) update(msg tea.Msg) answer {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return answerNone
	}
	vk := p.vp.KeyMap
	switch {
	case key.Matches(k, p.keyBack):
		return answerBack
	case key.Matches(k, vk.Up, vk.Down, vk.PageUp, vk.PageDown):
		p.layout()
		p.vp, _ = p.vp.Update(k)
		return answerNone
	case p.mode == promptRead || p.busy:
		return answerNone
	}
	// The Confirm moves its own value; which keys end the question is
	// decided here, so the prompt needs no form around it.
	p.confirm.Update(k)
	ck := p.keymap.Confirm
	if key.Matches(k, ck.Submit, ck.Accept, ck.Reject) {
		if p.agree {
			return answerYes
		}
		return answerNo
	}
	return answerNone
}

// layout fills the viewport with the charter at the current width and
// height; it is cheap when nothing changed.
func (p *charterPrompt) layout() {
	tw := max(min(p.w, 84), 1)
	// The question wraps at the width it is given, so its height is
	// known only after.
	p.confirm.WithWidth(tw)
	vh := max(p.h-p.chromeHeight(), 1)
	if p.laidOut == [3]int{tw, vh, p.charter.Version} && !p.md.stale() {
		return
	}
	p.laidOut = [3]int{tw, vh, p.charter.Version}
	p.vp.SetWidth(tw)
	p.vp.SetHeight(vh)
	p.vp.SetContent(p.md.render(p.client, p.theme, p.charter.Text, tw))
}

// chromeHeight is the lines around the charter: heading, blank, scroll
// hint, blank and the question.
func (p *charterPrompt) chromeHeight() int {
	if p.mode == promptRead {
		return 4
	}
	return 4 + lipgloss.Height(p.confirm.View())
}

func (p *charterPrompt) View() string {
	p.layout()
	t, c := p.theme, p.charter
	w := max(p.w, 1)
	head := t.Heading.Render(fmt.Sprintf("Charter v%d", c.Version)) + "  " + t.Muted.Render(charterOrigin(c))
	var b strings.Builder
	b.WriteString(clip(head, w) + "\n\n")
	b.WriteString(p.vp.View() + "\n")
	hint := ""
	if p.vp.TotalLineCount() > p.vp.VisibleLineCount() {
		hint = fmt.Sprintf("↑/↓ to read on · %d%%", int(p.vp.ScrollPercent()*100))
	}
	b.WriteString(t.Muted.Render(clip(hint, w)) + "\n")
	switch {
	case p.mode == promptRead:
		b.WriteString(t.Good.Render(clip(fmt.Sprintf("✓ you consented to charter v%d", c.Version), w)))
	case p.busy:
		b.WriteString("\n" + t.Muted.Render("sending…"))
	default:
		b.WriteString("\n" + p.confirm.View())
	}
	return b.String()
}

// charterOrigin says when and how a version was adopted.
func charterOrigin(c state.Charter) string {
	s := "adopted " + state.Day(c.Adopted)
	if c.Proposal != 0 {
		s += fmt.Sprintf(" by proposal #%d", c.Proposal)
	}
	return s
}

package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
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
	answerYes         // typed the consent word and pressed enter
	answerNo          // pressed enter on anything else
	answerBack        // esc
)

// consentWord is what a person types to consent. Consent is a permanent
// act in the community's log, so no single key, and no key that belongs to
// what they were typing a moment before, may give it: a word typed on
// purpose and enter.
const consentWord = "consent"

// charterPrompt shows one charter version, rendered and sanitised, and asks
// for consent: the person types the word and presses enter. Arrow keys and
// page keys scroll; letters only ever reach the input.
type charterPrompt struct {
	mode    promptMode
	charter state.Charter
	input   textinput.Model
	wrong   bool // enter was pressed on something other than the word
	vp      viewport.Model
	md      markdown
	client  *mdClient
	busy    bool
	w, h    int
	laidOut [3]int // width, height and version the viewport was filled for
	theme   *themes.Theme
	// changes is the diff from the version before, shown first when the
	// member is asked about an amendment; empty otherwise.
	changes string

	keyScroll, keyPage, keyAnswer, keyBack key.Binding
}

func newCharterPrompt(t *themes.Theme, c state.Charter, mode promptMode, md *mdClient) *charterPrompt {
	p := &charterPrompt{mode: mode, vp: viewport.New(), input: newInput("", len(consentWord)+8), client: md,
		keyScroll: bind([]string{"up", "down"}, "↑/↓", "scroll"),
		keyPage:   bind([]string{"pgup", "pgdown"}, "pgup/pgdn", "page"),
		keyAnswer: bind([]string{"enter"}, "enter", "answer"),
		keyBack:   bind([]string{"esc"}, "esc", "back"),
	}
	p.vp.MouseWheelEnabled = false
	// Letters belong to the input: the charter scrolls by arrows and page
	// keys only.
	vk := &p.vp.KeyMap
	vk.Up, vk.Down = bind([]string{"up"}, "↑", "up"), bind([]string{"down"}, "↓", "down")
	vk.PageUp, vk.PageDown = bind([]string{"pgup"}, "pgup", "page up"), bind([]string{"pgdown"}, "pgdn", "page down")
	for _, b := range []*key.Binding{&vk.Left, &vk.Right, &vk.HalfPageUp, &vk.HalfPageDown} {
		b.SetEnabled(false)
	}
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
	if p.laidOut != [3]int{} && c.Version == p.charter.Version {
		return false
	}
	p.charter, p.wrong = c, false
	p.laidOut = [3]int{}
	p.vp.GotoTop()
	p.input.Reset()
	if p.mode != promptRead {
		p.input.Focus()
	}
	return true
}

// question is the lines under the charter that ask for consent.
func (p *charterPrompt) question(w int) string {
	t := p.theme
	title, desc := "Do you consent to this charter?", "Joining means agreeing to it; you can leave whenever you want. Esc goes back to the form."
	if p.mode == promptLogin {
		title = fmt.Sprintf("Do you consent to charter v%d?", p.charter.Version)
		desc = "Not now keeps the app open; press C to answer later (esc)."
	}
	ask := fmt.Sprintf("To consent, type %s and press enter.", consentWord)
	if p.wrong {
		ask = fmt.Sprintf("Only the word %s, then enter, gives your consent.", consentWord)
	}
	askStyle := t.Accent
	if p.wrong {
		askStyle = t.Bad
	}
	return t.Heading.Render(wrap(title, w)) + "\n" +
		t.Subtle.Render(wrap(desc, w)) + "\n" +
		askStyle.Render(wrap(ask, w)) + "\n" +
		t.InputPrompt.Render("› ") + p.input.View()
}

func (p *charterPrompt) restyle(t *themes.Theme) {
	if p.theme != nil && p.theme.Name == t.Name && p.theme.Mono == t.Mono {
		return
	}
	p.theme = t
	p.input.SetStyles(inputStyles(t))
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
	return []key.Binding{p.keyScroll, p.keyAnswer, p.keyBack}
}

func (p *charterPrompt) FullHelp() [][]key.Binding {
	if p.mode == promptRead {
		return [][]key.Binding{{p.keyScroll, p.keyPage, p.keyBack}}
	}
	return [][]key.Binding{{p.keyScroll, p.keyPage}, {p.keyAnswer, p.keyBack}}
}

// update takes one message and reports what the person answered, if
// anything.
func (p *charterPrompt) update(msg tea.Msg) answer {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if p.mode != promptRead && !p.busy {
			p.input, _ = p.input.Update(msg) // paste
		}
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
	case key.Matches(k, p.keyAnswer):
		if strings.EqualFold(strings.TrimSpace(p.input.Value()), consentWord) {
			return answerYes
		}
		p.wrong = true
		p.laidOut = [3]int{} // the question may now wrap differently
		return answerNo
	}
	p.input, _ = p.input.Update(k)
	return answerNone
}

// layout fills the viewport with the charter at the current width and
// height; it is cheap when nothing changed.
func (p *charterPrompt) layout() {
	tw := max(min(p.w, 84), 1)
	p.input.SetWidth(max(tw-3, 1))
	vh := max(p.h-p.chromeHeight(), 1)
	if p.laidOut == [3]int{tw, vh, p.charter.Version} && !p.md.stale() {
		return
	}
	p.laidOut = [3]int{tw, vh, p.charter.Version}
	p.vp.SetWidth(tw)
	p.vp.SetHeight(vh)
	body := p.md.render(p.client, p.theme, p.charter.Text, tw)
	if p.changes != "" {
		t := p.theme
		body = t.Heading.Render(fmt.Sprintf("What changed since v%d", p.charter.Version-1)) + "\n" +
			diffView(t, p.changes, tw) + "\n\n" + t.Heading.Render(fmt.Sprintf("The whole of v%d", p.charter.Version)) + "\n" + body
	}
	p.vp.SetContent(body)
}

// chromeHeight is the lines around the charter: heading, blank, scroll
// hint, blank and the question.
func (p *charterPrompt) chromeHeight() int {
	if p.mode == promptRead {
		return 4
	}
	return 4 + lipgloss.Height(p.question(max(min(p.w, 84), 1)))
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
		b.WriteString("\n" + p.question(max(min(w, 84), 1)))
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

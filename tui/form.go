package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/themes"
)

// form is a few labelled single-line inputs and a submit on the last enter.
// Plain textinputs rather than huh: a form here has two fields, and this
// keeps focus, paste and sizing entirely in our hands.
type form struct {
	title  string
	intro  string
	labels []string
	inputs []textinput.Model
	// picks are the choices of a field picked with the arrow keys (nil for
	// a typed one), at the one picked; typed is the prefix typed to jump.
	picks [][]string
	at    []int
	typed string
	focus int
	busy  bool

	keyNext, keyPrev, keySubmit, keyCancel key.Binding
}

type field struct {
	label, placeholder string
	limit              int
	choices            []string // a picker over these instead of a line of text
	pick               string   // the choice picked at first
}

func newForm(title, intro string, fields ...field) *form {
	f := &form{title: title, intro: intro,
		keyNext:   bind([]string{"tab", "down"}, "tab", "next field"),
		keyPrev:   bind([]string{"shift+tab", "up"}, "shift+tab", "previous field"),
		keySubmit: bind([]string{"enter"}, "enter", "next / send"),
		keyCancel: bind([]string{"esc"}, "esc", "back"),
	}
	for _, fl := range fields {
		f.labels = append(f.labels, fl.label)
		f.inputs = append(f.inputs, newInput(fl.placeholder, fl.limit))
		f.picks = append(f.picks, fl.choices)
		f.at = append(f.at, max(slices.Index(fl.choices, fl.pick), 0))
	}
	return f
}

func (f *form) start() tea.Cmd {
	f.focus = 0
	return f.inputs[0].Focus()
}

func (f *form) keys() []key.Binding { return []key.Binding{f.keySubmit, f.keyNext, f.keyCancel} }

func (f *form) values() []string {
	out := make([]string, len(f.inputs))
	for i, in := range f.inputs {
		out[i] = strings.TrimSpace(in.Value())
		if f.picks[i] != nil {
			out[i] = f.picks[i][f.at[i]]
		}
	}
	return out
}

// pickKey moves the picker of the focused field: the arrows step through
// the choices, and letters typed jump to the first choice they begin.
func (f *form) pickKey(k tea.KeyPressMsg) {
	opts, at := f.picks[f.focus], &f.at[f.focus]
	switch s := k.String(); s {
	// No h/l here: letters jump to the choice they begin.
	case "left":
		*at, f.typed = (*at+len(opts)-1)%len(opts), ""
	case "right", "space":
		*at, f.typed = (*at+1)%len(opts), ""
	case "backspace":
		f.typed = ""
	default:
		if k.Text == "" {
			return
		}
		typed := strings.ToLower(f.typed + k.Text)
		for i, o := range opts {
			if strings.HasPrefix(strings.ToLower(o), typed) {
				*at, f.typed = i, typed
				return
			}
		}
	}
}

func (f *form) restyle(t *themes.Theme) {
	for i := range f.inputs {
		f.inputs[i].SetStyles(inputStyles(t))
	}
}

func (f *form) setWidth(w int) {
	for i := range f.inputs {
		f.inputs[i].SetWidth(max(w, 1))
	}
}

func (f *form) move(d int) tea.Cmd {
	f.typed = ""
	f.inputs[f.focus].Blur()
	f.focus = (f.focus + d + len(f.inputs)) % len(f.inputs)
	return f.inputs[f.focus].Focus()
}

// update handles one message; submit is true when the member pressed enter
// on the last field.
func (f *form) update(msg tea.Msg) (submit, cancel bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, f.keyCancel):
			return false, true, nil
		case f.busy:
			return false, false, nil // typing while a submit is in flight is ignored
		case key.Matches(k, f.keyNext):
			return false, false, f.move(1)
		case key.Matches(k, f.keyPrev):
			return false, false, f.move(-1)
		case key.Matches(k, f.keySubmit):
			if f.focus < len(f.inputs)-1 {
				return false, false, f.move(1)
			}
			return true, false, nil
		}
	}
	if f.busy {
		return false, false, nil
	}
	if f.picks[f.focus] != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			f.pickKey(k)
		}
		return false, false, nil
	}
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return false, false, cmd
}

func (f *form) view(t *themes.Theme, w int) string {
	var b strings.Builder
	if f.intro != "" {
		b.WriteString(t.Subtle.Render(wrap(f.intro, max(w, 1))) + "\n\n")
	}
	for i, in := range f.inputs {
		label := t.Label
		if i == f.focus {
			label = t.Accent
		}
		b.WriteString(label.Render(f.labels[i]) + "\n")
		if opts := f.picks[i]; opts != nil {
			var parts []string
			for j, o := range opts {
				if j == f.at[i] {
					parts = append(parts, t.Selected.Render(" "+o+" "))
				} else {
					parts = append(parts, t.Muted.Render(" "+o+" "))
				}
			}
			hint := ""
			if i == f.focus {
				hint = t.Muted.Render("  ←/→ choose")
			}
			b.WriteString(fitLine(t.InputPrompt.Render("› ")+strings.Join(parts, "")+hint, max(w, 1)) + "\n")
			continue
		}
		b.WriteString(t.InputPrompt.Render("› ") + in.View() + "\n")
	}
	if f.busy {
		b.WriteString("\n" + t.Muted.Render("sending…"))
	} else {
		b.WriteString("\n" + t.Muted.Render("enter on the last field sends · esc goes back"))
	}
	return b.String()
}

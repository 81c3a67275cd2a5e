package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// propForm is the new-proposal form: every kind and method `proposal new`
// takes, with the fields each needs and no others. Plain bubbles inputs
// rather than huh, like the rest of the app: huh's fields blink (a timer
// per idle session), bring their own theme and keys, and size themselves
// from the terminal rather than from the tab.
type propForm struct {
	fields  []*pfField // every field, in the order shown
	byID    map[string]*pfField
	focus   string // the focused field's id
	body    textarea.Model
	busy    bool
	rules   map[string]state.KindRules
	discard bool // esc was pressed once on a form with something typed

	keyNext, keyPrev, keySend, keyCancel, keyPick key.Binding
}

// pfField is one row of the form: a line of text, a choice picked with the
// arrow keys, or the body.
type pfField struct {
	id, label, hint string
	in              textinput.Model
	choices         []string // values; a choice field when set
	names           []string // what the member reads for each value
	at              int
	isBody          bool
}

func (f *pfField) value() string {
	if f.choices != nil {
		return f.choices[f.at]
	}
	if f.isBody {
		return ""
	}
	return strings.TrimSpace(f.in.Value())
}

func (p *proposalsTab) openForm() tea.Cmd {
	f := &propForm{byID: map[string]*pfField{}, rules: map[string]state.KindRules{},
		keyNext:   bind([]string{"tab", "down"}, "tab", "next field"),
		keyPrev:   bind([]string{"shift+tab", "up"}, "shift+tab", "previous field"),
		keySend:   bind([]string{"ctrl+s"}, "ctrl+s", "open for votes"),
		keyCancel: bind([]string{"esc"}, "esc", "cancel"),
		keyPick:   bind([]string{"left", "right"}, "←/→", "choose"),
	}
	var assets []string
	_ = p.c.hub.View(func(r state.Reader) error {
		for _, k := range state.Kinds {
			if kr, ok := state.RulesFor(r, k); ok {
				f.rules[k] = kr
			}
		}
		for _, a := range state.ListAssets(r) {
			assets = append(assets, a.Code)
		}
		return nil
	})
	if len(assets) == 0 {
		assets = []string{""}
	}
	in := func(id, label, placeholder, hint string, limit int) {
		f.add(&pfField{id: id, label: label, hint: hint, in: newInput(placeholder, limit)})
	}
	pick := func(id, label string, values, names []string) {
		if names == nil {
			names = values
		}
		f.add(&pfField{id: id, label: label, choices: values, names: names})
	}
	pick("kind", "Kind", state.Kinds, []string{"text", "role", "spend", "space", "rules", "charter", "expel"})
	pick("method", "Method", []string{state.MethodYesNo, state.MethodApproval, state.MethodRanked, state.MethodScore},
		[]string{"yes/no", "approval", "ranked", "score"})
	in("title", "Title", "what should the community decide?", "", state.MaxTitleLen)
	in("options", "Options", "", "separated by commas, like Lisbon, Porto, Online", 20*(state.MaxOptionLen+2))
	// role and expel
	in("member", "Member", "", "a name or #ID", 60)
	pick("role", "Role", []string{state.RoleModerator, state.RoleTreasurer, state.RoleSteward}, nil)
	pick("grant", "Grant or revoke", []string{"grant", "revoke"}, nil)
	// spend
	in("to", "Pay to", "", "a member's name or #ID", 60)
	in("amount", "Amount", "", "like 100.00", 24)
	pick("asset", "Asset", assets, nil)
	in("memo", "Memo", "", "what the payout is for (optional)", state.MaxMemoLen)
	pick("every", "Paid", []string{"", "week", "month"}, []string{"once", "every week", "every month"})
	// rules
	pick("rfor", "Rules for", append(append([]string{}, state.Kinds...), "signers"),
		[]string{"text", "role", "spend", "space", "rules", "charter", "expel", "payout signers"})
	in("period", "Voting period", "", "like 72h or 7d; empty keeps it", 12)
	in("quorum", "Quorum", "", "share of members taking part, like 20%; empty keeps it", 8)
	in("threshold", "Threshold", "", "share of yes to pass, like 66.67%; empty keeps it", 8)
	in("signers", "Signers", "", "how many treasurers co-sign a payout", 4)
	// space
	pick("spaceop", "Space", []string{"open", "retire"}, []string{"open a new space", "retire a space"})
	in("sname", "Name", "", "", 80)
	in("city", "City", "", "(optional)", 80)
	in("country", "Country", "", "two letters like PT (optional)", 2)
	in("beds", "Beds", "", "a whole number", 6)
	in("tz", "Time zone", "", "like Europe/Lisbon (default UTC)", 64)
	pick("approval", "Stays", []string{"no", "yes"}, []string{"book freely", "a steward approves each"})
	in("retire", "Retire space", "", "the space's ID", 12)
	f.add(&pfField{id: "body", label: "Body", isBody: true})

	f.body = textarea.New()
	f.body.ShowLineNumbers = false
	f.body.Prompt = ""
	f.body.CharLimit = state.MaxBodyLen
	f.body.MaxHeight = 1000
	f.body.MaxContentHeight = 2000
	f.restyle(p.c.theme)
	p.form = f
	// Most proposals are text: the title first, the kind a shift+tab away.
	return f.setFocus("title")
}

func (f *propForm) add(fl *pfField) {
	f.fields = append(f.fields, fl)
	f.byID[fl.id] = fl
}

func (f *propForm) v(id string) string { return f.byID[id].value() }

// shown is the fields the chosen kind and method need, in order.
func (f *propForm) shown() []*pfField {
	kind := f.v("kind")
	want := map[string]bool{"kind": true, "title": true, "body": true}
	switch kind {
	case state.KindText:
		want["method"] = true
		if f.v("method") != state.MethodYesNo {
			want["options"] = true
		}
	case state.KindRole:
		want["member"], want["role"], want["grant"] = true, true, true
	case state.KindExpel:
		want["member"] = true
	case state.KindSpend:
		want["to"], want["amount"], want["asset"], want["memo"], want["every"] = true, true, true, true, true
	case state.KindRuleset:
		want["rfor"] = true
		if f.v("rfor") == "signers" {
			want["signers"] = true
		} else {
			want["period"], want["quorum"], want["threshold"] = true, true, true
		}
	case state.KindSpace:
		want["spaceop"] = true
		if f.v("spaceop") == "retire" {
			want["retire"] = true
		} else {
			for _, id := range []string{"sname", "city", "country", "beds", "tz", "approval"} {
				want[id] = true
			}
		}
	}
	var out []*pfField
	for _, fl := range f.fields {
		if want[fl.id] {
			out = append(out, fl)
		}
	}
	return out
}

func (f *propForm) restyle(t *themes.Theme) {
	for _, fl := range f.fields {
		if fl.choices == nil && !fl.isBody {
			fl.in.SetStyles(inputStyles(t))
		}
	}
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
	if fl := f.byID[f.focus]; fl != nil && fl.choices != nil {
		return []key.Binding{f.keySend, f.keyPick, f.keyNext, f.keyCancel}
	}
	return []key.Binding{f.keySend, f.keyNext, f.keyCancel}
}

func (f *propForm) setFocus(id string) tea.Cmd {
	f.focus = id
	var cmd tea.Cmd
	for _, fl := range f.fields {
		switch {
		case fl.isBody && fl.id == id:
			cmd = f.body.Focus()
		case fl.isBody:
			f.body.Blur()
		case fl.choices != nil:
		case fl.id == id:
			cmd = fl.in.Focus()
		default:
			fl.in.Blur()
		}
	}
	return cmd
}

func (f *propForm) move(d int) tea.Cmd {
	sh := f.shown()
	at := 0
	for i, fl := range sh {
		if fl.id == f.focus {
			at = i
		}
	}
	return f.setFocus(sh[(at+d+len(sh))%len(sh)].id)
}

// typed reports that the member wrote something a careless esc would lose.
func (f *propForm) typed() bool {
	if strings.TrimSpace(f.body.Value()) != "" {
		return true
	}
	for _, fl := range f.fields {
		if fl.choices == nil && !fl.isBody && strings.TrimSpace(fl.in.Value()) != "" {
			return true
		}
	}
	return false
}

func (p *proposalsTab) updateForm(msg tea.Msg) tea.Cmd {
	f := p.form
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey && !key.Matches(k, f.keyCancel) {
		f.discard = false
	}
	fl := f.byID[f.focus]
	switch {
	case isKey && key.Matches(k, f.keyCancel):
		if f.typed() && !f.discard {
			f.discard = true
			p.c.status, p.c.statusErr = "press esc again to discard this proposal", false
			return nil
		}
		p.form = nil
		return nil
	case f.busy:
		return nil
	case isKey && key.Matches(k, f.keySend):
		np, err := f.proposal(p.c.hub)
		if err != nil {
			// Nothing typed is lost: the form stays as it was.
			p.c.status, p.c.statusErr = err.Error(), true
			return nil
		}
		f.busy = true
		return p.c.submitAs("new", "your proposal is open for votes", np)
	case isKey && fl.isBody && k.String() == "tab":
		return f.move(1)
	case isKey && fl.isBody && k.String() == "shift+tab":
		return f.move(-1)
	case isKey && !fl.isBody && key.Matches(k, f.keyNext):
		return f.move(1)
	case isKey && !fl.isBody && key.Matches(k, f.keyPrev):
		return f.move(-1)
	case isKey && !fl.isBody && k.String() == "enter":
		return f.move(1)
	case isKey && fl.choices != nil:
		switch k.String() {
		case "left", "h":
			fl.at = (fl.at + len(fl.choices) - 1) % len(fl.choices)
		case "right", "l", "space":
			fl.at = (fl.at + 1) % len(fl.choices)
		}
		return nil
	}
	var cmd tea.Cmd
	if fl.isBody {
		f.body, cmd = f.body.Update(msg)
	} else if fl.choices == nil {
		fl.in, cmd = fl.in.Update(msg)
	}
	return cmd
}

func (p *proposalsTab) formView(t *themes.Theme) string {
	f := p.form
	w := max(min(p.w, 100), 1)
	var b strings.Builder
	kind := f.v("kind")
	b.WriteString(t.Heading.Render("New proposal") + "  " + t.Muted.Render(clip(kindAbout(kind), max(w-14, 0))) + "\n")
	if r, ok := f.rules[kind]; ok {
		b.WriteString(t.Subtle.Render(clip(fmt.Sprintf("Voting stays open %s. It needs %s of members taking part and passes with %s yes.",
			duration(time.Duration(r.PeriodMS)*time.Millisecond), pct(r.QuorumBP), pct(r.ThresholdBP)), w)) + "\n")
	}
	b.WriteString("\n")
	labelW := 16
	for _, fl := range f.shown() {
		if fl.isBody {
			continue
		}
		label := t.Label
		if fl.id == f.focus {
			label = t.Accent
		}
		row := label.Render(pad(fl.label, labelW))
		switch {
		case fl.choices != nil:
			var parts []string
			for i, n := range fl.names {
				if i == fl.at {
					parts = append(parts, t.Selected.Render(" "+n+" "))
				} else {
					parts = append(parts, t.Muted.Render(" "+n+" "))
				}
			}
			row += strings.Join(parts, "")
		default:
			fl.in.SetWidth(max(min(w-labelW-2, 60), 1))
			row += t.InputPrompt.Render("› ") + fl.in.View()
			if fl.hint != "" && fl.in.Value() == "" {
				// The hint sits beside the empty field, in its own style,
				// never inside it where it could pass for a value.
				row += t.Muted.Render("  " + fl.hint)
			}
		}
		b.WriteString(fitLine(row, w) + "\n")
	}
	bodyLabel := "Body"
	if kind == state.KindCharter {
		bodyLabel = "The proposed charter"
	}
	label := t.Label
	if f.focus == "body" {
		label = t.Accent
	}
	b.WriteString("\n" + label.Render(bodyLabel) + t.Muted.Render("  Markdown; why, and what changes if it passes") + "\n")
	used := strings.Count(b.String(), "\n") + 1
	f.body.SetWidth(max(w-2, 1))
	f.body.SetHeight(max(min(p.h-used-1, 16), 1))
	b.WriteString(indent(f.body.View(), 2) + "\n")
	if f.busy {
		b.WriteString(t.Muted.Render("sending…"))
	} else {
		b.WriteString(t.Muted.Render(clip("tab moves · ←/→ choose · ctrl+s opens it for votes · esc cancels", w)))
	}
	return b.String()
}

func kindAbout(kind string) string {
	switch kind {
	case state.KindRole:
		return "role · grant or revoke a member's role"
	case state.KindSpend:
		return "spend · pay a member, once or as an allowance"
	case state.KindSpace:
		return "space · open or retire a shared space"
	case state.KindRuleset:
		return "rules · change how a kind of proposal is decided"
	case state.KindCharter:
		return "charter · adopt a new charter, which members consent to"
	case state.KindExpel:
		return "expel · remove a member: the gravest decision"
	}
	return "text · a question, no effect of its own"
}

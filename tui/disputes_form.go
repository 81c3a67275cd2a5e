package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/themes"
)

// choice is a row of options picked with the arrow keys.
type choice struct {
	opts []string
	i    int
	busy bool

	keyPick, keySend, keyBack key.Binding
}

const (
	choiceNone = iota
	choiceSend
	choiceBack
)

func (c *choice) keys() []key.Binding { return []key.Binding{c.keyPick, c.keySend, c.keyBack} }
func (c *choice) value() string       { return c.opts[c.i] }

func (c *choice) update(k tea.KeyPressMsg) int {
	switch {
	case key.Matches(k, c.keyBack):
		return choiceBack
	case c.busy:
	case key.Matches(k, c.keySend):
		return choiceSend
	case k.String() == "left" || k.String() == "h":
		c.i = (c.i + len(c.opts) - 1) % len(c.opts)
	case k.String() == "right" || k.String() == "l" || k.String() == "space":
		c.i = (c.i + 1) % len(c.opts)
	}
	return choiceNone
}

func (c *choice) view(t *themes.Theme, w int) string {
	var parts []string
	for i, o := range c.opts {
		if i == c.i {
			parts = append(parts, t.Selected.Render(" "+o+" "))
		} else {
			parts = append(parts, t.Muted.Render(" "+o+" "))
		}
	}
	return wrap(strings.Join(parts, " "), max(w, 1))
}

// ruleForm is a moderator's ruling: outcome, days for a suspension, what a
// restitution pays or cancels, and the reason, on the record: the fields of
// `dispute resolve`.
type ruleForm struct {
	id      uint64
	out     choice
	days    textinput.Model
	amount  textinput.Model
	asset   choice
	booking textinput.Model
	reason  textinput.Model
	focus   int // one of the rf* fields
	busy    bool

	keyNext, keySend, keyBack key.Binding
}

// The ruling's fields, in the order shown.
const (
	rfOutcome = iota
	rfDays
	rfAmount
	rfAsset
	rfBooking
	rfReason
)

func newRuleForm(id uint64, t *themes.Theme, assets []string) *ruleForm {
	// Expulsion is for a jury or a proposal, never one moderator.
	opts := []string{state.OutcomeDismissed, state.OutcomeWarning, state.OutcomeRestitution, state.OutcomeSuspension}
	if len(assets) == 0 {
		assets = []string{""}
	}
	r := &ruleForm{id: id,
		out:     choice{opts: opts, keyPick: bind([]string{"left", "right"}, "←/→", "outcome")},
		days:    newInput("days (suspension only)", 3),
		amount:  newInput("e.g. 25.00 paid to the filer (optional)", 24),
		asset:   choice{opts: assets, keyPick: bind([]string{"left", "right"}, "←/→", "asset")},
		booking: newInput("a booking ID of the respondent's to cancel (optional)", 12),
		reason:  newInput("why, for the parties and the record", state.MaxReason),
		keyNext: bind([]string{"tab", "down"}, "tab", "next field"),
		keySend: bind([]string{"enter"}, "enter", "next / rule"),
		keyBack: bind([]string{"esc"}, "esc", "back"),
	}
	for _, in := range []*textinput.Model{&r.days, &r.amount, &r.booking, &r.reason} {
		in.SetStyles(inputStyles(t))
		in.Blur()
	}
	return r
}

func (r *ruleForm) keys() []key.Binding {
	return []key.Binding{r.out.keyPick, r.keySend, r.keyNext, r.keyBack}
}

// shown is the fields the picked outcome needs.
func (r *ruleForm) shown() []int {
	switch r.out.value() {
	case state.OutcomeSuspension:
		return []int{rfOutcome, rfDays, rfReason}
	case state.OutcomeRestitution:
		return []int{rfOutcome, rfAmount, rfAsset, rfBooking, rfReason}
	}
	return []int{rfOutcome, rfReason}
}

func (r *ruleForm) input(f int) *textinput.Model {
	switch f {
	case rfDays:
		return &r.days
	case rfAmount:
		return &r.amount
	case rfBooking:
		return &r.booking
	case rfReason:
		return &r.reason
	}
	return nil
}

// move focuses the field d steps from the focused one among those shown.
func (r *ruleForm) move(d int) tea.Cmd {
	sh := r.shown()
	at := 0
	for i, f := range sh {
		if f == r.focus {
			at = i
		}
	}
	return r.setFocus(sh[(at+d+len(sh))%len(sh)])
}

func (r *ruleForm) setFocus(f int) tea.Cmd {
	r.focus = f
	for _, g := range []int{rfDays, rfAmount, rfBooking, rfReason} {
		r.input(g).Blur()
	}
	if in := r.input(f); in != nil {
		return in.Focus()
	}
	return nil
}

func (d *disputesTab) updateRule(msg tea.Msg) tea.Cmd {
	r := d.rule
	k, isKey := msg.(tea.KeyPressMsg)
	last := r.shown()[len(r.shown())-1]
	switch {
	case isKey && key.Matches(k, r.keyBack):
		d.rule = nil
		return nil
	case r.busy:
		return nil
	case isKey && (key.Matches(k, r.keyNext)):
		return r.move(1)
	case isKey && (k.String() == "shift+tab" || k.String() == "up"):
		return r.move(-1)
	case isKey && r.focus == rfOutcome && (k.String() == "left" || k.String() == "right"):
		r.out.update(k)
		return nil
	case isKey && r.focus == rfAsset && (k.String() == "left" || k.String() == "right"):
		r.asset.update(k)
		return nil
	case isKey && key.Matches(k, r.keySend) && r.focus != last:
		return r.move(1)
	case isKey && key.Matches(k, r.keySend):
		rule, err := d.ruling(r)
		if err != nil {
			d.c.status, d.c.statusErr = err.Error(), true
			return nil // what was typed stays
		}
		r.busy = true
		ok := fmt.Sprintf("you ruled on case #%d: %s", r.id, rule.Outcome)
		if rule.SuspendDays > 0 {
			ok += fmt.Sprintf(" for %s", plural(rule.SuspendDays, "day", "days"))
		}
		return d.c.submitAs("disputes-rule", ok, rule)
	}
	var cmd tea.Cmd
	if in := r.input(r.focus); in != nil {
		*in, cmd = in.Update(msg)
	}
	return cmd
}

// ruling is the form as `dispute resolve` sends it.
func (d *disputesTab) ruling(r *ruleForm) (state.Rule, error) {
	o := r.out.value()
	rule := state.Rule{ID: r.id, Outcome: o, Reason: strings.TrimSpace(r.reason.Value())}
	switch o {
	case state.OutcomeSuspension:
		n, err := strconv.Atoi(strings.TrimSpace(r.days.Value()))
		if err != nil || n < 1 || n > state.MaxSuspendDays {
			return rule, fmt.Errorf("a suspension lasts 1 to %d days", state.MaxSuspendDays)
		}
		rule.SuspendDays = n
	case state.OutcomeRestitution:
		if b := strings.TrimSpace(r.booking.Value()); b != "" {
			id, err := parseCount(strings.TrimPrefix(b, "#"))
			if err != nil || id == 0 {
				return rule, fmt.Errorf("booking %q is not a valid ID (a whole number from 1)", clip(b, 24))
			}
			rule.Booking = id
		}
		if a := strings.TrimSpace(r.amount.Value()); a != "" {
			if strings.HasPrefix(a, "-") {
				return rule, fmt.Errorf("amount %q is negative: it must be more than zero", clip(a, 24))
			}
			code, dec := r.asset.value(), 0
			if as, err := d.c.hub.Assets(); err == nil {
				for _, x := range as {
					if x.Code == code {
						dec = x.Decimals
					}
				}
			}
			n, err := money.Parse(a, dec)
			if err != nil {
				return rule, err
			}
			rule.Amount, rule.Asset = n, code
		}
	}
	return rule, nil
}

func (r *ruleForm) view(t *themes.Theme, w int) string {
	label := func(i int, s string) string {
		if r.focus == i {
			return t.Accent.Render(s)
		}
		return t.Label.Render(s)
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render(fmt.Sprintf("Rule on case #%d", r.id)) + "\n\n")
	for _, f := range r.shown() {
		switch f {
		case rfOutcome:
			b.WriteString(label(f, "Outcome (←/→)") + "\n" + r.out.view(t, w) + "\n")
		case rfAsset:
			b.WriteString(label(f, "Asset (←/→)") + "\n" + r.asset.view(t, w) + "\n")
		default:
			in := r.input(f)
			in.SetWidth(max(w-2, 1))
			name := map[int]string{rfDays: "Days of suspension", rfAmount: "Pay the filer", rfBooking: "Cancel booking", rfReason: "Reason"}[f]
			b.WriteString(label(f, name) + "\n" + t.InputPrompt.Render("› ") + in.View() + "\n")
		}
	}
	b.WriteString("\n")
	if r.busy {
		b.WriteString(t.Muted.Render("sending…"))
	} else {
		b.WriteString(t.Muted.Render(clip("enter on the reason rules · a party may appeal to a jury · esc goes back", w)))
	}
	return b.String()
}

func (d *disputesTab) openFile() tea.Cmd {
	d.file = newForm("File a case", "A moderator who is not a party takes the case and rules; either party may appeal a ruling to a jury of members.",
		field{label: "Against (member name or id)", placeholder: "name or #id", limit: 64},
		field{label: "Category", choices: state.Categories, pick: "other"},
		field{label: "Title", placeholder: "what the case is about, in a line", limit: state.MaxCaseTitle},
		field{label: "Statement", placeholder: "what happened, and what you ask for", limit: state.MaxCaseStatement})
	d.file.restyle(d.c.theme)
	return d.file.start()
}

func (d *disputesTab) updateFile(msg tea.Msg) tea.Cmd {
	send, cancel, cmd := d.file.update(msg)
	if cancel {
		d.file = nil
		return nil
	}
	if !send {
		return cmd
	}
	v := d.file.values()
	who, ok := d.memberNamed(v[0])
	switch {
	case !ok:
		d.c.status, d.c.statusErr = "no member is called "+strconv.Quote(line(v[0])), true
		return nil
	case v[2] == "":
		d.c.status, d.c.statusErr = "a case needs a title", true
		return nil
	}
	d.file.busy = true
	return d.c.submitAs("disputes-file", "case filed against "+d.name(who),
		state.FileCase{Against: who, Category: v[1], Title: v[2], Statement: v[3]})
}

func (d *disputesTab) updateStmt(msg tea.Msg) tea.Cmd {
	send, cancel, cmd := d.stmt.update(msg)
	if cancel {
		d.stmt = nil
		return nil
	}
	if !send {
		return cmd
	}
	body := d.stmt.values()[0]
	if body == "" {
		d.c.status, d.c.statusErr = "a statement needs some words", true
		return nil
	}
	d.stmt.busy = true
	if d.noting {
		return d.c.submitAs("disputes-stmt", fmt.Sprintf("private note added to case #%d", d.voted), state.NewPrivateNote(d.voted, body))
	}
	return d.c.submitAs("disputes-stmt", fmt.Sprintf("statement added to case #%d", d.voted), state.AddStatement{ID: d.voted, Body: body})
}

func (d *disputesTab) updateVote(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch d.vote.update(k) {
	case choiceBack:
		d.vote = nil
	case choiceSend:
		o := d.vote.value()
		d.vote.busy = true
		return d.c.submitAs("disputes-vote", fmt.Sprintf("you voted %s on case #%d", o, d.voted), state.CastJuryVote{ID: d.voted, Outcome: o})
	}
	return nil
}

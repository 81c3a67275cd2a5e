package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
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

// ruleForm is a moderator's ruling: outcome, days for a suspension, and
// the reason, on the record.
type ruleForm struct {
	id     uint64
	out    choice
	days   textinput.Model
	reason textinput.Model
	focus  int // 0 outcome, 1 days, 2 reason
	busy   bool

	keyNext, keySend, keyBack key.Binding
}

func newRuleForm(id uint64, t *themes.Theme) *ruleForm {
	// Expulsion is for a jury or a proposal, never one moderator.
	opts := []string{state.OutcomeDismissed, state.OutcomeWarning, state.OutcomeRestitution, state.OutcomeSuspension}
	r := &ruleForm{id: id,
		out:     choice{opts: opts, keyPick: bind([]string{"left", "right"}, "←/→", "outcome")},
		days:    newInput("days (suspension only)", 3),
		reason:  newInput("why, for the parties and the record", state.MaxReason),
		keyNext: bind([]string{"tab", "down"}, "tab", "next field"),
		keySend: bind([]string{"enter"}, "enter", "next / rule"),
		keyBack: bind([]string{"esc"}, "esc", "back"),
	}
	r.days.SetStyles(inputStyles(t))
	r.reason.SetStyles(inputStyles(t))
	r.days.Blur()
	return r
}

func (r *ruleForm) keys() []key.Binding {
	return []key.Binding{r.out.keyPick, r.keySend, r.keyNext, r.keyBack}
}

func (r *ruleForm) setFocus(i int) tea.Cmd {
	r.focus = (i + 3) % 3
	r.days.Blur()
	r.reason.Blur()
	switch r.focus {
	case 1:
		return r.days.Focus()
	case 2:
		return r.reason.Focus()
	}
	return nil
}

func (d *disputesTab) updateRule(msg tea.Msg) tea.Cmd {
	r := d.rule
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, r.keyBack):
		d.rule = nil
		return nil
	case r.busy:
		return nil
	case isKey && (key.Matches(k, r.keyNext)):
		return r.setFocus(r.focus + 1)
	case isKey && (k.String() == "shift+tab" || k.String() == "up"):
		return r.setFocus(r.focus - 1)
	case isKey && r.focus == 0 && (k.String() == "left" || k.String() == "right"):
		r.out.update(k)
		return nil
	case isKey && key.Matches(k, r.keySend) && r.focus < 2:
		return r.setFocus(r.focus + 1)
	case isKey && key.Matches(k, r.keySend):
		o := r.out.value()
		days := 0
		if o == state.OutcomeSuspension {
			n, err := strconv.Atoi(strings.TrimSpace(r.days.Value()))
			if err != nil || n < 1 || n > state.MaxSuspendDays {
				d.c.status, d.c.statusErr = fmt.Sprintf("a suspension lasts 1 to %d days", state.MaxSuspendDays), true
				return r.setFocus(1)
			}
			days = n
		}
		r.busy = true
		ok := fmt.Sprintf("you ruled on case #%d: %s", r.id, o)
		if days > 0 {
			ok += fmt.Sprintf(" for %s", plural(days, "day", "days"))
		}
		return d.c.submitAs("disputes-rule", ok, state.Rule{ID: r.id, Outcome: o, Reason: strings.TrimSpace(r.reason.Value()), SuspendDays: days})
	}
	var cmd tea.Cmd
	switch r.focus {
	case 1:
		r.days, cmd = r.days.Update(msg)
	case 2:
		r.reason, cmd = r.reason.Update(msg)
	}
	return cmd
}

func (r *ruleForm) view(t *themes.Theme, w int) string {
	label := func(i int, s string) string {
		if r.focus == i {
			return t.Accent.Render(s)
		}
		return t.Label.Render(s)
	}
	r.days.SetWidth(max(w-2, 1))
	r.reason.SetWidth(max(w-2, 1))
	var b strings.Builder
	b.WriteString(t.Heading.Render(fmt.Sprintf("Rule on case #%d", r.id)) + "\n\n")
	b.WriteString(label(0, "Outcome (←/→)") + "\n" + r.out.view(t, w) + "\n")
	b.WriteString(label(1, "Days of suspension") + "\n" + t.InputPrompt.Render("› ") + r.days.View() + "\n")
	b.WriteString(label(2, "Reason") + "\n" + t.InputPrompt.Render("› ") + r.reason.View() + "\n\n")
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

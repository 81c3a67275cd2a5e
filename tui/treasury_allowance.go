package tui

import (
	"fmt"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/themes"
)

// holds reports whether the member on screen may spend from a: it is
// theirs, or given to a role they hold. State decides; this only shapes
// the screen.
func (tr *treasuryTab) holds(a state.Allowance) bool {
	s := tr.c.snap
	if s == nil || !s.member {
		return false
	}
	if a.Member != 0 {
		return a.Member == s.me.ID
	}
	return a.Role != "" && s.me.HasRole(a.Role)
}

func (tr *treasuryTab) holdsAny() bool {
	for _, a := range tr.allow {
		if tr.holds(a) {
			return true
		}
	}
	return false
}

// holder is who may spend from a.
func (tr *treasuryTab) holder(a state.Allowance) string {
	if a.Member != 0 {
		return tr.name(a.Member)
	}
	return "every " + line(a.Role)
}

// left is what a has spent and has left this period. A period that has
// turned without its reset yet has nothing spent.
func (tr *treasuryTab) left(a state.Allowance) (spent, left int64) {
	spent = a.Spent
	if state.PeriodStart(a.Period, tr.c.now().UnixMilli()) > a.PeriodStart {
		spent = 0
	}
	spent = min(max(spent, 0), max(a.Amount, 0))
	return spent, max(a.Amount, 0) - spent
}

// leftText is "150.00 of 200.00 EUR left this month".
func (tr *treasuryTab) leftText(a state.Allowance) string {
	_, left := tr.left(a)
	dec := tr.dec[a.Asset]
	return fmt.Sprintf("%s of %s left this %s", money.Format(left, dec), tr.amount(a.Amount, a.Asset), line(a.Period))
}

// --- paying ---

// payTarget is the allowance p pays from: the one under the cursor, else
// the only one the member holds.
func (tr *treasuryTab) payTarget() (state.Allowance, bool) {
	if i := tr.cursor - len(tr.pending); i >= 0 && i < len(tr.allow) {
		return tr.allow[i], true
	}
	var mine []state.Allowance
	for _, a := range tr.allow {
		if tr.holds(a) {
			mine = append(mine, a)
		}
	}
	switch {
	case len(tr.allow) == 0:
		tr.c.status, tr.c.statusErr = "there is no allowance yet; a passed spend proposal with a period grants one", false
	case len(mine) == 1:
		return mine[0], true
	default:
		tr.c.status, tr.c.statusErr = "move to an allowance, then press p", false
	}
	return state.Allowance{}, false
}

func (tr *treasuryTab) openPay() tea.Cmd {
	a, ok := tr.payTarget()
	if !ok {
		return nil
	}
	tr.armed = 0
	tr.paying, tr.payAl = true, a
	tr.payIn.SetValue("")
	return tr.payIn.Focus()
}

func (tr *treasuryTab) closePay() {
	tr.paying, tr.busy = false, false
	tr.payIn.Blur()
	tr.payIn.SetValue("")
}

func (tr *treasuryTab) updatePay(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, tr.keyEsc):
		tr.closePay()
		return nil
	case tr.busy:
		return nil
	case isKey && key.Matches(k, tr.keyPaySend):
		c, err := tr.parsePay(tr.payIn.Value())
		if err != nil {
			tr.c.status, tr.c.statusErr = line(err.Error()), true
			return nil
		}
		tr.busy = true
		// State decides who may spend and how much is left; its refusal
		// shows in the status bar and the box stays open.
		return tr.c.submitAs("allowance", fmt.Sprintf("paid %s from allowance #%d", tr.amount(c.Amount, tr.payAl.Asset), c.ID), c)
	}
	var cmd tea.Cmd
	tr.payIn, cmd = tr.payIn.Update(msg)
	return cmd
}

// parsePay reads "AMOUNT memo…" for the open allowance; the asset code may
// follow the amount.
func (tr *treasuryTab) parsePay(s string) (state.SpendAllowance, error) {
	a := tr.payAl
	amt, memo := cutField(strings.TrimSpace(s))
	if amt == "" {
		return state.SpendAllowance{}, fmt.Errorf("type an amount and a memo, like 12.50 cleaning supplies")
	}
	if code, rest := cutField(memo); strings.EqualFold(code, a.Asset) {
		memo = rest
	}
	dec, ok := tr.dec[a.Asset]
	if !ok {
		return state.SpendAllowance{}, fmt.Errorf("unknown asset %q", line(a.Asset))
	}
	n, err := money.Parse(amt, dec)
	if err != nil {
		return state.SpendAllowance{}, err
	}
	return state.SpendAllowance{ID: a.ID, Amount: n, Memo: strings.TrimSpace(memo)}, nil
}

// paid closes the pay box once the payment is in and names its entry.
func (tr *treasuryTab) paid(msg resultMsg) {
	tr.busy = false
	if msg.err != nil {
		return
	}
	tr.closePay()
	for _, ev := range msg.events {
		if p, ok := ev.Body.(*state.AllowanceSpent); ok {
			tr.c.status = fmt.Sprintf("paid %s from allowance #%d, entry #%d", tr.amount(p.Amount, tr.payAl.Asset), p.Allowance, p.Entry)
		}
	}
}

// parseContribution reads "AMOUNT ASSET memo…" (or "ASSET AMOUNT memo…").
func (tr *treasuryTab) parseContribution(s string) (state.Contribute, error) {
	amt, rest := cutField(strings.TrimSpace(s))
	code, memo := cutField(rest)
	if amt == "" || code == "" {
		return state.Contribute{}, fmt.Errorf("type an amount, an asset and a memo, like 250.00 EUR June share")
	}
	if !startsWithDigit(amt) && startsWithDigit(code) {
		amt, code = code, amt
	}
	code = strings.ToUpper(code)
	dec, ok := tr.dec[code]
	if !ok {
		var codes []string
		for _, a := range tr.data().assets {
			codes = append(codes, line(a.Asset))
		}
		return state.Contribute{}, fmt.Errorf("unknown asset %q; this hub keeps %s", line(code), strings.Join(codes, ", "))
	}
	n, err := money.Parse(amt, dec)
	if err != nil {
		return state.Contribute{}, err
	}
	return state.Contribute{Asset: code, Amount: n, Memo: strings.TrimSpace(memo)}, nil
}

// cutField splits s at its first run of white space.
func cutField(s string) (string, string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// --- view ---

func (tr *treasuryTab) payView(t *themes.Theme) string {
	w := max(min(tr.w, 80), 1)
	tr.payIn.SetWidth(max(w-4, 1))
	a := tr.payAl
	for _, b := range tr.allow { // the latest figures
		if b.ID == a.ID {
			a = b
		}
	}
	title := t.Accent.Render(clip(fmt.Sprintf("Pay from allowance #%d", a.ID), w))
	if rest := w - ansi.StringWidth(title); rest > 4 {
		title += t.Muted.Render(clip("  "+tr.holder(a)+" · "+tr.leftText(a), rest))
	}
	hint := "amount, memo · enter pays · esc cancels"
	if tr.busy {
		hint = "sending…"
	}
	return title + "\n" + t.InputPrompt.Render("› ") + tr.payIn.View() + "\n" + t.Muted.Render(clip(hint, w))
}

// allowancesView lists n allowances from the scroll offset: who holds it,
// a bar of spent and left, and what is left this period.
func (tr *treasuryTab) allowancesView(t *themes.Theme, n int) string {
	title := t.Label.Render(clip(fmt.Sprintf("Allowances (%d)", len(tr.allow)), tr.w))
	if rest := tr.w - ansi.StringWidth(title); rest > 20 {
		title += "  " + t.Good.Render("█") + t.Muted.Render(" left  ") + t.Subtle.Render("░") + t.Muted.Render(" spent")
	}
	out := []string{title}
	if at := tr.cursor - len(tr.pending); at >= 0 && at < len(tr.allow) {
		if at < tr.alOff {
			tr.alOff = at
		}
		if at >= tr.alOff+n {
			tr.alOff = at - n + 1
		}
	}
	tr.alOff = max(min(tr.alOff, len(tr.allow)-n), 0)
	idW, whoW, leftW, perW := 0, 0, 0, 0
	for _, a := range tr.allow {
		idW = max(idW, len(fmt.Sprintf("#%d", a.ID))+1)
		whoW = max(whoW, ansi.StringWidth(tr.holder(a)))
		leftW = max(leftW, ansi.StringWidth(tr.leftText(a)))
		perW = max(perW, ansi.StringWidth(tr.perPeriod(a)))
	}
	whoW, leftW, perW = min(whoW, 18), min(leftW, 48), min(perW, 36)
	barW := 10
	if tr.w >= 120 {
		barW = 16
	}
	wide := tr.w >= 2+idW+whoW+2+perW+2+barW+2+leftW+8
	for i := tr.alOff; i < len(tr.allow) && i < tr.alOff+n; i++ {
		a := tr.allow[i]
		spent, left := tr.left(a)
		sc := cells(spent, a.Amount, barW)
		if left > 0 {
			sc = min(sc, barW-1)
		}
		id, who := pad(fmt.Sprintf("#%d", a.ID), idW), pad(tr.holder(a), whoW)+"  "
		per := ""
		if wide {
			per = pad(tr.perPeriod(a), perW) + "  "
		}
		lt := pad(tr.leftText(a), leftW)
		var notes []string
		if tr.holds(a) {
			notes = append(notes, "yours")
		}
		if wide {
			notes = append(notes, fmt.Sprintf("proposal #%d", a.Proposal))
		}
		note := strings.Join(notes, " · ")
		if i == tr.cursor-len(tr.pending) {
			out = append(out, t.Selected.Render(pad("▸ "+id+who+per+repeat("█", barW-sc)+repeat("░", sc)+"  "+lt+"  "+note, tr.w)))
			continue
		}
		mark := t.Subtle.Render(note)
		if tr.holds(a) {
			mark = t.Accent.Render(note)
		}
		out = append(out, fitLine("  "+t.Muted.Render(id)+t.Text.Render(who)+t.Muted.Render(per)+
			t.Good.Render(repeat("█", barW-sc))+t.Subtle.Render(repeat("░", sc))+"  "+t.Text.Render(lt)+"  "+mark, tr.w))
	}
	return strings.Join(out, "\n")
}

// perPeriod is "200.00 EUR a month".
func (tr *treasuryTab) perPeriod(a state.Allowance) string {
	return tr.amount(a.Amount, a.Asset) + " a " + line(a.Period)
}

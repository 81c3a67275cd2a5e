package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/themes"
)

func (tr *treasuryTab) View() string {
	if tr.camps.open {
		return tr.camps.View()
	}
	tr.sync()
	t := tr.c.theme
	d := tr.data()
	var b strings.Builder
	b.WriteString(t.Heading.Render("Treasury") + "  " + t.Muted.Render(clip(tr.summary(d), max(tr.w-10, 0))) + "\n")
	if len(tr.shown) == 0 && len(tr.pending) == 0 && len(tr.allow) == 0 {
		b.WriteString("\n")
		switch {
		case tr.giving:
			b.WriteString(tr.inputView(t) + "\n\n")
		case tr.paying:
			b.WriteString(tr.payView(t) + "\n\n")
		}
		return b.String() + tr.emptyView(t)
	}
	b.WriteString(tr.balancesView(t) + "\n\n")
	used := 3
	switch {
	case tr.giving:
		b.WriteString(tr.inputView(t) + "\n\n")
		used += 4
	case tr.paying:
		b.WriteString(tr.payView(t) + "\n\n")
		used += 4
	}
	l := tr.layout(used)
	if l.bal {
		b.WriteString(tr.balanceLine(t) + "\n")
	}
	if l.months > 0 {
		b.WriteString(tr.chartView(t, tr.months[len(tr.months)-l.months:]) + "\n")
	}
	if l.bal || l.months > 0 {
		b.WriteString("\n")
	}
	if l.allow > 0 {
		b.WriteString(tr.allowancesView(t, l.allow) + "\n\n")
	}
	pays, rows := l.pays, l.rows
	if pays > 0 {
		b.WriteString(tr.payoutsView(t, pays) + "\n\n")
	}
	b.WriteString(tr.ledgerView(t, rows))
	return b.String()
}

func (tr *treasuryTab) summary(d *treasuryData) string {
	parts := []string{plural(len(d.ledger), "entry", "entries")}
	if n := len(tr.pending); n > 0 {
		parts = append(parts, plural(n, "payout", "payouts")+" waiting for signatures")
	}
	for _, ch := range d.changes {
		if ch.Rules == nil && ch.Cap == nil {
			parts = append(parts, fmt.Sprintf("from %s payouts need %d signatures (scheduled)", state.Day(ch.Due), ch.Signers))
		}
	}
	if tr.treasurer() {
		parts = append(parts, "you are a treasurer")
	}
	if tr.holdsAny() {
		parts = append(parts, "you hold an allowance")
	}
	return strings.Join(parts, " · ")
}

// treasuryLayout is how many rows each section gets.
type treasuryLayout struct {
	bal                       bool // the balance-over-time line
	months, allow, pays, rows int
}

// layout shares the height left after used lines between the balance
// line, the chart, the allowances, the payouts and the ledger: the ledger
// keeps a few rows; the chart gives up its oldest months first, then the
// balance line goes, then allowances and payouts shrink to one row each.
func (tr *treasuryTab) layout(used int) treasuryLayout {
	ledgerFixed := 2 // title and column header
	if tr.filtering || tr.filter.Value() != "" {
		ledgerFixed++
	}
	rest := tr.h - used - ledgerFixed
	l := treasuryLayout{bal: len(tr.balances()) > 0, months: len(tr.months),
		allow: min(len(tr.allow), 5), pays: min(len(tr.pending), 3)}
	cost := func() int {
		c := 0
		if l.bal {
			c++
		}
		if l.months > 0 {
			c += l.months + 1
		}
		if l.bal || l.months > 0 {
			c++
		}
		if l.allow > 0 {
			c += l.allow + 2
		}
		if l.pays > 0 {
			c += l.pays + 2
		}
		return c
	}
	want := min(max(len(tr.rows), 1), 4)
	for rest-cost() < want && l.months > 0 {
		l.months--
	}
	if rest-cost() < want {
		l.bal = false
	}
	for rest-cost() < want && (l.allow > 1 || l.pays > 1) {
		if l.allow >= l.pays {
			l.allow--
		} else {
			l.pays--
		}
	}
	l.rows = max(rest-cost(), 1)
	tr.payRows, tr.alRows, tr.rowRows = l.pays, l.allow, l.rows
	return l
}

func (tr *treasuryTab) emptyView(t *themes.Theme) string {
	w := max(min(tr.w, 72), 1)
	var b strings.Builder
	b.WriteString(t.Text.Render(wrap(treasuryAbout, w)) + "\n\n")
	b.WriteString(t.Muted.Render("Nothing has been contributed yet.") + "\n\n")
	b.WriteString(t.Subtle.Render(wrap("Record money you put in over SSH:", w)) + "\n")
	b.WriteString(t.Accent.Render(clip("  "+tr.c.sshCmd+" treasury contribute 250.00 USD", w)) + "\n")
	b.WriteString(t.Subtle.Render(wrap("or press c here and type the amount, the asset and a memo.", w)) + "\n")
	return b.String()
}

func (tr *treasuryTab) inputView(t *themes.Theme) string {
	w := max(min(tr.w, 80), 1)
	tr.input.SetWidth(max(w-4, 1))
	hint := "amount, asset, memo · enter contributes · esc cancels"
	if tr.busy {
		hint = "sending…"
	}
	return t.Accent.Render("Contribute") + "\n" + t.InputPrompt.Render("› ") + tr.input.View() + "\n" + t.Muted.Render(clip(hint, w))
}

// balancesView is one line of balances; the chart's asset is highlighted
// and always visible, however many assets there are.
func (tr *treasuryTab) balancesView(t *themes.Theme) string {
	chip := func(a state.AssetBalance) string {
		return line(a.Asset) + " " + money.Format(a.Balance, a.Decimals)
	}
	sel := 0
	for i, a := range tr.shown {
		if a.Asset == tr.asset {
			sel = i
		}
	}
	start := 0
	for start < sel {
		wd := 0
		for _, a := range tr.shown[start : sel+1] {
			wd += ansi.StringWidth(chip(a)) + 4
		}
		if wd <= tr.w {
			break
		}
		start++
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString(t.Muted.Render("… "))
	}
	for i := start; i < len(tr.shown); i++ {
		if i == sel && len(tr.shown) > 1 {
			b.WriteString(t.Selected.Render(" " + chip(tr.shown[i]) + " "))
		} else {
			b.WriteString(t.Text.Render(" " + chip(tr.shown[i]) + " "))
		}
		b.WriteString("  ")
	}
	return clip(b.String(), tr.w)
}

func (tr *treasuryTab) chartView(t *themes.Theme, ms []monthFlow) string {
	dec := tr.dec[tr.asset]
	top := int64(0)
	amtW := 0
	for _, m := range ms {
		top = max(top, m.in, m.out)
		amtW = max(amtW, len(money.Format(m.in, dec))+1, len(money.Format(m.out, dec))+1)
	}
	title := t.Label.Render("In and out by month · "+line(tr.asset)) + "  " +
		t.Good.Render("█") + t.Muted.Render(" in  ") + t.Bad.Render("▓") + t.Muted.Render(" out")
	out := []string{clip(title, tr.w)}
	// month, gap, bar, amount, gap, bar, amount
	barW := min((tr.w-8-2-1-amtW-3-1-amtW)/2, 60) // wider on a wide screen, not past reading
	for _, m := range ms {
		in, outS := "+"+money.Format(m.in, dec), "−"+money.Format(m.out, dec)
		if m.in == 0 {
			in = "0"
		}
		if m.out == 0 {
			outS = "0"
		}
		s := t.Muted.Render(pad(m.label, 8)) + "  "
		if barW >= 3 {
			s += t.Good.Render(pad(repeat("█", cells(m.in, top, barW)), barW)) + " "
		}
		s += t.Text.Render(padLeft(in, amtW)) + "   "
		if barW >= 3 {
			s += t.Bad.Render(pad(repeat("▓", cells(m.out, top, barW)), barW)) + " "
		}
		s += t.Text.Render(padLeft(outS, amtW))
		out = append(out, clip(s, tr.w))
	}
	return strings.Join(out, "\n")
}

// cells is how many of w cells n takes against top; any non-zero amount
// shows at least one. Only the geometry is approximate, never an amount.
func cells(n, top int64, w int) int {
	if n <= 0 || top <= 0 || w <= 0 {
		return 0
	}
	c := int(math.Round(float64(n) / float64(top) * float64(w)))
	return min(max(c, 1), w)
}

func padLeft(s string, w int) string {
	s = clip(s, w)
	return repeat(" ", w-ansi.StringWidth(s)) + s
}

func (tr *treasuryTab) payoutsView(t *themes.Theme, n int) string {
	me := uint64(0)
	if tr.c.snap != nil {
		me = tr.c.snap.me.ID
	}
	out := []string{t.Warn.Render(clip(fmt.Sprintf("Payouts waiting for signatures (%d)", len(tr.pending)), tr.w))}
	if tr.cursor < len(tr.pending) {
		if tr.cursor < tr.payOff {
			tr.payOff = tr.cursor
		}
		if tr.cursor >= tr.payOff+n {
			tr.payOff = tr.cursor - n + 1
		}
	}
	tr.payOff = max(min(tr.payOff, len(tr.pending)-n), 0)
	amtW, nameW, sigW := 0, 0, 0
	sigs := make([]string, len(tr.pending))
	for i, p := range tr.pending {
		amtW = max(amtW, ansi.StringWidth(tr.amount(p.Amount, p.Asset)))
		nameW = max(nameW, ansi.StringWidth(tr.name(p.To)))
		sigs[i] = fmt.Sprintf("%d of %d signed", len(p.Signers), p.Needed)
		switch {
		case slices.Contains(p.Signers, me):
			sigs[i] += ", you too"
		case p.Author == me:
			sigs[i] += ", you proposed it"
		}
		sigW = max(sigW, ansi.StringWidth(sigs[i]))
	}
	amtW, nameW = min(amtW, 28), min(nameW, 16)
	for i := tr.payOff; i < len(tr.pending) && i < tr.payOff+n; i++ {
		p := &tr.pending[i]
		id := pad(fmt.Sprintf("#%d", p.ID), 5)
		amt := padLeft(tr.amount(p.Amount, p.Asset), amtW)
		to := "to " + pad(tr.name(p.To), nameW)
		sig := pad(sigs[i], sigW)
		note := fmt.Sprintf("proposal #%d", p.Proposal)
		if m := line(p.Memo); m != "" {
			note = m + " · " + note
		}
		if i == tr.cursor {
			out = append(out, t.Selected.Render(pad("▸ "+id+amt+"  "+to+"  "+sig+"  "+note, tr.w)))
			continue
		}
		out = append(out, fitLine("  "+t.Muted.Render(id)+t.Text.Render(amt)+"  "+t.Text.Render(to)+"  "+
			t.Accent.Render(sig)+"  "+t.Subtle.Render(note), tr.w))
	}
	return strings.Join(out, "\n")
}

// ledgerCols are the ledger's column widths for the tab's width (0: left
// out).
type ledgerCols struct {
	date, kind, member, amount, memo int
}

func (tr *treasuryTab) columns() ledgerCols {
	// Names take what they need, up to a share of the width that leaves
	// the memo room; on a wide screen that is the whole name.
	c := ledgerCols{date: 10, kind: 12, member: min(max(tr.nameW, 8), max(tr.w/4, 8), 40), amount: max(tr.amtW, 6)}
	switch {
	case tr.w < 50:
		c.date, c.kind = 0, 0
	case tr.w < 70:
		c.kind = 0
	}
	fixed := 2 + 5 + c.member + 1 + c.amount + 2
	if c.date > 0 {
		fixed += c.date + 1
	}
	if c.kind > 0 {
		fixed += c.kind + 1
	}
	c.memo = max(tr.w-fixed, 0)
	return c
}

func (c ledgerCols) line(id, date, kind, member, amount, memo string) (string, string, string, string, string, string) {
	id = pad(id, 5)
	if c.date > 0 {
		date = pad(date, c.date) + " "
	} else {
		date = ""
	}
	if c.kind > 0 {
		kind = pad(kind, c.kind) + " "
	} else {
		kind = ""
	}
	return id, date, kind, pad(member, c.member) + " ", padLeft(amount, c.amount) + "  ", clip(memo, c.memo)
}

func (tr *treasuryTab) ledgerView(t *themes.Theme, n int) string {
	d := tr.data()
	title := "Ledger"
	if tr.filter.Value() != "" {
		title += fmt.Sprintf("  %d of %s match", len(tr.rows), plural(len(d.ledger), "entry", "entries"))
	} else {
		title += "  newest first"
	}
	out := []string{t.Label.Render(clip(title, tr.w))}
	if tr.filtering || tr.filter.Value() != "" {
		tr.filter.SetWidth(max(min(tr.w-4, 60), 1))
		out = append(out, tr.filter.View())
	}
	if len(tr.rows) == 0 {
		msg := "  no entry matches"
		if len(d.ledger) == 0 {
			msg = "  no entries yet · press c to contribute"
		}
		return strings.Join(append(out, t.Muted.Render(clip(msg, tr.w))), "\n")
	}
	c := tr.columns()
	id, date, kind, member, amount, memo := c.line("#", "Date", "Kind", "Member", "Amount", "Memo")
	out = append(out, t.Label.Render(clip("  "+id+date+kind+member+amount+memo, tr.w)))
	at := tr.cursor - tr.ledgerStart() // the ledger row under the cursor, if any
	if at >= 0 {
		if at < tr.rowOff {
			tr.rowOff = at
		}
		if at >= tr.rowOff+n {
			tr.rowOff = at - n + 1
		}
	}
	tr.rowOff = max(min(tr.rowOff, len(tr.rows)-n), 0)
	for i := tr.rowOff; i < len(tr.rows) && i < tr.rowOff+n; i++ {
		e := tr.rows[i]
		id, date, kind, member, amount, memo := c.line(fmt.Sprintf("#%d", e.ID), state.Day(e.Time), line(e.Kind),
			tr.name(e.Member), tr.signed(e), tr.memo(e))
		if i == at {
			out = append(out, t.Selected.Render(pad("▸ "+id+date+kind+member+amount+memo, tr.w)))
			continue
		}
		amt := t.Bad
		if inflow(e) {
			amt = t.Good
		}
		// Each cell is cut to its column already; a second ellipsis here
		// would read "solar pan……".
		out = append(out, fitLine("  "+t.Muted.Render(id+date)+t.Subtle.Render(kind)+t.Text.Render(member)+
			amt.Render(amount)+t.Subtle.Render(memo), tr.w))
	}
	return strings.Join(out, "\n")
}

// balances is the chart asset's balance at the last month ends that have
// entries, oldest first.
func (tr *treasuryTab) balances() []monthBalance {
	ms := tr.data().monthEnd[tr.asset]
	return ms[max(len(ms)-balanceMonths, 0):]
}

// sparks are the balance line's levels, lowest first.
var sparks = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// balanceLine is the asset's balance at each month end as one row of block
// characters scaled to the highest, with the first and last values.
func (tr *treasuryTab) balanceLine(t *themes.Theme) string {
	ms := tr.balances()
	if len(ms) == 0 {
		return ""
	}
	dec := tr.dec[tr.asset]
	head := t.Label.Render("Balance at month end · "+line(tr.asset)) + "  "
	first := ms[0].label + " " + money.Format(ms[0].bal, dec)
	last := money.Format(ms[len(ms)-1].bal, dec) + " " + ms[len(ms)-1].label
	// Each month gets two cells if there is room, else one, else the
	// oldest months go.
	room := tr.w - ansi.StringWidth(head) - ansi.StringWidth(first) - ansi.StringWidth(last) - 4
	cw := 2
	if room < 2*len(ms) {
		cw = 1
	}
	if n := max(room/cw, 1); n < len(ms) {
		ms = ms[len(ms)-n:]
		first = ms[0].label + " " + money.Format(ms[0].bal, dec)
	}
	top := int64(0)
	for _, m := range ms {
		top = max(top, m.bal)
	}
	var sp strings.Builder
	for _, m := range ms {
		if m.bal <= 0 || top <= 0 {
			sp.WriteString(t.Muted.Render(repeat("·", cw)))
			continue
		}
		// Only the highest month end fills the cell.
		lvl := int(float64(m.bal) / float64(top) * float64(len(sparks)-1))
		sp.WriteString(t.Accent.Render(repeat(sparks[min(max(lvl, 0), len(sparks)-1)], cw)))
	}
	s := head + t.Muted.Render(first) + "  " + sp.String()
	if len(ms) > 1 {
		s += "  " + t.Muted.Render(last)
	}
	return clip(s, tr.w)
}

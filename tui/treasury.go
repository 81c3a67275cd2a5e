package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

// treasuryAbout is what the tab says when the treasury is still empty.
const treasuryAbout = "The treasury is the money the community pools, kept as exact amounts per asset in the signed log. Every contribution and every payout is in the open."

// treasuryTab shows balances, a month-by-month chart, payouts waiting for
// signatures and the ledger; members contribute with c and treasurers sign
// with s. Everything comes from the snapshot, re-read on every hub change.
type treasuryTab struct {
	c      *common
	w, h   int
	dirty  bool
	styled string

	asset   string // the asset the chart shows
	shown   []state.AssetBalance
	dec     map[string]int
	names   map[uint64]string
	months  []monthFlow
	pending []state.Payout
	allow   []state.Allowance
	rows    []*state.Entry // the ledger after the filter
	amtW    int            // width of the ledger's amount column
	nameW   int            // widest member name in the ledger

	// One cursor runs over the pending payouts, the allowances, then the
	// ledger rows; the selection is kept by id across reloads.
	cursor  int
	selPay  uint64
	selAl   uint64
	selRow  uint64
	payOff  int
	alOff   int
	rowOff  int
	payRows int // payout rows drawn, from the last layout
	alRows  int // allowance rows drawn
	rowRows int // ledger rows drawn

	filter    textinput.Model
	filtering bool
	input     textinput.Model
	giving    bool
	payIn     textinput.Model
	paying    bool            // the pay-from-allowance box is open
	payAl     state.Allowance // the allowance it pays from
	busy      bool

	keyUp, keyDown, keyTop, keyEnd, keyAsset, keyGive, keySign, keyPay, keyFilter, keyClear, keyDone, keySend, keyPaySend, keyEsc key.Binding
	armed                                                                                                                         uint64 // payout awaiting the confirming second s

	camps    *campaigns // the crowdfunding view, on f
	keyCamps key.Binding
}

func newTreasury(c *common) *treasuryTab {
	tr := &treasuryTab{c: c, dirty: true,
		filter:     newInput("filter by memo, member, kind or asset", 60),
		input:      newInput("250.00 EUR June share", 40+state.MaxMemoLen),
		payIn:      newInput("12.50 cleaning supplies", 30+state.MaxMemoLen),
		keyUp:      bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:    bind([]string{"down", "j"}, "↓/j", "down"),
		keyTop:     bind([]string{"home", "g"}, "g", "first"),
		keyEnd:     bind([]string{"end", "G"}, "G", "last"),
		keyAsset:   bind([]string{"left", "right", "[", "]"}, "←/→", "asset"),
		keyGive:    bind([]string{"c"}, "c", "contribute"),
		keySign:    bind([]string{"s"}, "s", "sign payout"),
		keyPay:     bind([]string{"p"}, "p", "pay from allowance"),
		keyFilter:  bind([]string{"/"}, "/", "filter"),
		keyClear:   bind([]string{"esc"}, "esc", "clear filter"),
		keyDone:    bind([]string{"enter"}, "enter", "keep filter"),
		keySend:    bind([]string{"enter"}, "enter", "contribute"),
		keyPaySend: bind([]string{"enter"}, "enter", "pay"),
		keyEsc:     bind([]string{"esc"}, "esc", "cancel"),
		keyCamps:   bind([]string{"f"}, "f", "campaigns"),
		camps:      newCampaigns(c),
	}
	tr.filter.Prompt = "/ "
	return tr
}

func (tr *treasuryTab) TabName() string { return "Treasury" }
func (tr *treasuryTab) Capturing() bool {
	return tr.filtering || tr.giving || tr.paying || tr.camps.capturing()
}

func (tr *treasuryTab) SetSize(w, h int) {
	if w != tr.w || h != tr.h {
		tr.w, tr.h = w, h
		tr.dirty = true
	}
	tr.camps.setSize(w, h)
}

func (tr *treasuryTab) Refresh() {
	tr.dirty = true
	tr.camps.refresh()
	if t := tr.c.theme; tr.styled != t.Name {
		tr.styled = t.Name
		tr.filter.SetStyles(inputStyles(t))
		tr.input.SetStyles(inputStyles(t))
		tr.payIn.SetStyles(inputStyles(t))
	}
}

func (tr *treasuryTab) data() *treasuryData {
	if s := tr.c.snap; s != nil && s.treasury != nil {
		return s.treasury
	}
	return &treasuryData{}
}

func (tr *treasuryTab) treasurer() bool {
	return tr.c.snap != nil && tr.c.snap.me.HasRole(state.RoleTreasurer)
}

// --- help ---

func (tr *treasuryTab) ShortHelp() []key.Binding {
	switch {
	case tr.camps.open:
		return tr.camps.ShortHelp()
	case tr.giving:
		return []key.Binding{tr.keySend, tr.keyEsc}
	case tr.paying:
		return []key.Binding{tr.keyPaySend, tr.keyEsc}
	case tr.filtering:
		return []key.Binding{tr.keyDone, tr.keyClear}
	}
	tr.sync()
	var out []key.Binding
	if len(tr.pending) > 0 && tr.treasurer() {
		out = append(out, tr.keySign)
	}
	if tr.holdsAny() {
		out = append(out, tr.keyPay)
	}
	out = append(out, tr.keyGive, tr.keyCamps)
	if len(tr.shown) > 1 {
		out = append(out, tr.keyAsset)
	}
	out = append(out, tr.keyFilter)
	if tr.filter.Value() != "" {
		out = append(out, tr.keyClear)
	}
	return out
}

func (tr *treasuryTab) FullHelp() [][]key.Binding {
	switch {
	case tr.camps.open:
		return tr.camps.FullHelp()
	case tr.Capturing():
		return [][]key.Binding{tr.ShortHelp()}
	}
	return [][]key.Binding{
		{tr.keyUp, tr.keyDown, tr.keyTop, tr.keyEnd, tr.keyAsset},
		{tr.keyGive, tr.keySign, tr.keyPay, tr.keyCamps, tr.keyFilter, tr.keyClear},
	}
}

// --- data ---

func (tr *treasuryTab) sync() {
	if !tr.dirty {
		return
	}
	tr.dirty = false
	d := tr.data()
	tr.dec = make(map[string]int, len(d.assets))
	for _, a := range d.assets {
		tr.dec[a.Asset] = a.Decimals
	}
	tr.names = map[uint64]string{}
	if s := tr.c.snap; s != nil {
		for _, m := range s.members {
			tr.names[m.ID] = line(m.Name)
		}
	}
	used := map[string]bool{}
	for i := range d.ledger {
		used[d.ledger[i].Asset] = true
	}
	tr.shown = tr.shown[:0]
	keep := false
	for _, a := range d.assets {
		if a.Balance != 0 || used[a.Asset] {
			tr.shown = append(tr.shown, a)
			keep = keep || a.Asset == tr.asset
		}
	}
	if !keep {
		tr.asset = ""
		if len(tr.shown) > 0 {
			tr.asset = tr.shown[0].Asset
		}
	}
	tr.months = flows(d.ledger, tr.asset, chartMonths)
	tr.pending = tr.pending[:0]
	for _, p := range d.payouts {
		if p.Status == state.PayoutPending {
			tr.pending = append(tr.pending, p)
		}
	}
	tr.allow = d.allow
	q := strings.ToLower(strings.TrimSpace(tr.filter.Value()))
	tr.rows = tr.rows[:0]
	tr.amtW, tr.nameW = 0, 0
	for i := range d.ledger {
		e := &d.ledger[i]
		if q != "" && !strings.Contains(strings.ToLower(fmt.Sprintf("#%d %s %s %s %s", e.ID, line(e.Kind), tr.name(e.Member), line(e.Asset), tr.memo(e))), q) {
			continue
		}
		tr.rows = append(tr.rows, e)
		tr.amtW = max(tr.amtW, ansi.StringWidth(tr.signed(e)))
		tr.nameW = max(tr.nameW, ansi.StringWidth(tr.name(e.Member)))
	}
	tr.amtW = min(tr.amtW, 28)
	// Put the cursor back on what was selected, if it is still there.
	n := tr.count()
	found := false
	for i, p := range tr.pending {
		if tr.selPay != 0 && p.ID == tr.selPay {
			tr.cursor, found = i, true
		}
	}
	for i, a := range tr.allow {
		if !found && tr.selAl != 0 && a.ID == tr.selAl {
			tr.cursor, found = len(tr.pending)+i, true
		}
	}
	for i, e := range tr.rows {
		if !found && tr.selRow != 0 && e.ID == tr.selRow {
			tr.cursor, found = tr.ledgerStart()+i, true
		}
	}
	if !found {
		tr.cursor = min(tr.cursor, max(n-1, 0))
	}
	tr.remember()
}

// remember notes what the cursor is on, so a reload keeps it there.
func (tr *treasuryTab) remember() {
	tr.selPay, tr.selAl, tr.selRow = 0, 0, 0
	switch {
	case tr.cursor < len(tr.pending):
		tr.selPay = tr.pending[tr.cursor].ID
	case tr.cursor < tr.ledgerStart():
		tr.selAl = tr.allow[tr.cursor-len(tr.pending)].ID
	case tr.cursor-tr.ledgerStart() < len(tr.rows):
		tr.selRow = tr.rows[tr.cursor-tr.ledgerStart()].ID
	}
}

// count is how many rows the cursor runs over.
func (tr *treasuryTab) count() int { return len(tr.pending) + len(tr.allow) + len(tr.rows) }

// ledgerStart is the cursor position of the first ledger row.
func (tr *treasuryTab) ledgerStart() int { return len(tr.pending) + len(tr.allow) }

func (tr *treasuryTab) name(id uint64) string {
	if n, ok := tr.names[id]; ok && n != "" {
		return n
	}
	return fmt.Sprintf("member #%d", id)
}

func (tr *treasuryTab) amount(n int64, asset string) string {
	return money.Format(n, tr.dec[asset]) + " " + line(asset)
}

// signed is an entry's amount as it moved the treasury: + in, − out.
func (tr *treasuryTab) signed(e *state.Entry) string {
	sign := "−"
	if inflow(e) {
		sign = "+"
	}
	return sign + tr.amount(e.Amount, e.Asset)
}

// memo is an entry's memo with what it refers to.
func (tr *treasuryTab) memo(e *state.Entry) string {
	m := line(e.Memo)
	ref := ""
	switch {
	case e.Reverses != 0:
		ref = fmt.Sprintf("reverses #%d", e.Reverses)
	case e.Payout != 0:
		ref = fmt.Sprintf("payout #%d", e.Payout)
	case e.Kind == state.EntryAllowance:
		ref = fmt.Sprintf("allowance #%d", e.Allowance)
	}
	switch {
	case ref == "":
		return m
	case m == "":
		return ref
	}
	return ref + " · " + m
}

// --- update ---

func (tr *treasuryTab) Update(msg tea.Msg) tea.Cmd {
	if tr.camps.open {
		return tr.camps.Update(msg)
	}
	tr.sync()
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case tr.giving:
		return tr.updateInput(msg)
	case tr.paying:
		return tr.updatePay(msg)
	case tr.filtering:
		return tr.updateFilter(msg)
	case !isKey:
		return nil
	}
	n := tr.count()
	switch {
	case key.Matches(k, tr.keyUp):
		tr.move(-1)
	case key.Matches(k, tr.keyDown):
		tr.move(1)
	case key.Matches(k, tr.keyTop):
		tr.move(-n)
	case key.Matches(k, tr.keyEnd):
		tr.move(n)
	case key.Matches(k, tr.keyAsset):
		d := 1
		if s := k.String(); s == "left" || s == "[" {
			d = -1
		}
		tr.switchAsset(d)
	case key.Matches(k, tr.keyGive):
		tr.giving = true
		tr.input.SetValue("")
		return tr.input.Focus()
	case key.Matches(k, tr.keySign):
		return tr.sign()
	case key.Matches(k, tr.keyPay):
		return tr.openPay()
	case key.Matches(k, tr.keyCamps):
		tr.camps.open = true
	case key.Matches(k, tr.keyFilter):
		tr.filtering = true
		return tr.filter.Focus()
	case key.Matches(k, tr.keyClear) && tr.filter.Value() != "":
		tr.filter.SetValue("")
		tr.dirty = true
	}
	return nil
}

func (tr *treasuryTab) move(d int) {
	tr.armed = 0
	n := tr.count()
	if n == 0 {
		return
	}
	tr.cursor = min(max(tr.cursor+d, 0), n-1)
	tr.remember()
}

func (tr *treasuryTab) switchAsset(d int) {
	if len(tr.shown) < 2 {
		return
	}
	i := 0
	for j, a := range tr.shown {
		if a.Asset == tr.asset {
			i = j
		}
	}
	tr.asset = tr.shown[(i+d+len(tr.shown))%len(tr.shown)].Asset
	tr.months = flows(tr.data().ledger, tr.asset, chartMonths)
}

func (tr *treasuryTab) sign() tea.Cmd {
	if len(tr.pending) == 0 {
		tr.c.status, tr.c.statusErr = "no payout is waiting for signatures", false
		return nil
	}
	if tr.cursor >= len(tr.pending) {
		tr.c.status, tr.c.statusErr = "move up to a payout waiting for signatures, then press s", false
		return nil
	}
	p := tr.pending[tr.cursor]
	// Signing moves money: the first press asks, the second signs.
	if tr.armed != p.ID {
		tr.armed = p.ID
		tr.c.status, tr.c.statusErr = fmt.Sprintf("press s again to sign #%d: %s to %s", p.ID, tr.amount(p.Amount, p.Asset), tr.name(p.To)), false
		return nil
	}
	tr.armed = 0
	// State decides who may sign; its refusal shows in the status bar.
	return tr.c.submitAs("sign", fmt.Sprintf("you signed payout #%d: %s to %s", p.ID, tr.amount(p.Amount, p.Asset), tr.name(p.To)),
		state.SignPayout{ID: p.ID})
}

func (tr *treasuryTab) updateFilter(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, tr.keyClear):
			tr.filtering = false
			tr.filter.Blur()
			tr.filter.SetValue("")
			tr.dirty = true
			return nil
		case key.Matches(k, tr.keyDone):
			tr.filtering = false
			tr.filter.Blur()
			return nil
		}
	}
	var cmd tea.Cmd
	tr.filter, cmd = tr.filter.Update(msg)
	tr.dirty = true
	return cmd
}

func (tr *treasuryTab) closeInput() {
	tr.giving, tr.busy = false, false
	tr.input.Blur()
	tr.input.SetValue("")
}

func (tr *treasuryTab) updateInput(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, tr.keyEsc):
		tr.closeInput()
		return nil
	case tr.busy:
		return nil // typing while a command is in flight is ignored
	case isKey && key.Matches(k, tr.keySend):
		c, err := tr.parseContribution(tr.input.Value())
		if err != nil {
			tr.c.status, tr.c.statusErr = line(err.Error()), true
			return nil
		}
		tr.busy = true
		return tr.c.submitAs("contribute", fmt.Sprintf("thank you: %s contributed", tr.amount(c.Amount, c.Asset)), c)
	}
	var cmd tea.Cmd
	tr.input, cmd = tr.input.Update(msg)
	return cmd
}

// result closes the contribute box once the contribution is in, and names
// the ledger entry or payment a command made.
func (tr *treasuryTab) result(msg resultMsg) tea.Cmd {
	tr.camps.result(msg)
	switch msg.tag {
	case "contribute":
		tr.busy = false
		if msg.err != nil {
			return nil
		}
		tr.closeInput()
		for _, ev := range msg.events {
			if c, ok := ev.Body.(*state.Contributed); ok {
				tr.c.status = fmt.Sprintf("thank you: %s contributed, ledger entry #%d", tr.amount(c.Amount, c.Asset), c.Entry)
			}
		}
	case "allowance":
		tr.paid(msg)
	case "sign":
		if msg.err != nil {
			return nil
		}
		for _, ev := range msg.events {
			if s, ok := ev.Body.(*state.PayoutSigned); ok && s.Entry != 0 {
				tr.c.status = fmt.Sprintf("you signed payout #%d and it is paid: ledger entry #%d", s.Payout, s.Entry)
				if state.IsMemberSigned(s) {
					tr.c.status += " · signed by your key"
				}
			}
		}
	}
	return nil
}

// --- view ---

package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func treasuryTabOf(m tea.Model) *treasuryTab {
	return m.(*App).shell.tab(tabTreasury).(*treasuryTab)
}

// statusLineOf is the status bar and, when the latest message was too long
// for it, the message as wrapped above it, joined back into one line.
func statusLineOf(m tea.Model) string {
	lines := strings.Split(screen(m), "\n")
	last := lines[len(lines)-1]
	if a, ok := m.(*App); ok && a.shell != nil {
		if msg := a.shell.messageLines(); msg != nil {
			var words []string
			for _, l := range msg {
				words = append(words, strings.TrimSpace(ansi.Strip(l)))
			}
			return strings.Join(words, " ") + " " + last
		}
	}
	return last
}

func TestTreasuryEmptyState(t *testing.T) {
	f, alice, _ := seeded(t)
	v := screen(press(New(f.hub, alice, WithSize(80, 24), WithSSHCommand("ssh -p 23234 hub.example")), "3"))
	mustContain(t, v, "Treasury", "treasury is the money", "Nothing has been contributed yet.",
		"ssh -p 23234 hub.example treasury contribute 250.00 USD", "press c here")
}

func TestTreasuryBalancesAndLedger(t *testing.T) {
	f, alice, bob := seeded(t)
	m := press(New(f.hub, alice, WithSize(100, 30)), "3")
	f.as(bob, state.Contribute{Asset: "EUR", Amount: 25000, Memo: "June share"})
	f.as(alice, state.Contribute{Asset: "USD", Amount: 1250, Memo: "snacks"})
	f.as(alice, state.Contribute{Asset: "EUR", Amount: 500})
	// Live: the open tab shows new entries when the hub reports a change.
	m = refresh(m)
	v := screen(m)
	mustContain(t, v, "3 entries", "EUR 255.00", "USD 12.50", "In and out by month · EUR", "Nov 2026", "+255.00",
		"Ledger  newest first", "#1", "2026-11-25", "contribution", "bob", "+250.00 EUR", "June share",
		"+12.50 USD", "snacks", "+5.00 EUR")
	if strings.Contains(v, "BTC") {
		t.Fatalf("an asset with no balance and no entries is shown:\n%s", v)
	}
	// Newest first.
	if strings.Index(v, "+5.00 EUR") > strings.Index(v, "+250.00 EUR") {
		t.Fatalf("ledger is not newest first:\n%s", v)
	}
	// → switches the chart's asset.
	m = press(m, "right")
	mustContain(t, screen(m), "In and out by month · USD", "+12.50")
	m = press(m, "[")
	mustContain(t, screen(m), "In and out by month · EUR")

	// / filters by memo, member or kind.
	m = typeText(press(m, "/"), "snack")
	v = screen(m)
	mustContain(t, v, "1 of 3 entries match", "snacks")
	if strings.Contains(v, "June share") {
		t.Fatalf("filter kept June share:\n%s", v)
	}
	m = press(m, "enter")
	m = typeText(press(m, "esc", "/"), "bob")
	v = screen(m)
	mustContain(t, v, "1 of 3 entries match", "June share")
	m = press(m, "esc")
	mustContain(t, screen(m), "June share", "snacks", "Ledger  newest first")
}

func TestTreasuryContributeInput(t *testing.T) {
	f, alice, _ := seeded(t)
	a := press(New(f.hub, alice, WithSize(80, 24)), "3", "c").(*App)
	if !treasuryTabOf(a).Capturing() {
		t.Fatal("contribute box does not capture keys")
	}
	typeText(a, "12.345 EUR lunch")
	press(a, "enter")
	if st := statusLineOf(a); !strings.Contains(st, `amount "12.345" has 3 decimals`) || !a.c.statusErr {
		t.Fatalf("bad amount not reported: %q", st)
	}
	if !treasuryTabOf(a).Capturing() {
		t.Fatal("the box closed after a bad amount")
	}
	press(a, "esc", "c")
	typeText(a, "10 XYZ x")
	press(a, "enter")
	mustContain(t, statusLineOf(a), `unknown asset "XYZ"`)
	press(a, "esc", "c")
	typeText(a, "250.00 eur June share q1")
	press(a, "enter")
	v := screen(a)
	mustContain(t, v, "thank you: 250.00 EUR contributed, ledger entry #1", "EUR 250.00", "+250.00 EUR", "June share q1")
	if treasuryTabOf(a).Capturing() || a.shell.active != tabTreasury || a.sess.closed() {
		t.Fatal("still capturing, or q/1 acted as global keys while typing")
	}
	bals, err := f.hub.Balances()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bals {
		if b.Asset == "EUR" && b.Balance != 25000 {
			t.Fatalf("EUR balance %d", b.Balance)
		}
	}
	ledger, _ := f.hub.Ledger(0, 0)
	if len(ledger) != 1 || ledger[0].Memo != "June share q1" || ledger[0].Member != 1 {
		t.Fatalf("ledger %+v", ledger)
	}
}

// withPayout: alice and dave are treasurers, bob contributed 300 EUR and
// proposed paying himself 100 EUR, which passed: payout #1 is pending.
func withPayout(t *testing.T) (f *fixture, alice, bob, dave Identity) {
	f, alice, bob = seeded(t)
	dave = f.member(alice, "dave")
	for _, id := range []uint64{1, 3} {
		f.as(alice, state.SetRole{Member: id, Role: state.RoleTreasurer, Grant: true})
	}
	f.as(bob, state.Contribute{Asset: "EUR", Amount: 30000, Memo: "pool"})
	f.as(bob, state.NewProposal{Kind: state.KindSpend, Title: "Paint for the door", Method: state.MethodYesNo,
		Action: state.Action{Member: 2, Asset: "EUR", Amount: 10000, Memo: "paint"}})
	for _, id := range []Identity{alice, bob, dave} {
		f.as(id, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.advance(8 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())
	ps, err := f.hub.Payouts()
	if err != nil || len(ps) != 1 || ps[0].Status != state.PayoutPending {
		t.Fatalf("payouts %+v %v", ps, err)
	}
	return f, alice, bob, dave
}

func TestTreasuryPayoutSigning(t *testing.T) {
	f, alice, bob, dave := withPayout(t)
	m := press(New(f.hub, alice, WithSize(80, 24)), "3")
	v := screen(m)
	mustContain(t, v, "Payouts waiting for signatures (1)", "#1", "100.00 EUR", "to bob", "0 of 2 signed",
		"paint · proposal #1", "you are a treasurer", "s sign payout")
	// The first s asks; only the second signs.
	m = press(m, "s")
	mustContain(t, statusLineOf(m), "press s again")
	if ps, _ := f.hub.Payouts(); len(ps[0].Signers) != 0 {
		t.Fatalf("signed on the first press: %+v", ps)
	}
	m = press(m, "s")
	v = screen(m)
	mustContain(t, v, "you signed payout #1: 100.00 EUR to bob", "1 of 2 signed, you too")
	if ps, _ := f.hub.Payouts(); len(ps[0].Signers) != 1 || ps[0].Signers[0] != 1 {
		t.Fatalf("signature not recorded: %+v", ps)
	}
	m = press(m, "s", "s")
	mustContain(t, statusLineOf(m), "you already signed payout 1")

	// bob proposed it and is no treasurer: the hub's refusal is shown.
	b := press(New(f.hub, bob, WithSize(80, 24)), "3", "s", "s")
	mustContain(t, statusLineOf(b), "only treasurers may sign payouts")
	if !b.(*App).c.statusErr {
		t.Fatal("refusal not shown as an error")
	}

	// dave's signature completes it: paid, out of the pending list, in the
	// ledger and the chart.
	d := press(New(f.hub, dave, WithSize(100, 30)), "3", "s", "s")
	v = screen(d)
	mustContain(t, v, "you signed payout #1 and it is paid: ledger entry #2", "EUR 200.00", "payout", "−100.00 EUR",
		"payout #1 · paint", "Dec 2026", "Nov 2026")
	if strings.Contains(v, "waiting for signatures") {
		t.Fatalf("paid payout still pending:\n%s", v)
	}
	// alice's open screen catches up on the next change.
	mustContain(t, screen(refresh(m)), "EUR 200.00", "−100.00 EUR")
}

func TestTreasuryFitsAllSizes(t *testing.T) {
	f, alice, _, _ := withPayout(t)
	f.as(alice, state.Contribute{Asset: "USD", Amount: 99999999, Memo: strings.Repeat("long memo ", 18)})
	f.as(alice, state.Contribute{Asset: "BTC", Amount: 1, Memo: "sats"})
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {120, 40}} {
		m := New(f.hub, alice, WithSize(sz[0], sz[1]))
		for _, keys := range [][]string{{"3"}, {"down"}, {"right"}, {"G"}, {"c"}, {"esc", "/"}, {"x"}, {"esc", "?"}, {"?"}} {
			m = press(m, keys...)
			checkFits(t, screen(m), sz[0], sz[1])
		}
	}
	m := New(f.hub, alice)
	for _, sz := range [][2]int{{1, 1}, {0, 0}, {10, 3}, {30, 8}, {45, 12}, {60, 15}, {5000, 2}, {3, 4000}} {
		m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, k := range []string{"3", "/", "x", "esc", "down", "right", "left", "G", "g", "c", "1", "esc", "?", "?"} {
			m = press(m, k)
			v := m.View().Content
			w, h := max(sz[0], 1), max(sz[1], 1)
			if got := strings.Count(v, "\n") + 1; got > h {
				t.Fatalf("%dx%d: %d lines", sz[0], sz[1], got)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%dx%d: line too wide: %q", sz[0], sz[1], l)
				}
			}
		}
	}
}

func TestTreasuryHostileTextIsInert(t *testing.T) {
	f, alice, _ := seeded(t)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixMilli()
	snap := &snapshot{
		info: state.HubInfo{Name: "Hub"}, member: true,
		me:      state.Member{ID: 1, Name: evil, Roles: []string{state.RoleMember, state.RoleTreasurer}},
		members: []state.Member{{ID: 1, Name: evil}, {ID: 2, Name: "b" + evil}},
		treasury: &treasuryData{
			assets: []state.AssetBalance{{Asset: "EUR", Decimals: 2, Balance: 100}, {Asset: "X" + evil, Decimals: 2, Balance: 5}},
			ledger: []state.Entry{
				{ID: 3, Kind: state.EntryAllowance, Member: 2, Asset: "EUR", Amount: 5, Allowance: 1, Time: at},
				{ID: 2, Kind: state.EntryPayout, Member: 2, Asset: "EUR", Amount: 50, Memo: "paid " + evil, Payout: 1, Time: at},
				{ID: 1, Kind: "contribution" + evil, Member: 1, Asset: "X" + evil, Amount: 150, Memo: evil, Time: at},
			},
			payouts: []state.Payout{{ID: 2, Proposal: 3, Author: 2, To: 2, Asset: "X" + evil, Amount: 7, Memo: "m " + evil,
				Needed: 2, Signers: []uint64{1}, Status: state.PayoutPending}},
			allow: []state.Allowance{{ID: 1, Proposal: 4, Role: "mod" + evil, Asset: "EUR", Amount: 200, Period: "month" + evil, Spent: 5,
				PeriodStart: state.PeriodStart(state.PeriodMonth, at)},
				{ID: 2, Proposal: 5, Member: 2, Asset: "X" + evil, Amount: 9, Period: state.PeriodWeek}},
		},
		size: 5,
	}
	snap.treasury.derive()
	for _, w := range []int{80, 200} {
		a := New(f.hub, alice, WithSize(w, 40), WithClock(func() time.Time { return time.UnixMilli(at) })).(*App)
		a.applySnapshot(snap)
		press(a, "3")
		assertInert(t, "treasury", a.View().Content)
		mustContain(t, screen(a), "1 of 2 signed", "payout #1", "Allowances (2)", "1.95 of 2.00 EUR left this month",
			"Balance at month end · EUR")
		if w == 200 {
			mustContain(t, screen(a), "allowance #1")
		}
		for _, k := range []string{"right", "down", "c", "esc", "/", "esc", "down", "p", "esc", "down", "p"} {
			a.Update(keyMsg(k))
			assertInert(t, "treasury "+k, a.View().Content)
		}
		// The same, drawn directly by the tab.
		assertInert(t, "tab view", treasuryTabOf(a).View())
	}
}

func TestParseContribution(t *testing.T) {
	tr := &treasuryTab{dec: map[string]int{"EUR": 2, "BTC": 8}, c: &common{snap: &snapshot{}}}
	for in, want := range map[string]state.Contribute{
		"250.00 EUR June share":   {Asset: "EUR", Amount: 25000, Memo: "June share"},
		"  eur 12  ":              {Asset: "EUR", Amount: 1200},
		"0.00000001 BTC":          {Asset: "BTC", Amount: 1},
		"5 EUR   spaced   memo  ": {Asset: "EUR", Amount: 500, Memo: "spaced   memo"},
	} {
		got, err := tr.parseContribution(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"":           "type an amount",
		"250":        "type an amount",
		"12.345 EUR": "has 3 decimals",
		"-5 EUR":     "not a plain decimal",
		"1e9 EUR":    "not a plain decimal",
		"5 ABC":      "unknown asset",
		"0 EUR":      "more than zero",
	} {
		if _, err := tr.parseContribution(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// peek reads the fixture's clock without moving it.
func (c *testClock) peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// withAllowance: bob contributed 1000 EUR in November; a passed spend
// proposal gave every moderator 200 EUR a month, and dave is a moderator.
// The hub's clock is then in December.
func withAllowance(t *testing.T) (f *fixture, alice, bob, dave Identity) {
	f, alice, bob = seeded(t)
	dave = f.member(alice, "dave")
	f.as(bob, state.Contribute{Asset: "EUR", Amount: 100000, Memo: "pool"})
	f.as(bob, state.NewProposal{Kind: state.KindSpend, Title: "House manager budget", Method: state.MethodYesNo,
		Action: state.Action{Role: state.RoleModerator, Asset: "EUR", Amount: 20000, Period: state.PeriodMonth}})
	for _, id := range []Identity{alice, bob, dave} {
		f.as(id, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.advance(8 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())
	if as, err := f.hub.Allowances(); err != nil || len(as) != 1 || as[0].Role != state.RoleModerator {
		t.Fatalf("allowances %+v %v", as, err)
	}
	f.as(alice, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	return f, alice, bob, dave
}

func TestTreasuryAllowancePay(t *testing.T) {
	f, _, bob, dave := withAllowance(t)
	clock := WithClock(f.clk.peek)
	d := press(New(f.hub, dave, WithSize(80, 24), clock), "3").(*App)
	v := screen(d)
	mustContain(t, v, "Allowances (1)", "#1", "every moderator", "200.00 of 200.00 EUR left this month",
		"yours", "you hold an allowance", "p pay from allowance", "Balance at month end · EUR")

	// p pays from the allowance under the cursor; the box takes every key.
	press(d, "p")
	if !treasuryTabOf(d).Capturing() {
		t.Fatal("pay box does not capture keys")
	}
	mustContain(t, screen(d), "Pay from allowance #1", "every moderator · 200.00 of 200.00 EUR left this month")
	typeText(d, "1.234 x")
	press(d, "enter")
	if st := statusLineOf(d); !strings.Contains(st, `has 3 decimals`) || !d.c.statusErr {
		t.Fatalf("bad amount not reported: %q", st)
	}
	press(d, "esc", "p")
	typeText(d, "150 EUR cleaning q1")
	press(d, "enter")
	v = screen(d)
	mustContain(t, v, "paid 150.00 EUR from allowance #1, entry #2", "50.00 of 200.00 EUR left this month",
		"allowance", "−150.00 EUR", "allowance #1 · cle", "EUR 850.00")
	if treasuryTabOf(d).Capturing() || d.shell.active != tabTreasury || d.sess.closed() {
		t.Fatal("still capturing, or q/1 acted as global keys while typing")
	}
	// No memo: the ledger names the allowance.
	press(d, "p")
	typeText(d, "10")
	press(d, "enter")
	mustContain(t, screen(d), "entry #3", "−10.00 EUR", "allowance #1", "40.00 of 200.00 EUR left")
	// Over what is left: the hub's refusal, and the box stays open.
	press(d, "p")
	typeText(d, "40.01 more")
	press(d, "enter")
	if st := statusLineOf(d); !strings.Contains(st, "allowance 1 has 40.00 EUR left this month") || !d.c.statusErr {
		t.Fatalf("over the allowance not refused: %q", st)
	}
	if !treasuryTabOf(d).Capturing() {
		t.Fatal("the box closed after a refusal")
	}
	press(d, "esc")
	ledger, _ := f.hub.Ledger(0, 0)
	if len(ledger) != 3 || ledger[1].Kind != state.EntryAllowance || ledger[1].Amount != 15000 || ledger[1].Memo != "cleaning q1" {
		t.Fatalf("ledger %+v", ledger)
	}

	// bob holds no allowance: no p in his help, and the hub refuses him.
	b := press(New(f.hub, bob, WithSize(80, 24), clock), "3").(*App)
	v = screen(b)
	mustContain(t, v, "every moderator", "40.00 of 200.00 EUR left this month")
	if strings.Contains(v, "pay from allowance") || strings.Contains(v, "yours") {
		t.Fatalf("non-holder offered the allowance:\n%s", v)
	}
	press(b, "p")
	typeText(b, "5 snacks")
	press(b, "enter")
	if st := statusLineOf(b); !strings.Contains(st, "allowance 1 is not yours") || !b.c.statusErr {
		t.Fatalf("non-holder not refused: %q", st)
	}

	// The balance line: November's end and December's, scaled to the highest.
	w := press(New(f.hub, dave, WithSize(120, 40), clock), "3")
	mustContain(t, screen(w), "Balance at month end · EUR  Nov 2026 1000.00  ██▆▆  840.00 Dec 2026",
		"200.00 EUR a month", "yours · proposal #1", "allowance #1 · cleaning q1", "Dec 2026", "−160.00")
}

func TestTreasuryMonthEnds(t *testing.T) {
	day := func(m time.Month, d int) int64 { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC).UnixMilli() }
	d := &treasuryData{
		allow: []state.Allowance{{ID: 1, Role: "moderator", Asset: "EUR"}, {ID: 2, Member: 7, Asset: "EUR"}, {ID: 3, Member: 8, Asset: "USD"}},
		ledger: []state.Entry{ // newest first
			{ID: 6, Kind: state.EntryAllowance, Member: 9, Asset: "EUR", Amount: 5, Time: day(12, 2)},
			{ID: 5, Kind: state.EntryAllowance, Member: 7, Asset: "EUR", Amount: 5, Time: day(12, 1)},
			{ID: 4, Kind: state.EntryPayout, Asset: "EUR", Amount: 100, Lines: []state.Line{{Account: "treasury", Delta: -100}}, Time: day(10, 3)},
			{ID: 3, Kind: state.EntryReversal, Asset: "EUR", Amount: 50, Time: day(9, 9)},
			{ID: 2, Kind: state.EntryContribution, Asset: "USD", Amount: 7, Time: day(9, 2)},
			{ID: 1, Kind: state.EntryContribution, Asset: "EUR", Amount: 500, Time: day(9, 1)},
		},
	}
	d.derive()
	want := []monthBalance{{"Sep 2026", 450}, {"Oct 2026", 350}, {"Dec 2026", 340}}
	if got := d.monthEnd["EUR"]; !slices.Equal(got, want) {
		t.Fatalf("month ends %+v, want %+v", got, want)
	}
}

func TestTreasuryAllowanceFitsAllSizes(t *testing.T) {
	f, alice, bob, dave := withAllowance(t)
	// A second allowance, bob's own, 50 EUR a week.
	f.as(alice, state.NewProposal{Kind: state.KindSpend, Title: "Bob's errands", Method: state.MethodYesNo,
		Action: state.Action{Member: 2, Asset: "EUR", Amount: 5000, Period: state.PeriodWeek}})
	for _, id := range []Identity{alice, bob, dave} {
		f.as(id, state.CastVote{ID: 2, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.advance(8 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())
	f.as(bob, state.SpendAllowance{ID: 2, Amount: 1234, Memo: strings.Repeat("errand ", 20)})
	f.as(alice, state.SetRole{Member: 1, Role: state.RoleModerator, Grant: true})
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		m := New(f.hub, alice, WithSize(sz[0], sz[1]), WithClock(f.clk.peek))
		for _, keys := range [][]string{{"3"}, {"down"}, {"p"}, {"1"}, {"esc", "G"}, {"c"}, {"esc", "/"}, {"x"}, {"esc", "?"}, {"?"}} {
			m = press(m, keys...)
			v := screen(m)
			checkFits(t, v, sz[0], sz[1])
			if !strings.Contains(v, "Ledger") {
				t.Fatalf("%v: the ledger is gone:\n%s", sz, v)
			}
		}
	}
	m := New(f.hub, alice)
	for _, sz := range [][2]int{{1, 1}, {0, 0}, {10, 3}, {30, 8}, {45, 12}, {60, 15}, {5000, 2}, {3, 4000}} {
		m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, k := range []string{"3", "p", "5", "esc", "down", "p", "esc", "right", "G", "g", "1", "?", "?"} {
			m = press(m, k)
			v := m.View().Content
			w, h := max(sz[0], 1), max(sz[1], 1)
			if got := strings.Count(v, "\n") + 1; got > h {
				t.Fatalf("%dx%d: %d lines", sz[0], sz[1], got)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%dx%d: line too wide: %q", sz[0], sz[1], l)
				}
			}
		}
	}
}

func TestParseAllowancePay(t *testing.T) {
	tr := &treasuryTab{dec: map[string]int{"EUR": 2}, c: &common{snap: &snapshot{}}, payAl: state.Allowance{ID: 4, Asset: "EUR"}}
	for in, want := range map[string]state.SpendAllowance{
		"12.50 cleaning supplies": {ID: 4, Amount: 1250, Memo: "cleaning supplies"},
		" 3 eur  bus ":            {ID: 4, Amount: 300, Memo: "bus"},
		"7":                       {ID: 4, Amount: 700},
	} {
		if got, err := tr.parsePay(in); err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for in, want := range map[string]string{"": "type an amount", "1.234 x": "has 3 decimals", "-1": "not a plain decimal", "0": "more than zero"} {
		if _, err := tr.parsePay(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

package ssh

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func payoutsJSON(t *testing.T, ts *testServer, u *user) []state.Payout {
	t.Helper()
	r := mustRun(t, "treasury payouts --json", u.run(t, ts, "treasury payouts --json"))
	var ps []state.Payout
	if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil {
		t.Fatalf("payouts --json: %v: %q", err, r.stdout)
	}
	return ps
}

func balanceJSONOf(t *testing.T, ts *testServer, u *user, asset string) cmd.BalanceJSON {
	t.Helper()
	r := mustRun(t, "treasury balance --json", u.run(t, ts, "treasury balance --json"))
	var bs []cmd.BalanceJSON
	if err := json.Unmarshal([]byte(r.stdout), &bs); err != nil {
		t.Fatalf("balance --json: %v: %q", err, r.stdout)
	}
	for _, b := range bs {
		if b.Asset == asset {
			return b
		}
	}
	t.Fatalf("balance --json has no %s: %q", asset, r.stdout)
	return cmd.BalanceJSON{}
}

func ledgerCSVOf(t *testing.T, ts *testServer, u *user, flags string) [][]string {
	t.Helper()
	r := mustRun(t, "treasury ledger --csv", u.run(t, ts, "treasury ledger --csv"+flags))
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("ledger --csv is not CSV: %v: %q", err, r.stdout)
	}
	if strings.Join(recs[0], ",") != "id,time,kind,member,asset,amount,memo,reverses,payout,event" {
		t.Fatalf("ledger --csv header: %q", recs[0])
	}
	return recs[1:]
}

// passSpend opens a spend proposal as author, votes it through and closes
// it at its deadline; it returns the proposal's ID.
func passSpend(t *testing.T, hub *state.Hub, clk *fakeClock, ts *testServer, author *user, voters []*user, args ...string) string {
	t.Helper()
	args = append([]string{"proposal", "new", "--kind", "spend"}, args...)
	r := mustRun(t, "spend proposal", author.runIn(t, ts, "Reimburse the paint.", args...))
	id := lastLine(r.stdout)
	for _, v := range voters {
		mustRun(t, v.name+" vote", v.run(t, ts, "vote "+id+" yes"))
	}
	clk.advance(7*24*time.Hour + time.Minute)
	hub.CloseDue(context.Background())
	if v := showJSON(t, ts, author, id); v.State != state.PropExecuted {
		t.Fatalf("spend proposal %s is %s, want executed", id, v.State)
	}
	return id
}

// A passed spend proposal becomes a payout that two treasurers, not its
// author, co-sign; the completing signature pays it, unless it would
// overdraw.
func TestTreasurySpendPayout(t *testing.T) {
	start := time.Date(2030, 6, 30, 23, 0, 0, 0, time.UTC)
	clk := &fakeClock{t: start}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, carol := community(t, hub)

	for _, id := range []string{"1", "3"} {
		r := mustRun(t, "role grant", alice.run(t, ts, "role grant "+id+" treasurer"))
		if !strings.Contains(r.stdout, "is now a treasurer") {
			t.Fatalf("role grant: %q", r.stdout)
		}
	}
	// OpenSSH drops the quotes: the memo's words come back together.
	r := mustRun(t, "contribute", alice.run(t, ts, "treasury contribute 150.00 EUR --memo June rent share"))
	if lastLine(r.stdout) != "1" || !strings.Contains(r.stdout, "the treasury now holds 150.00 EUR") {
		t.Fatalf("contribute: %q", r.stdout)
	}
	mustRun(t, "contribute", carol.runIn(t, ts, "", "treasury", "contribute", "20", "eur", "--memo", "@SUM(A1)"))
	if b := balanceJSONOf(t, ts, bob, "EUR"); b.Balance != 17000 || b.Amount != "170.00" || b.Decimals != 2 {
		t.Fatalf("balance: %+v", b)
	}

	// bob proposes paying himself 100.00 EUR; everyone agrees.
	id := passSpend(t, hub, clk, ts, bob, []*user{alice, bob, carol},
		"--title", "Paint for the door", "--to", "2", "--amount", "100.00", "--asset", "EUR", "--memo", "paint")
	r = mustRun(t, "proposal show", alice.run(t, ts, "proposal show "+id))
	if !strings.Contains(r.stdout, "kind      spend (pay 100.00 EUR to member 2; memo: paint)") {
		t.Fatalf("proposal show: %q", r.stdout)
	}
	ps := payoutsJSON(t, ts, carol)
	if len(ps) != 1 || ps[0].ID != 1 || ps[0].To != 2 || ps[0].Amount != 10000 || ps[0].Asset != "EUR" ||
		ps[0].Needed != 2 || ps[0].Status != state.PayoutPending || len(ps[0].Signers) != 0 || ps[0].Memo != "paint" {
		t.Fatalf("payouts: %+v", ps)
	}
	r = mustRun(t, "payouts", bob.run(t, ts, "treasury payouts"))
	if !strings.Contains(r.stdout, "bob (member 2)") || !strings.Contains(r.stdout, "100.00 EUR") || !strings.Contains(r.stdout, "0/2") {
		t.Fatalf("payouts: %q", r.stdout)
	}

	// bob is no treasurer; alice's signature alone does not pay.
	r = bob.run(t, ts, "treasury sign 1")
	checkFailure(t, "bob signs", r)
	if !strings.Contains(r.stderr, "only treasurers may sign payouts") {
		t.Fatalf("bob signs: %q", r.stderr)
	}
	r = mustRun(t, "alice signs", alice.run(t, ts, "treasury sign 1"))
	if !strings.HasPrefix(r.stdout, "You signed payout 1 (event ") || !strings.Contains(r.stdout, "1 of 2 signatures") {
		t.Fatalf("alice signs: %q", r.stdout)
	}
	checkFailure(t, "alice signs twice", alice.run(t, ts, "treasury sign 1"))
	if b := balanceJSONOf(t, ts, bob, "EUR"); b.Balance != 17000 {
		t.Fatalf("balance after one signature: %+v", b)
	}
	r = mustRun(t, "carol signs", carol.run(t, ts, "treasury sign 1"))
	if !strings.HasPrefix(r.stdout, "Payout 1 is paid: 100.00 EUR to bob (member 2), ledger entry 3 (event ") ||
		!strings.Contains(r.stdout, "the treasury now holds 70.00 EUR") {
		t.Fatalf("carol signs: %q", r.stdout)
	}
	if ps := payoutsJSON(t, ts, bob); ps[0].Status != state.PayoutPaid || ps[0].Entry != 3 || len(ps[0].Signers) != 2 {
		t.Fatalf("paid payout: %+v", ps[0])
	}
	if b := balanceJSONOf(t, ts, bob, "EUR"); b.Balance != 7000 || b.Amount != "70.00" {
		t.Fatalf("balance after the payout: %+v", b)
	}
	checkFailure(t, "sign a paid payout", carol.run(t, ts, "treasury sign 1"))

	// The ledger export is complete, and --to includes its whole day.
	rows := ledgerCSVOf(t, ts, bob, "")
	if len(rows) != 3 {
		t.Fatalf("ledger rows: %q", rows)
	}
	want := [][]string{
		{"1", "2030-06-30T23:00:00Z", "contribution", "1", "EUR", "150.00", "June rent share", "", ""},
		{"2", "2030-06-30T23:00:00Z", "contribution", "3", "EUR", "20.00", "'@SUM(A1)", "", ""},
		{"3", rows[2][1], "payout", "2", "EUR", "-100.00", "paint", "", "1"}, // money out is negative
	}
	for i, w := range want {
		if strings.Join(rows[i][:9], ",") != strings.Join(w, ",") || rows[i][9] == "" {
			t.Errorf("ledger row %d: %q, want %q", i, rows[i], w)
		}
	}
	if rows := ledgerCSVOf(t, ts, bob, " --to 2030-06-30"); len(rows) != 2 {
		t.Errorf("ledger --to 2030-06-30: %q", rows)
	}
	if rows := ledgerCSVOf(t, ts, bob, " --from 2030-07-01"); len(rows) != 1 || rows[0][2] != "payout" {
		t.Errorf("ledger --from 2030-07-01: %q", rows)
	}
	r = mustRun(t, "ledger --json", bob.run(t, ts, "treasury ledger --json --limit 2"))
	var es []state.Entry
	if err := json.Unmarshal([]byte(r.stdout), &es); err != nil || len(es) != 2 || es[1].Payout != 1 || es[1].Seq == 0 {
		t.Fatalf("ledger --json: %v %q", err, r.stdout)
	}

	// Payouts made from now on need one signature. alice proposes paying
	// bob more than the treasury holds: as author she may not sign, and
	// carol's completing signature is refused.
	mustRun(t, "policy", alice.run(t, ts, "treasury policy --signers 1"))
	passSpend(t, hub, clk, ts, alice, []*user{alice, bob, carol},
		"--title", "Too much", "--to", "2", "--amount", "1000", "--asset", "EUR")
	before := hub.StateDigest()
	r = alice.run(t, ts, "treasury sign 2")
	checkFailure(t, "author signs", r)
	if !strings.Contains(r.stderr, "you proposed this payout") {
		t.Fatalf("author signs: %q", r.stderr)
	}
	r = carol.run(t, ts, "treasury sign 2")
	checkFailure(t, "overdraw", r)
	if !strings.HasPrefix(r.stderr, "polis: the treasury holds 70.00 EUR; payout 2 needs 1000.00") || r.stdout != "" {
		t.Fatalf("overdraw: %+v", r)
	}
	if hub.StateDigest() != before {
		t.Fatal("a refused signature changed the state")
	}
	if ps := payoutsJSON(t, ts, bob); len(ps) != 2 || ps[1].Status != state.PayoutPending || ps[1].Needed != 1 {
		t.Fatalf("payouts: %+v", ps)
	}
}

// Bad spend flags on proposal new are refused before anything is written.
func TestSpendProposalFlags(t *testing.T) {
	hub := newHub(t)
	ts, alice, _, _ := community(t, hub)
	before := hub.StateDigest()
	base := []string{"proposal", "new", "--title", "Pay", "--kind", "spend"}
	for _, b := range []struct {
		args []string
		want string
	}{
		{[]string{"--to", "2", "--amount", "1"}, "needs --to MEMBER-ID (or --to-role ROLE with --every) --amount AMOUNT --asset CODE"},
		{[]string{"--to", "2", "--amount", "12.345", "--asset", "USD"}, "has 3 decimals"},
		{[]string{"--to", "2", "--amount", "1e9", "--asset", "USD"}, "not a plain decimal number"},
		{[]string{"--to", "2", "--amount", "-1", "--asset", "USD"}, "negative"},
		{[]string{"--to", "2", "--amount", "0", "--asset", "USD"}, "more than zero"},
		{[]string{"--to", "2", "--amount", "1", "--asset", "XYZ"}, "unknown asset"},
		{[]string{"--to", "x", "--amount", "1", "--asset", "USD"}, "no member named \"x\""},
		{[]string{"--to", "99", "--amount", "1", "--asset", "USD"}, "no member 99 to pay"},
		{[]string{"--to", "2", "--amount", "1", "--asset", "USD", "--method", "approval", "--options", "a,b"}, "yes/no"},
	} {
		r := alice.runIn(t, ts, "", append(base, b.args...)...)
		checkFailure(t, strings.Join(b.args, " "), r)
		if !strings.Contains(r.stderr, b.want) {
			t.Errorf("%v: stderr %q, want %q", b.args, r.stderr, b.want)
		}
	}
	r := alice.runIn(t, ts, "", "proposal", "new", "--title", "x", "--kind", "text", "--amount", "5")
	checkFailure(t, "text with --amount", r)
	if hub.StateDigest() != before {
		t.Fatal("a refused proposal changed the state")
	}
}

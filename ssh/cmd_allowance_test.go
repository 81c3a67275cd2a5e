package ssh

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// A monthly allowance for a role, granted by a passed spend proposal: the
// holder pays from it over SSH until it runs out; the next month it is
// whole again.
func TestAllowanceOverSSH(t *testing.T) {
	clk := &fakeClock{t: time.Date(2030, 6, 10, 12, 0, 0, 0, time.UTC)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, carol := community(t, hub)
	mustRun(t, "contribute", alice.run(t, ts, "treasury contribute 500.00 EUR"))
	passSpend(t, hub, clk, ts, carol, []*user{alice, bob, carol},
		"--title", "House manager budget", "--to-role", "moderator", "--every", "month", "--amount", "200", "--asset", "EUR")
	r := mustRun(t, "allowance list", bob.run(t, ts, "treasury allowance list --json"))
	var as []state.Allowance
	if err := json.Unmarshal([]byte(r.stdout), &as); err != nil || len(as) != 1 || as[0].Role != "moderator" || as[0].Amount != 20000 {
		t.Fatalf("allowances %v %q", err, r.stdout)
	}
	r = bob.run(t, ts, "treasury allowance spend 1 50")
	checkFailure(t, "not a moderator", r)
	if !strings.Contains(r.stderr, "not yours") {
		t.Fatalf("stderr %q", r.stderr)
	}
	mustRun(t, "grant", alice.run(t, ts, "role grant 2 moderator"))
	r = mustRun(t, "spend", bob.run(t, ts, "treasury allowance spend 1 150.00 --memo cleaning supplies"))
	if lastLine(r.stdout) == "" || !strings.Contains(r.stdout, "Paid 150.00 EUR from allowance 1") {
		t.Fatalf("spend: %q", r.stdout)
	}
	r = bob.run(t, ts, "treasury allowance spend 1 60")
	checkFailure(t, "over the allowance", r)
	if !strings.Contains(r.stderr, "50.00 EUR left this month") {
		t.Fatalf("stderr %q", r.stderr)
	}
	for _, bad := range []string{"treasury allowance spend 1 12.345", "treasury allowance spend 9 1", "treasury allowance spend x 1", "treasury allowance spend 1 -1"} {
		checkFailure(t, bad, bob.run(t, ts, bad))
	}
	clk.advance(31 * 24 * time.Hour)
	mustRun(t, "spend next month", bob.run(t, ts, "treasury allowance spend 1 200"))
	r = mustRun(t, "csv", alice.run(t, ts, "treasury ledger --csv"))
	if strings.Count(r.stdout, ",allowance,") != 2 || !strings.Contains(r.stdout, "cleaning supplies") {
		t.Fatalf("ledger csv:\n%s", r.stdout)
	}
}

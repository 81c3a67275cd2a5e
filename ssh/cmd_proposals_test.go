package ssh

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// fakeClock is a settable clock the sequencer and the test share.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newHubWith is newHub with the given store options (a pinned clock).
func newHubWith(t testing.TB, o store.Options) *state.Hub {
	t.Helper()
	return hubtest.NewHubWith(t, o)
}

// community starts a server with alice (steward), bob and carol as members.
func community(t *testing.T, hub *state.Hub) (*testServer, *user, *user, *user) {
	t.Helper()
	ts := startServer(t, hub)
	alice, bob, carol := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "carol")
	admit(t, hub, alice, "alice")
	r := alice.run(t, ts, "invite create --uses 2 --expires 0")
	if r.code != 0 {
		t.Fatalf("invite: %+v", r)
	}
	code := lastLine(r.stdout)
	for _, u := range []*user{bob, carol} {
		if r := u.run(t, ts, cmdline("join", code, "--name", u.name)); r.code != 0 {
			t.Fatalf("%s join: %+v", u.name, r)
		}
	}
	return ts, alice, bob, carol
}

func (u *user) runIn(t testing.TB, ts *testServer, stdin string, args ...string) result {
	t.Helper()
	return exec(t, ts.addr, []gossh.Signer{u.signer}, cmdline(args...), stdin)
}

func mustRun(t testing.TB, what string, r result) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s: %+v", what, r)
	}
	return r
}

func showJSON(t testing.TB, ts *testServer, u *user, id string) state.ProposalView {
	t.Helper()
	r := mustRun(t, "proposal show --json", u.run(t, ts, "proposal show --json "+id))
	var v state.ProposalView
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("proposal show --json: %v: %q", err, r.stdout)
	}
	// The raw JSON must carry the tally's integer fields by name.
	var raw struct {
		Tally map[string]any `json:"tally"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"yes", "no", "abstain", "quorum_met", "state"} {
		if _, ok := raw.Tally[k]; !ok {
			t.Fatalf("tally has no %q: %s", k, r.stdout)
		}
	}
	return v
}

func TestProposalVoteDelegate(t *testing.T) {
	hub := newHub(t)
	ts, alice, bob, carol := community(t, hub)
	mallory := newUser(t, "mallory")

	r := mustRun(t, "proposal new", alice.runIn(t, ts, "Paint it.\n", "proposal", "new", "--title", "Door", "--kind", "text"))
	id := lastLine(r.stdout)
	if id != "1" || !strings.HasPrefix(r.stdout, "Proposal 1 is open for voting until ") {
		t.Fatalf("proposal new output: %q", r.stdout)
	}
	mustRun(t, "alice vote", alice.run(t, ts, "vote 1 yes"))
	mustRun(t, "bob vote", bob.run(t, ts, "vote 1 no"))
	mustRun(t, "carol vote", carol.run(t, ts, "vote 1 abstain"))
	mustRun(t, "carol changes", carol.run(t, ts, "vote 1 no"))
	v := showJSON(t, ts, alice, id)
	if v.Tally.Yes != 1 || v.Tally.No != 2 || v.Tally.Abstain != 0 || !v.Tally.QuorumMet || v.Tally.State != state.PropActive {
		t.Fatalf("tally: %+v", v.Tally)
	}

	// bob delegates to alice on a new proposal: alice weighs 2.
	mustRun(t, "proposal new", bob.runIn(t, ts, "", "proposal", "new", "--title", "Two", "--kind", "text"))
	mustRun(t, "delegate", bob.run(t, ts, "delegate 1"))
	mustRun(t, "alice vote 2", alice.run(t, ts, "vote 2 yes"))
	v = showJSON(t, ts, carol, "2")
	if v.Tally.Yes != 2 || v.Tally.Participants != 2 || v.Tally.Delegated != 1 {
		t.Fatalf("delegated tally: %+v", v.Tally)
	}
	r = mustRun(t, "delegations", alice.run(t, ts, "delegations --json"))
	var ds []state.DelegationEntry
	if err := json.Unmarshal([]byte(r.stdout), &ds); err != nil || len(ds) != 1 || ds[0] != (state.DelegationEntry{From: 2, To: 1, Kind: "*"}) {
		t.Fatalf("delegations: %v %q", err, r.stdout)
	}

	// Bad input leaves the state as it was.
	mustRun(t, "proposal new", alice.runIn(t, ts, "", "proposal", "new", "--title", "Gone", "--kind", "text"))
	mustRun(t, "cancel", alice.run(t, ts, "proposal cancel 3"))
	before := hub.StateDigest()
	bad := []struct {
		u     *user
		stdin string
		args  []string
		want  string
	}{
		{alice, "", []string{"vote", "42", "yes"}, "no proposal 42"},
		{alice, "", []string{"vote", "1", "perhaps"}, "yes, no or abstain"},
		{mallory, "", []string{"vote", "1", "yes"}, "members only"},
		{bob, "", []string{"vote", "3", "yes"}, "voting is closed"},
		{alice, strings.Repeat("x", 64<<10+1), []string{"proposal", "new", "--title", "Big", "--kind", "text"}, "too long"},
		{alice, strings.Repeat("x", 30000), []string{"proposal", "new", "--title", "Big", "--kind", "text"}, "body"},
		{alice, "", []string{"proposal", "new", "--title", "R", "--kind", "rules", "--rules-kind", "text", "--quorum", "33.333"}, "not a percentage"},
		{alice, "", []string{"rules", "set", "role", "--threshold", "100.01"}, "not a percentage"},
		{alice, "", []string{"proposal", "show", "99"}, "no proposal 99"},
		{carol, "", []string{"receipt", "2"}, "you have not voted"},
	}
	for _, b := range bad {
		r := b.u.runIn(t, ts, b.stdin, b.args...)
		checkFailure(t, strings.Join(b.args, " "), r)
		if !strings.Contains(r.stderr, b.want) {
			t.Errorf("%v: stderr %q, want %q", b.args, r.stderr, b.want)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout %q", b.args, r.stdout)
		}
	}
	if hub.StateDigest() != before {
		t.Fatal("a refused command changed the state")
	}
}

// A role proposal closes at its deadline and, having passed, executes.
func TestRoleProposalExecutes(t *testing.T) {
	clk := &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, carol := community(t, hub)

	r := mustRun(t, "role proposal", alice.runIn(t, ts, "Bob keeps the peace.",
		"proposal", "new", "--title", "Bob for moderator", "--kind", "role", "--member", "2", "--role", "moderator"))
	id := lastLine(r.stdout)
	mustRun(t, "alice vote", alice.run(t, ts, "vote "+id+" yes"))
	mustRun(t, "carol vote", carol.run(t, ts, "vote "+id+" yes"))
	mustRun(t, "bob vote", bob.run(t, ts, "vote "+id+" abstain"))

	// Before the deadline nothing closes.
	hub.CloseDue(context.Background())
	if v := showJSON(t, ts, bob, id); v.State != state.PropActive || !v.Tally.Passing {
		t.Fatalf("before the deadline: %s %+v", v.State, v.Tally)
	}

	clk.advance(7*24*time.Hour + time.Minute)
	checkFailure(t, "late vote", carol.run(t, ts, "vote "+id+" no"))
	hub.CloseDue(context.Background())

	r = mustRun(t, "whoami", bob.run(t, ts, "whoami --json"))
	var who cmd.WhoamiJSON
	if err := json.Unmarshal([]byte(r.stdout), &who); err != nil || !contains(who.Roles, state.RoleModerator) {
		t.Fatalf("bob is not a moderator: %v %q", err, r.stdout)
	}
	v := showJSON(t, ts, alice, id)
	if v.State != state.PropExecuted || v.Tally.State != state.PropExecuted || v.Tally.Yes != 2 || v.Tally.Abstain != 1 {
		t.Fatalf("after close: %s %+v", v.State, v.Tally)
	}
	r = mustRun(t, "show", alice.run(t, ts, "proposal show "+id))
	if !strings.Contains(r.stdout, "state     executed") || !strings.Contains(r.stdout, "Result: executed.") {
		t.Fatalf("proposal show: %q", r.stdout)
	}
	r = mustRun(t, "list", alice.run(t, ts, "proposal list --state executed"))
	if !strings.Contains(r.stdout, "Bob for moderator") {
		t.Fatalf("proposal list: %q", r.stdout)
	}
}

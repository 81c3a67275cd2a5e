package ssh

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// A case from filing to a jury's verdict over SSH: a moderator who is a
// party is refused, a suspension bars voting, an appeal draws a jury by lot
// from the next checkpoint, and the juror's verdict replaces the ruling.
// The moderation log shows every step.
func TestDisputeOverSSH(t *testing.T) {
	clk := &fakeClock{t: time.Date(2030, 6, 10, 12, 0, 0, 0, time.UTC)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, carol := community(t, hub)
	dave := newUser(t, "dave")
	code := lastLine(mustRun(t, "invite", alice.run(t, ts, "invite create --uses 1 --expires 0")).stdout)
	mustRun(t, "dave join", dave.run(t, ts, cmdline("join", code, "--name", "dave")))
	mustRun(t, "grant alice", alice.run(t, ts, "role grant 1 moderator"))
	mustRun(t, "grant bob", alice.run(t, ts, "role grant 2 moderator"))
	p := lastLine(mustRun(t, "proposal", alice.runIn(t, ts, "Paint it.\n", "proposal", "new", "--title", "Door", "--kind", "text")).stdout)

	// bob, a moderator, files against carol by name; he can never claim it.
	r := mustRun(t, "file", bob.runIn(t, ts, "She took the ladder.\n", "dispute", "file", "--against", "carol", "--title", "The ladder", "--category", "conduct"))
	id := lastLine(r.stdout)
	if id != "1" || !strings.HasPrefix(r.stdout, "Case 1 against carol (member 3) is filed (conduct)") {
		t.Fatalf("file: %q", r.stdout)
	}
	r = bob.run(t, ts, "dispute claim "+id)
	checkFailure(t, "party claims", r)
	if !strings.Contains(r.stderr, "party") {
		t.Fatalf("party claims: %q", r.stderr)
	}
	r = mustRun(t, "queue", alice.run(t, ts, "dispute list --queue --json"))
	var cs []state.Case
	if err := json.Unmarshal([]byte(r.stdout), &cs); err != nil || len(cs) != 1 || cs[0].State != state.CaseStateOpen {
		t.Fatalf("queue: %v %q", err, r.stdout)
	}
	r = mustRun(t, "bob's queue", bob.run(t, ts, "dispute list --queue"))
	if !strings.Contains(r.stdout, "The queue is empty.") {
		t.Fatalf("bob's queue: %q", r.stdout)
	}
	mustRun(t, "claim", alice.run(t, ts, "dispute claim "+id))
	mustRun(t, "evidence", carol.runIn(t, ts, "I returned it.\n", "dispute", "evidence", id))

	// A 14-day suspension: carol cannot vote.
	clk.advance(time.Hour)
	r = mustRun(t, "resolve", alice.run(t, ts, "dispute resolve "+id+" --outcome suspension --days 14 --reason kept the ladder a month"))
	if !strings.Contains(r.stdout, "Case 1 is ruled: suspension, 14 days") {
		t.Fatalf("resolve: %q", r.stdout)
	}
	r = carol.run(t, ts, "vote "+p+" yes")
	checkFailure(t, "suspended vote", r)
	if !strings.Contains(r.stderr, "suspended") {
		t.Fatalf("suspended vote: %q", r.stderr)
	}

	// carol appeals; the jury is drawn from the next checkpoint: dave is
	// the only member who is neither a party nor the moderator.
	clk.advance(time.Hour)
	mustRun(t, "appeal", carol.run(t, ts, "dispute appeal "+id))
	checkFailure(t, "vote before the draw", dave.run(t, ts, "dispute jury-vote "+id+" dismissed"))
	hub.CloseDue(context.Background())
	r = mustRun(t, "show", dave.run(t, ts, "dispute show "+id))
	for _, want := range []string{"Case 1: The ladder", "  I returned it.", "dave (member 4): not voted", "jury drawn from checkpoint ", "recompute with `polis verify`"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	checkFailure(t, "not a juror", bob.run(t, ts, "dispute jury-vote "+id+" dismissed"))
	clk.advance(time.Hour)
	r = mustRun(t, "jury vote", dave.run(t, ts, "dispute jury-vote "+id+" dismissed"))
	if !strings.Contains(r.stdout, "The jury has ruled: dismissed.") {
		t.Fatalf("jury vote: %q", r.stdout)
	}
	mustRun(t, "carol votes again", carol.run(t, ts, "vote "+p+" yes"))

	// The log, newest first.
	r = mustRun(t, "moderation log", bob.run(t, ts, "moderation log --json"))
	var log []cmd.ModEntry
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("log: %v %q", err, r.stdout)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Action+":"+e.Outcome)
	}
	want := "jury_ruled:dismissed jury_drawn: appealed: ruled:suspension claimed: filed:"
	if strings.Join(got, " ") != want {
		t.Fatalf("log %v, want %s", got, want)
	}
	if log[3].SuspendDays != 14 || log[3].Actor != 1 || log[5].Actor != 2 || log[0].Time <= log[5].Time || len(log[1].Jury) != 1 || log[1].Jury[0] != 4 {
		t.Fatalf("log: %+v", log)
	}
	r = mustRun(t, "moderation log", carol.run(t, ts, "moderation log"))
	if !strings.Contains(r.stdout, "jury ruled") || !strings.Contains(r.stdout, "suspension, 14 days") {
		t.Fatalf("log:\n%s", r.stdout)
	}
	checkFailure(t, "visitor log", newUser(t, "mallory").run(t, ts, "moderation log"))
}

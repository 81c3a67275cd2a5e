package ssh

import (
	"context"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
)

// The door sees only the Hub, so any state.Engine serves behind it: here
// the in-memory one, with no data dir at all. A member joins, votes, reads
// the chain head and a receipt, and exports the log, through the real door.
func TestAnotherEngineServes(t *testing.T) {
	mem, err := state.NewMemory(state.MemoryOptions{CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	hub := state.NewHub(mem)
	if _, err := hub.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	founder, err := hub.IssueFounderCode(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r := alice.run(t, ts, cmdline("join", founder, "--name", "alice")); r.code != 0 || !strings.Contains(r.stdout, "Welcome to Elsewhere, alice!") {
		t.Fatalf("join: %+v", r)
	}
	r := alice.run(t, ts, "proposal new --title Paint --kind text")
	if r.code != 0 {
		t.Fatalf("proposal new: %+v", r)
	}
	id := lastLine(r.stdout)
	if r := alice.run(t, ts, "vote "+id+" yes"); r.code != 0 {
		t.Fatalf("vote: %+v", r)
	}
	head, ok := hub.Head()
	if r := alice.run(t, ts, "chain head"); r.code != 0 || !ok || !strings.Contains(r.stdout, head.Root) {
		t.Fatalf("chain head: %+v, the hub's %+v", r, head)
	}
	if r := alice.run(t, ts, "receipt "+id+" --json"); r.code != 0 || !strings.Contains(r.stdout, `"sealed":true`) {
		t.Fatalf("receipt: %+v", r)
	}
	r = alice.run(t, ts, "chain export")
	if r.code != 0 {
		t.Fatalf("chain export: %+v", r)
	}
	x, err := state.ReadExport(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := state.VerifyExport(x, hub.VerifierKey(), nil); err != nil || rep.Events != hub.Size() {
		t.Fatalf("the export does not verify: %+v, %v", rep, err)
	}
}

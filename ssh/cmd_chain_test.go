package ssh

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
)

// A member (here a visitor: the chain is public) keeps the head, and later
// checks with a consistency proof alone that the hub's new head extends it.
func TestChainConsistencyOverSSH(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	mallory := newUser(t, "mallory")
	saved := mustRun(t, "head", mallory.run(t, ts, "chain head")).stdout
	var old state.Head
	json.Unmarshal([]byte(mustRun(t, "head", mallory.run(t, ts, "chain head --json")).stdout), &old)
	for i := 0; i < 5; i++ {
		if _, err := hub.IssueFounderCode(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var head state.Head
	json.Unmarshal([]byte(mustRun(t, "head", mallory.run(t, ts, "chain head --json")).stdout), &head)
	if head.Size <= old.Size {
		t.Fatalf("head did not move: %d -> %d", old.Size, head.Size)
	}
	r := mustRun(t, "consistency", mallory.run(t, ts, fmt.Sprintf("chain consistency %d %d --json", old.Size, head.Size)))
	var p state.Consistency
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p.Checkpoint != head.Note || p.OldSize != old.Size || p.NewSize != head.Size {
		t.Fatalf("proof %+v", p)
	}
	key := hub.VerifierKey()
	since, err := state.CheckConsistency(p, []byte(saved), key)
	if err != nil || since.Saved.Size != old.Size || since.Head.Height != head.Height {
		t.Fatalf("check: %+v %v", since, err)
	}
	// A proof that does not hold is an alarm.
	p.Proof[0] = p.NewRoot
	if _, err := state.CheckConsistency(p, []byte(saved), key); err == nil || !strings.Contains(err.Error(), "consistency proof fails") {
		t.Fatalf("bad proof: %v", err)
	}
	r = mustRun(t, "text", mallory.run(t, ts, fmt.Sprintf("chain consistency %d %d", old.Size, head.Size)))
	if !strings.Contains(r.stdout, fmt.Sprintf("consistency %d -> %d", old.Size, head.Size)) || !strings.Contains(r.stdout, head.Note) {
		t.Fatalf("text: %q", r.stdout)
	}
	for _, bad := range []string{
		fmt.Sprintf("chain consistency %d %d", old.Size, head.Size+1), // not sealed
		fmt.Sprintf("chain consistency %d %d", head.Size, old.Size),   // backwards
		"chain consistency 0 1", "chain consistency x 1", "chain consistency 1",
	} {
		checkFailure(t, bad, mallory.run(t, ts, bad))
	}
}

package ssh

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/polis-hub/polis/chain/tiletest"
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

// `chain tile` serves C2SP tlog-tiles: a visitor audits the log with x/mod's
// tlog client from the checkpoint and hash tiles alone, and is refused the
// entry bundles, which a member reads and which are the log's events.
func TestChainTileOverSSH(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, mallory := newUser(t, "alice"), newUser(t, "mallory")
	admit(t, hub, alice, "Alice")
	for i := 0; i < 3; i++ {
		if _, err := hub.IssueFounderCode(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	fetchAs := func(u *user) tiletest.Fetch {
		cache := map[string][]byte{}
		return func(p string) ([]byte, error) {
			if b, ok := cache[p]; ok {
				return b, nil
			}
			r := u.run(t, ts, "chain tile "+p)
			if r.code != 0 {
				return nil, fmt.Errorf("%s: %s", p, r.stderr)
			}
			cache[p] = []byte(r.stdout)
			return cache[p], nil
		}
	}
	head, _ := hub.Head()
	if _, err := tiletest.Audit(fetchAs(mallory), hub.VerifierKey(), []int64{1, head.Size}, false); err != nil {
		t.Fatalf("visitor: %v", err)
	}
	res, err := tiletest.Audit(fetchAs(alice), hub.VerifierKey(), nil, true)
	if err != nil {
		t.Fatalf("member: %v", err)
	}
	if int64(len(res.Entries)) != res.Checkpoint.Size {
		t.Fatalf("%d entries for size %d", len(res.Entries), res.Checkpoint.Size)
	}
	r := mallory.run(t, ts, fmt.Sprintf("chain tile tile/entries/000.p/%d", head.Size))
	checkFailure(t, "visitor entries", r)
	if !strings.Contains(r.stderr, "members only") {
		t.Fatalf("visitor entries: %q", r.stderr)
	}
	for _, bad := range []string{"chain tile", "chain tile tile/0/001", "chain tile tile/0/000.p/0", "chain tile nonsense", "chain tile checkpoint extra"} {
		checkFailure(t, bad, mallory.run(t, ts, bad))
	}
}

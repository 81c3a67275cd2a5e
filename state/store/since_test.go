package store

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// restoreAndWrite restores backup into a new dir, appends n contributions
// with memo, and stops the hub (which seals them).
func restoreAndWrite(t *testing.T, backup []byte, o RestoreOptions, n int, memo string) (string, state.Head) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), memo)
	if _, err := Restore(bytes.NewReader(backup), dir, o); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, Options{Dir: dir, CheckpointEvery: 1000})
	for i := 0; i < n; i++ {
		mustSubmit(t, s, testActor(t, "alice"), state.Contribute{Asset: "EUR", Amount: int64(i + 1), Memo: memo})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	h, _ := s.Head()
	return dir, h
}

// verify --since passes when the chain extends the kept checkpoint and
// raises the alarm, naming both sizes and roots, when it does not.
func TestCheckSince(t *testing.T) {
	backup, kept, published, _ := staleBackup(t)
	// Two hubs from one backup, diverging: a fork.
	a, headA := restoreAndWrite(t, backup, RestoreOptions{}, 3, "fork-a")
	b, headB := restoreAndWrite(t, backup, RestoreOptions{}, 4, "fork-b")
	if headA.Height != headB.Height || headA.Note == headB.Note {
		t.Fatalf("heads %d and %d: want two checkpoints of one height", headA.Height, headB.Height)
	}
	repA, err := VerifyDir(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, saved := range []state.Head{kept, headA} {
		s, err := repA.CheckSince([]byte(saved.Note))
		if err != nil || s.Saved.Height != saved.Height || s.Head.Height != headA.Height {
			t.Fatalf("since %d: %+v %v", saved.Height, s, err)
		}
	}
	// What `chain head` and `chain head --json` print are kept as they are.
	asText := fmt.Sprintf("checkpoint %d: %d events\nroot   %s\n\n%s", kept.Height, kept.Size, kept.Root, kept.Note)
	if _, err := repA.CheckSince([]byte(asText)); err != nil {
		t.Fatal(err)
	}
	if _, err := repA.CheckSince([]byte(`{"height":1,"note":` + fmt.Sprintf("%q", kept.Note) + `}`)); err != nil {
		t.Fatal(err)
	}
	repB, err := VerifyDir(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ee *chain.ExtendError
	_, err = repB.CheckSince([]byte(headA.Note))
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "two different checkpoints at one height") ||
		!strings.Contains(err.Error(), fmt.Sprintf("the checkpoint %d you kept (size %d, root %s)", headA.Height, headA.Size, headA.Root)) {
		t.Fatalf("fork: %v", err)
	}
	// A hub rolled back past a kept checkpoint whose events it lost.
	r, _ := restoreAndWrite(t, backup, RestoreOptions{Head: []byte(published.Note), Rollback: true}, 2, "rolled")
	repR, err := VerifyDir(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = repR.CheckSince([]byte(published.Note))
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "rolled back past it") || !strings.Contains(err.Error(), "lost or dropped events") {
		t.Fatalf("rolled back: %v", err)
	}
	if _, err := repR.CheckSince([]byte(kept.Note)); err != nil {
		t.Fatalf("kept before the rollback: %v", err)
	}
	// A kept checkpoint above the hub's head: the hub is behind.
	if _, err := repB.CheckSince([]byte(published.Note)); !errors.As(err, &ee) || !strings.Contains(err.Error(), "behind") {
		t.Fatalf("behind: %v", err)
	}
	if _, err := repB.CheckSince([]byte("not a checkpoint\n")); err == nil || errors.As(err, &ee) {
		t.Fatalf("garbage: %v", err)
	}
}

package store

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// exportOf reads a stopped hub's export, and its signer.
func exportOf(t *testing.T, dir string) (*state.Export, *stoppedSigner) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := ExportDir(dir, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := state.ReadExport(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Signer(dir)
	if err != nil {
		t.Fatal(err)
	}
	return x, &stoppedSigner{t: t, s: s}
}

type stoppedSigner struct {
	t *testing.T
	s note.Signer
}

// resign rewrites every checkpoint of x through edit, signed by the hub's
// own key and linked again: what a hub that breaks a rule would publish.
func (ss *stoppedSigner) resign(x *state.Export, edit func(i int, c *chain.Checkpoint)) {
	ss.t.Helper()
	v, _ := chain.NewVerifier(x.Key)
	var prev []byte
	for i, b := range x.Checkpoints {
		c, err := chain.Open(b, v)
		if err != nil {
			ss.t.Fatal(err)
		}
		edit(i, &c)
		c.Prev = [32]byte{}
		if prev != nil {
			c.Prev = chain.NoteHash(prev)
		}
		if x.Checkpoints[i], err = chain.Sign(c, ss.s); err != nil {
			ss.t.Fatal(err)
		}
		prev = x.Checkpoints[i]
	}
}

// Checkpoint time never runs backwards, and a checkpoint is never older
// than the events it covers.
func TestVerifyCheckpointTime(t *testing.T) {
	dir := buildHub(t)
	x, ss := exportOf(t, dir)
	if len(x.Checkpoints) < 3 {
		t.Fatalf("want 3 checkpoints, have %d", len(x.Checkpoints))
	}
	// Signed again unchanged, the chain verifies: what follows fails only
	// for the rule each case breaks.
	ss.resign(x, func(int, *chain.Checkpoint) {})
	if _, err := state.VerifyExport(x, "", nil); err != nil {
		t.Fatal(err)
	}
	var t1 int64
	ss.resign(x, func(i int, c *chain.Checkpoint) {
		if i == 1 {
			t1 = c.Time
		}
		if i == 2 {
			c.Time = t1 - 1
		}
	})
	if _, err := state.VerifyExport(x, "", nil); err == nil || !strings.Contains(err.Error(), "checkpoint 3: time") || !strings.Contains(err.Error(), "runs backwards") {
		t.Fatalf("backwards checkpoint time: %v", err)
	}
	x, _ = exportOf(t, dir)
	ss.resign(x, func(i int, c *chain.Checkpoint) {
		if i == 0 {
			c.Time = 1000 // 1970, before any event
		}
	})
	if _, err := state.VerifyExport(x, "", nil); err == nil || !strings.Contains(err.Error(), "checkpoint 1 (size 3): time 1000 is before event 2 it covers") {
		t.Fatalf("checkpoint older than its events: %v", err)
	}
}

// A gap in the heights is a rollback: it verifies if the checkpoint after
// it links to the one before, and is reported; a height going down or a
// gap that does not link is refused.
func TestVerifyHeightGap(t *testing.T) {
	dir := buildHub(t)
	x, ss := exportOf(t, dir)
	ss.resign(x, func(i int, c *chain.Checkpoint) {
		if i >= 2 {
			c.Height += 5
		}
	})
	rep, err := state.VerifyExport(x, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rollbacks) != 1 || rep.Rollbacks[0].Kept != 2 || rep.Rollbacks[0].Resumed != 8 {
		t.Fatalf("rollbacks %+v", rep.Rollbacks)
	}
	x, _ = exportOf(t, dir)
	ss.resign(x, func(i int, c *chain.Checkpoint) {
		if i == 2 {
			c.Height = 2
		}
	})
	if _, err := state.VerifyExport(x, "", nil); err == nil || !strings.Contains(err.Error(), "out of sequence") {
		t.Fatalf("repeated height: %v", err)
	}
	// A checkpoint dropped from the middle leaves a gap that does not link.
	x, _ = exportOf(t, dir)
	x.Checkpoints = append(x.Checkpoints[:1], x.Checkpoints[2:]...)
	if _, err := state.VerifyExport(x, "", nil); err == nil || !strings.Contains(err.Error(), "does not link to checkpoint 1") {
		t.Fatalf("dropped checkpoint: %v", err)
	}
}

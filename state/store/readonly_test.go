package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable/durabletest"
)

// verify, export and backup of a stopped hub never write to its data dir.
func TestReadOnlyToolsLeaveDirAlone(t *testing.T) {
	dir := buildHub(t)
	before := durabletest.Snapshot(t, dir)
	if _, err := VerifyDir(dir, nil); err != nil {
		t.Fatal(err)
	}
	durabletest.Same(t, "verify", before, durabletest.Snapshot(t, dir))
	var x bytes.Buffer
	if info, err := ExportDir(dir, &x); err != nil || info.Events != 14 {
		t.Fatalf("export %+v %v", info, err)
	}
	durabletest.Same(t, "export", before, durabletest.Snapshot(t, dir))
	if _, err := BackupDir(dir, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	durabletest.Same(t, "backup", before, durabletest.Snapshot(t, dir))
}

// A stale copy of a hub (here: an older backup restored) whose HEAD says
// later checkpoints were published is refused by verify and export, which
// name both heights.
func TestReadOnlyToolsRefuseBehindHead(t *testing.T) {
	f := newGovWith(t, Options{CheckpointEvery: 3})
	var old bytes.Buffer
	if _, err := f.s.Backup(&old, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		f.do("alice", state.Contribute{Asset: "EUR", Amount: int64(i + 1), Memo: "later"})
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	published, _ := f.s.Head()
	stale := filepath.Join(t.TempDir(), "stale")
	info, err := Restore(bytes.NewReader(old.Bytes()), stale, RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := durableWrite(filepath.Join(stale, HeadFile), []byte(published.Note)); err != nil {
		t.Fatal(err)
	}
	before := durabletest.Snapshot(t, stale)
	want := fmt.Sprintf("checkpoint %d (%d events) was published, but the database holds only up to checkpoint %d (%d events)", published.Height, published.Size, info.Head.Height, info.Head.Size)
	if _, err := VerifyDir(stale, nil); !errors.Is(err, ErrBehindHead) || !strings.Contains(err.Error(), want) {
		t.Fatalf("verify: %v", err)
	}
	if _, err := ExportDir(stale, io.Discard); !errors.Is(err, ErrBehindHead) || !strings.Contains(err.Error(), want) {
		t.Fatalf("export: %v", err)
	}
	durabletest.Same(t, "refusals", before, durabletest.Snapshot(t, stale))
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// staleBackup makes a hub, backs it up, then seals past the backup: it
// returns the backup, the head the backup holds, the head published after
// it, and the hub's dir (stopped).
func staleBackup(t *testing.T) (backup []byte, kept, published state.Head, dir string) {
	t.Helper()
	f := newGovWith(t, Options{CheckpointEvery: 3})
	var buf bytes.Buffer
	info, err := f.s.Backup(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 9; i++ {
		f.do("alice", state.Contribute{Asset: "EUR", Amount: int64(i + 1), Memo: "after the backup"})
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	published, _ = f.s.Head()
	if published.Height <= info.Head.Height+1 {
		t.Fatalf("published %d, backup %d: want a gap of 2 or more", published.Height, info.Head.Height)
	}
	return buf.Bytes(), info.Head, published, f.dir
}

// Restoring a backup older than the published head is refused, and leaves
// nothing; the published head may come from --head or the backup's HEAD.
func TestRestoreOldBackupRefused(t *testing.T) {
	backup, kept, published, _ := staleBackup(t)
	dir := filepath.Join(t.TempDir(), "new")
	_, err := Restore(bytes.NewReader(backup), dir, RestoreOptions{Head: []byte(published.Note)})
	want := fmt.Sprintf("the backup ends at checkpoint %d (size %d), but --head is checkpoint %d (size %d)", kept.Height, kept.Size, published.Height, published.Size)
	if !errors.Is(err, ErrRollback) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--rollback") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("refused restore left %s: %v", dir, err)
	}
	// A backup of a stale copy carries its HEAD, and that is enough.
	stale := filepath.Join(t.TempDir(), "stale")
	if _, err := Restore(bytes.NewReader(backup), stale, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := durableWrite(filepath.Join(stale, HeadFile), []byte(published.Note)); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	info, err := BackupDir(stale, &again, nil)
	if err != nil || info.HeadMark.Height != published.Height {
		t.Fatalf("backup of a stale copy: %+v %v", info.HeadMark, err)
	}
	if _, err := Restore(bytes.NewReader(again.Bytes()), dir, RestoreOptions{}); !errors.Is(err, ErrRollback) || !strings.Contains(err.Error(), "the backup's HEAD is checkpoint") {
		t.Fatalf("restore of a backup behind its own HEAD: %v", err)
	}
	// A head the backup covers is fine, and becomes HEAD...
	if _, err := Restore(bytes.NewReader(backup), dir, RestoreOptions{Head: []byte(kept.Note)}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, HeadFile)); string(b) != kept.Note {
		t.Fatalf("HEAD after restore: %q", b)
	}
	// ...but a checkpoint of another key is not a head of this hub.
	other := buildHub(t)
	x, _ := exportOf(t, other)
	if _, err := Restore(bytes.NewReader(backup), filepath.Join(t.TempDir(), "o"), RestoreOptions{Head: x.Checkpoints[0]}); err == nil || !strings.Contains(err.Error(), "--head") {
		t.Fatalf("another hub's head: %v", err)
	}
}

// With Rollback, the old backup is restored and the hub resumes above the
// published head: no published height is ever signed again, verify
// reports the gap, and the sequencer seals on from there.
func TestRestoreRollbackNeverResigns(t *testing.T) {
	backup, kept, published, _ := staleBackup(t)
	dir := filepath.Join(t.TempDir(), "new")
	at := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	info, err := Restore(bytes.NewReader(backup), dir, RestoreOptions{Head: []byte(published.Note), Rollback: true, Clock: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	rb := info.Rollback
	if rb == nil || rb.Kept != kept.Height || rb.Resumed != published.Height+1 || info.Head.Height != published.Height+1 || info.Published.Height != published.Height {
		t.Fatalf("rollback %+v, head %d", rb, info.Head.Height)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, HeadFile)); string(b) != info.Head.Note {
		t.Fatal("HEAD is not the checkpoint the hub resumed at")
	}
	if info.Head.Time < published.Time*1000 {
		t.Fatalf("resumed at time %d, before the published head's %d", info.Head.Time, published.Time)
	}
	rep, err := VerifyDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rollbacks) != 1 || rep.Rollbacks[0] != *rb {
		t.Fatalf("verify reports %+v, want %+v", rep.Rollbacks, *rb)
	}
	// Restarted, the hub takes writes and seals the height after.
	s := openTest(t, Options{Dir: dir, CheckpointEvery: 1000})
	mustSubmit(t, s, testActor(t, "alice"), state.Contribute{Asset: "EUR", Amount: 5, Memo: "after the rollback"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	h, _ := s.Head()
	if h.Height != published.Height+2 {
		t.Fatalf("sealed height %d after the rollback, want %d", h.Height, published.Height+2)
	}
	x, _ := exportOf(t, dir)
	rep, err = state.VerifyExport(x, "", nil)
	if err != nil || rep.Head.Height != h.Height {
		t.Fatalf("verify after a seal: %+v %v", rep.Head, err)
	}
	for _, n := range x.Checkpoints {
		var height int64
		fmt.Sscanf(strings.Split(string(n), "\n")[3], "height %d", &height)
		if height > kept.Height && height <= published.Height {
			t.Fatalf("published height %d signed again", height)
		}
	}
}

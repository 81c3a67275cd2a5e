package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable"
)

// copyDir copies a data dir, files only. Taken from under an open store
// that is idle (every Submit returned), it is what a kill -9 at that moment
// would leave on disk: Badger's memory-mapped logs are read through the
// page cache.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copySparse(to, p) // the scratch copy of the read-only tools
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fillHub writes n renames by one member, one command at a time.
func fillHub(t testing.TB, s *Store, n int) {
	t.Helper()
	if s.Size() == 0 {
		mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "hwm"})
		mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: testActor(t, "hwm").Key, Name: "hwm"})
	}
	a := testActor(t, "hwm")
	for i := 0; i < n; i++ {
		mustSubmit(t, s, a, state.Rename{Name: fmt.Sprintf("hwm %d", renames.Add(1))})
	}
}

func readHeadFile(t testing.TB, dir string, s *Store) chain.Checkpoint {
	t.Helper()
	c, _, ok, err := ReadHead(dir, s.verifier)
	if err != nil || !ok {
		t.Fatalf("HEAD: %v %v", ok, err)
	}
	return c
}

// HEAD is written once each checkpoint's batch is durable and before the
// checkpoint is published: when the new note is synced, nobody can see the
// new head yet; once Submit returns, HEAD names the head callers see. A
// note of the previous one's length costs one sync (rewritten in place), a
// longer one a new file (sync, rename, sync the dir).
func TestHeadRecordedBeforePublished(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var seen, ops []string
	var s *Store
	durable.Hook = func(op, path string) error {
		if !strings.Contains(filepath.Base(path), HeadFile) && op != "syncdir" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if op == "syncdir" && s == nil {
			return nil // creating the data dir, before the store is open
		}
		ops = append(ops, op)
		if op == "sync" && s != nil {
			h, _ := s.Head()
			seen = append(seen, fmt.Sprint(h.Height))
		}
		return nil
	}
	defer func() { durable.Hook = nil }()
	st := openTest(t, Options{Dir: dir, CheckpointEvery: 3, CheckpointInterval: time.Hour})
	mu.Lock()
	s = st
	mu.Unlock()
	fillHub(t, st, 10) // 12 events: heights 1..4
	h, _ := st.Head()
	if c := readHeadFile(t, dir, st); c.Height != h.Height || h.Height != 4 {
		t.Fatalf("HEAD at height %d, store head %d, want 4", c.Height, h.Height)
	}
	mu.Lock()
	got, steps := strings.Join(seen, ","), strings.Join(ops, " ")
	mu.Unlock()
	// Each sync of HEAD at height n happened while height n-1 was the
	// published head.
	if got != "0,1,2,3" {
		t.Fatalf("published heads when HEAD was synced: %s, want 0,1,2,3", got)
	}
	// Sizes 3, 6, 9, 12: a new file for the first note and for the one
	// whose size line gains a digit, in place for the others.
	if want := "sync rename syncdir sync sync sync rename syncdir"; steps != want {
		t.Fatalf("HEAD writes: %s, want %s", steps, want)
	}
}

// A store behind HEAD, or holding another checkpoint at HEAD's height, is
// refused, naming both heights; a store ahead of HEAD (stopped between the
// commit and the HEAD write) publishes its head on open.
func TestOpenChecksHighWater(t *testing.T) {
	base := t.TempDir()
	s := openTest(t, Options{Dir: base, CheckpointEvery: 2, CheckpointInterval: time.Hour})
	fillHub(t, s, 2) // 4 events, height 2
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), "old")
	copyDir(t, base, old)

	// The hub goes on to height 4 and records it.
	s = openTest(t, Options{Dir: base, CheckpointEvery: 2, CheckpointInterval: time.Hour})
	fillHub(t, s, 4)
	if h, _ := s.Head(); h.Height != 4 {
		t.Fatalf("height %d", h.Height)
	}
	s.Close()
	head4, _ := os.ReadFile(filepath.Join(base, HeadFile))

	// The old store under the new HEAD: behind.
	behind := filepath.Join(t.TempDir(), "behind")
	copyDir(t, old, behind)
	os.WriteFile(filepath.Join(behind, HeadFile), head4, 0o600)
	_, err := Open(Options{Dir: behind})
	if !errors.Is(err, ErrHistoryLost) || !strings.Contains(err.Error(), "checkpoint 4 (8 events) was published") || !strings.Contains(err.Error(), "only up to checkpoint 2 (4 events)") {
		t.Fatalf("store behind HEAD: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(behind, HeadFile)); !bytes.Equal(b, head4) {
		t.Fatal("a refused open changed HEAD")
	}

	// The old store, grown along another path to height 4: a fork.
	fork := filepath.Join(t.TempDir(), "fork")
	copyDir(t, old, fork)
	f := openTest(t, Options{Dir: fork, CheckpointEvery: 2, CheckpointInterval: time.Hour})
	mustSubmit(t, f, testActor(t, "hwm"), state.Rename{Name: "someone-else"})
	fillHub(t, f, 3)
	if h, _ := f.Head(); h.Height != 4 {
		t.Fatalf("fork height %d", h.Height)
	}
	f.Close()
	os.WriteFile(filepath.Join(fork, HeadFile), head4, 0o600)
	_, err = Open(Options{Dir: fork})
	if !errors.Is(err, ErrHistoryLost) || !strings.Contains(err.Error(), "the database holds another checkpoint 4") {
		t.Fatalf("fork at HEAD's height: %v", err)
	}

	// The new store under the old HEAD: ahead, so HEAD moves up.
	ahead := filepath.Join(t.TempDir(), "ahead")
	copyDir(t, base, ahead)
	head2, _ := os.ReadFile(filepath.Join(old, HeadFile))
	os.WriteFile(filepath.Join(ahead, HeadFile), head2, 0o600)
	a := openTest(t, Options{Dir: ahead})
	if c := readHeadFile(t, ahead, a); c.Height != 4 {
		t.Fatalf("HEAD after opening a store ahead of it: height %d, want 4", c.Height)
	}
	a.Close()

	// A data dir from before HEAD existed gets one.
	os.Remove(filepath.Join(ahead, HeadFile))
	a = openTest(t, Options{Dir: ahead})
	if c := readHeadFile(t, ahead, a); c.Height != 4 {
		t.Fatalf("HEAD written for a dir without one: height %d", c.Height)
	}
	a.Close()

	// A HEAD that does not verify is not ignored.
	os.WriteFile(filepath.Join(ahead, HeadFile), []byte("garbage\n"), 0o600)
	if _, err := Open(Options{Dir: ahead}); err == nil || !strings.Contains(err.Error(), "high-water mark is unreadable") {
		t.Fatalf("unreadable HEAD: %v", err)
	}
}

// However the sequencer gets there, it never signs a height at or below
// HEAD's.
func TestNeverSignsAtOrBelowHighWater(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000, CheckpointInterval: time.Hour})
	fillHub(t, s, 1)
	s.hwm.Store(5) // as if HEAD said 5 and the store were at 0
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.Head(); h.Height != 0 {
		t.Fatalf("signed height %d below the high-water mark", h.Height)
	}
	if _, ok, _ := mustReadHead(t, s); ok {
		t.Fatal("HEAD written")
	}
}

func mustReadHead(t *testing.T, s *Store) (chain.Checkpoint, bool, error) {
	c, _, ok, err := ReadHead(s.Dir(), s.verifier)
	return c, ok, err
}

// A HEAD that cannot be written stops the store like a failed commit: the
// checkpoint is durable but not published, and nothing after it is
// acknowledged.
func TestHeadWriteFailureIsFatal(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 3, CheckpointInterval: time.Hour})
	fillHub(t, s, 0)
	durable.Hook = func(op, path string) error {
		if op == "sync" && strings.Contains(filepath.Base(path), HeadFile) {
			return errors.New("injected: no space left on device")
		}
		return nil
	}
	defer func() { durable.Hook = nil }()
	_, err := writeAt(t, s)
	if !errors.Is(err, ErrStorageFailed) || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("submit sealing with HEAD failing: %v", err)
	}
	select {
	case <-s.Failed():
	default:
		t.Fatal("Failed not closed")
	}
	if h, _ := s.Head(); h.Height != 0 {
		t.Fatalf("published height %d without HEAD", h.Height)
	}
	if err := s.View(func(state.Reader) error { return nil }); !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("read after failure: %v", err)
	}
	if _, err := writeAt(t, s); !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("write after failure: %v", err)
	}
}

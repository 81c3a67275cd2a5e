package witness

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/polis-hub/polis/state/durable"
)

func cosignedOf(t *testing.T, l *testLog) Cosigned {
	t.Helper()
	cp := l.checkpoint()
	tree, err := parseTree(string(cp))
	if err != nil {
		t.Fatal(err)
	}
	return Cosigned{Size: tree.N, Hash: tree.Hash, Note: cp}
}

func TestJournalSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, b := newTestLog(t, "a.example/log"), newTestLog(t, "b.example/log")
	a.grow(3, "a")
	b.grow(5, "b")
	for _, c := range []struct {
		l *testLog
	}{{a}, {b}} {
		if err := j.Put(c.l.origin, cosignedOf(t, c.l)); err != nil {
			t.Fatal(err)
		}
	}
	a.grow(2, "a")
	if err := j.Put(a.origin, cosignedOf(t, a)); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j, err = OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if c, ok, _ := j.Latest(a.origin); !ok || c.Size != 5 {
		t.Fatalf("a: %+v", c)
	}
	if c, ok, _ := j.Latest(b.origin); !ok || c.Size != 5 || c.Hash != cosignedOf(t, b).Hash {
		t.Fatalf("b: %+v", c)
	}
}

// A crash tears at most the last record, never acknowledged: it is
// dropped. A bad record before the last is damage: refused.
func TestJournalTornAndDamaged(t *testing.T) {
	l := newTestLog(t, "a.example/log")
	write := func(t *testing.T) (string, int64) {
		dir := t.TempDir()
		j, err := OpenJournal(dir)
		if err != nil {
			t.Fatal(err)
		}
		l.grow(1, "x")
		j.Put(l.origin, cosignedOf(t, l))
		fi, _ := os.Stat(filepath.Join(dir, journalName))
		first := fi.Size()
		l.grow(1, "x")
		j.Put(l.origin, cosignedOf(t, l))
		j.Close()
		return dir, first
	}
	t.Run("torn", func(t *testing.T) {
		dir, first := write(t)
		path := filepath.Join(dir, journalName)
		b, _ := os.ReadFile(path)
		os.WriteFile(path, b[:len(b)-7], 0o600)
		j, err := OpenJournal(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		c, ok, _ := j.Latest(l.origin)
		fi, _ := os.Stat(path)
		if !ok || fi.Size() != first || c.Size == 0 {
			t.Fatalf("torn tail: %+v, file %d bytes, want %d", c, fi.Size(), first)
		}
	})
	t.Run("flipped in the last record", func(t *testing.T) {
		dir, first := write(t)
		path := filepath.Join(dir, journalName)
		b, _ := os.ReadFile(path)
		b[len(b)-3] ^= 1
		os.WriteFile(path, b, 0o600)
		j, err := OpenJournal(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		if fi, _ := os.Stat(path); fi.Size() != first {
			t.Fatalf("a bad last record kept: %d bytes", fi.Size())
		}
	})
	t.Run("flipped before the last", func(t *testing.T) {
		dir, _ := write(t)
		path := filepath.Join(dir, journalName)
		b, _ := os.ReadFile(path)
		b[12] ^= 1
		os.WriteFile(path, b, 0o600)
		if _, err := OpenJournal(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("damage in the middle: %v", err)
		}
	})
}

// A failed fsync fails the Put and every later one: the witness cosigns
// nothing it may not have recorded.
func TestJournalFsyncError(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	l := newTestLog(t, "a.example/log")
	w, _ := newTestWitness(t, j, l)
	l.grow(2, "a")
	if _, err := w.AddCheckpoint(l.request(0)); err != nil {
		t.Fatal(err)
	}
	durable.Hook = func(op, path string) error {
		if op == "sync" && strings.HasSuffix(path, journalName) {
			return errors.New("injected: EIO")
		}
		return nil
	}
	defer func() { durable.Hook = nil }()
	l.grow(1, "a")
	if line, err := w.AddCheckpoint(l.request(2)); err == nil || line != nil {
		t.Fatalf("cosigned after a failed fsync: %v", err)
	}
	durable.Hook = nil
	if _, err := w.AddCheckpoint(l.request(2)); err == nil {
		t.Fatal("cosigned after a failed fsync, before a restart")
	}
	if c, _, _ := j.Latest(l.origin); c.Size != 2 {
		t.Fatalf("the failed record counts: %+v", c)
	}
}

// Many logs at once share fsyncs, and none is lost or mixed up.
func TestJournalConcurrent(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	var logs []*testLog
	for i := range 8 {
		logs = append(logs, newTestLog(t, "l"+string(rune('a'+i))+".example/log"))
	}
	w, _ := newTestWitness(t, j, logs...)
	var wg sync.WaitGroup
	for _, l := range logs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			old := int64(0)
			for range 20 {
				l.grow(1, "r")
				if _, err := w.AddCheckpoint(l.request(old)); err != nil {
					t.Error(err)
					return
				}
				old = l.n
			}
		}()
	}
	wg.Wait()
	j.Close()
	j, err = OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, l := range logs {
		if c, _, _ := j.Latest(l.origin); c.Size != 20 {
			t.Fatalf("%s: %d", l.origin, c.Size)
		}
	}
}

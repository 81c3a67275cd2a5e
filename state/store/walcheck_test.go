package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashCopy is the data dir of an idle open store as a kill -9 would leave
// it: Badger's memtable logs hold the writes not yet flushed.
func crashCopy(t *testing.T, s *Store) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "crashed")
	copyDir(t, s.Dir(), dst)
	return dst
}

// newestLog is the path and bytes of the newest memtable log with data.
func newestLog(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	logs, err := memLogs(filepath.Join(dir, dbDir))
	if err != nil {
		t.Fatal(err)
	}
	for i := len(logs) - 1; i >= 0; i-- {
		b, err := os.ReadFile(logs[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > walHeaderSize && walkLog(b, walHeaderSize).txns > 0 {
			return logs[i], b
		}
	}
	t.Fatalf("no memtable log with data in %s", dir)
	return "", nil
}

// txnStarts lists where each complete transaction of a log begins.
func txnStarts(b []byte) []int {
	starts := []int{walHeaderSize}
	for off := walHeaderSize; ; {
		r, st := parseRecord(b, off)
		if st != walOK {
			return starts[:len(starts)-1]
		}
		if r.meta&walBitFinTxn != 0 {
			starts = append(starts, r.end)
		}
		off = r.end
	}
}

// The scan reads the logs Badger itself writes: one transaction per batch,
// nothing damaged, and a crash copy opens with every acknowledged write.
func TestLogScanReadsBadgersFormat(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000, CheckpointInterval: time.Hour})
	fillHub(t, s, 40) // 42 commands, one at a time: 42 commits
	dir := crashCopy(t, s)
	_, b := newestLog(t, dir)
	if w := walkLog(b, walHeaderSize); w.txns != 42 || !w.cleanEnd() {
		t.Fatalf("scan of Badger's own log: %d transactions, stop %v; want 42, clean", w.txns, w.stop)
	}
	if err := checkLog(filepath.Join(dir, dbDir)); err != nil {
		t.Fatal(err)
	}
	c := openTest(t, Options{Dir: dir})
	if c.Size() != s.Size() || c.StateDigest() != s.StateDigest() {
		t.Fatalf("crash copy: size %d, want %d", c.Size(), s.Size())
	}
}

// One flipped bit in the middle of the newest log: Badger would replay up
// to it and drop the rest; the hub refuses and leaves the files as found.
// Salvaging keeps a copy, lets Badger cut the log, and the hub still
// refuses to start if that loses published history.
func TestLogDamageRefused(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 5, CheckpointInterval: time.Hour})
	fillHub(t, s, 60)
	for name, damage := range map[string]func(b []byte, at int){
		"bit flip":    func(b []byte, at int) { b[at+12] ^= 0x10 },
		"zeroed page": func(b []byte, at int) { clear(b[at : at+300]) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := crashCopy(t, s)
			path, b := newestLog(t, dir)
			starts := txnStarts(b)
			if len(starts) < 20 {
				t.Fatalf("only %d transactions in the log", len(starts))
			}
			at := starts[len(starts)/3]
			damage(b, at)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(Options{Dir: dir})
			var d *LogDamage
			if !errors.As(err, &d) || !errors.Is(err, ErrDamagedLog) {
				t.Fatalf("open with a damaged log: %v", err)
			}
			if d.File != path || d.At != int64(at) || d.After < 10 {
				t.Fatalf("damage report %+v, want %s at %d with transactions after", d, path, at)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, b) {
				t.Fatal("the refused open changed the damaged log")
			}
			// verify, backup and restore open Badger the same way.
			if _, err := VerifyDir(dir, nil); !errors.Is(err, ErrDamagedLog) {
				t.Fatalf("verify on a damaged log: %v", err)
			}

			kept, err := SalvageLog(dir)
			if err != nil || kept == "" {
				t.Fatalf("salvage: %q %v", kept, err)
			}
			if got, _ := os.ReadFile(filepath.Join(kept, filepath.Base(path))); !bytes.Equal(got, b) {
				t.Fatal("salvage did not keep the damaged log as found")
			}
			_, err = Open(Options{Dir: dir})
			if !errors.Is(err, ErrHistoryLost) {
				t.Fatalf("open after salvaging a log that held published checkpoints: %v", err)
			}
		})
	}
}

// A torn end - the last transaction half written, as a crash leaves it -
// is not damage: Badger drops only what was never acknowledged.
func TestLogTornEndAccepted(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000, CheckpointInterval: time.Hour})
	fillHub(t, s, 10)
	dir := crashCopy(t, s)
	path, b := newestLog(t, dir)
	starts := txnStarts(b)
	last := starts[len(starts)-1] // the last complete transaction
	w := walkLog(b, walHeaderSize)
	clear(b[last+(w.validEnd-last)/2 : w.validEnd])
	os.WriteFile(path, b, 0o600)
	if err := checkLog(filepath.Join(dir, dbDir)); err != nil {
		t.Fatalf("torn end refused: %v", err)
	}
	c := openTest(t, Options{Dir: dir})
	if c.Size() != s.Size()-1 {
		t.Fatalf("size %d after a torn last batch, want %d", c.Size(), s.Size()-1)
	}
}

// An older log that does not end cleanly while a newer one holds writes is
// damage too: Badger would replay the newer one over the gap.
func TestOlderLogDamageRefused(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000, CheckpointInterval: time.Hour})
	fillHub(t, s, 10)
	dir := crashCopy(t, s)
	path, b := newestLog(t, dir)
	starts := txnStarts(b)
	// Split the log in two at a transaction boundary: the first part
	// becomes an older log whose last transaction is cut.
	cut := starts[len(starts)/2]
	older := append([]byte(nil), b[:cut-3]...)
	newer := append(append([]byte(nil), b[:walHeaderSize]...), b[cut:]...)
	base := strings.TrimSuffix(filepath.Base(path), memExt)
	if base == "00000" {
		t.Fatal("no room for an older log")
	}
	os.WriteFile(filepath.Join(filepath.Dir(path), "00000"+memExt), older, 0o600)
	os.WriteFile(path, newer, 0o600)
	err := checkLog(filepath.Join(dir, dbDir))
	var d *LogDamage
	if !errors.As(err, &d) || len(d.Newer) != 1 || d.Newer[0] != base+memExt {
		t.Fatalf("older log cut short under a newer one: %v", err)
	}
}

package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// The metadata keys are checked against the records they describe on
// every open: a store whose m/size, m/lasttime, m/head or digest no
// longer matches its events, hashes and checkpoints is refused.
func TestOpenChecksLogMetadata(t *testing.T) {
	base := t.TempDir()
	s := openTest(t, Options{Dir: base, CheckpointEvery: 4, CheckpointInterval: time.Hour})
	fillHub(t, s, 10) // 12 events: heights 1..3
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(txn *badger.Txn) error
		want string
	}{
		{"size one short", setKey(keySize, "11"), "event 11 is stored beyond"},
		{"size one long", setKey(keySize, "13"), "event 12 missing"},
		{"last time", setKey(keyLastTime, "1"), "last event time"},
		{"head one short", setKey(keyHead, "2"), "checkpoint 3 is stored beyond the head"},
		{"head missing", delKey(keyHead), "m/head) is missing"},
		{"leaf hash", setKey(state.HashKey(chain.StoredHashIndex(0, 11)), strings.Repeat("x", 32)), "stored leaf hash of event 11"},
		{"inner hash", delKey(state.HashKey(chain.StoredHashIndex(2, 2))), "Merkle hash 21 missing"},
		{"digest", func(txn *badger.Txn) error {
			var d state.Digest
			return txn.Set([]byte(keyDigest), d.Bytes())
		}, "stored state digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "d")
			copyDir(t, base, dir)
			db, err := openBadger(filepath.Join(dir, dbDir), false)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(tc.edit); err != nil {
				t.Fatal(err)
			}
			db.Close()
			_, err = Open(Options{Dir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v, want %q", err, tc.want)
			}
		})
	}
	// And the untouched store opens.
	openTest(t, Options{Dir: base})
}

func setKey(k, v string) func(*badger.Txn) error {
	return func(txn *badger.Txn) error { return txn.Set([]byte(k), []byte(v)) }
}

func delKey(k string) func(*badger.Txn) error {
	return func(txn *badger.Txn) error { return txn.Delete([]byte(k)) }
}

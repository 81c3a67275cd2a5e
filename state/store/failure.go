package store

import (
	"errors"
	"strconv"

	"github.com/dgraph-io/badger/v4"
)

// A failed commit is fatal, the way PostgreSQL treats a failed fsync. The
// log on disk is then in a state nobody knows (the kernel may have dropped
// the pages it could not write), and Badger has already made the failed
// batch readable: its commit applies the batch to the memtable before the
// sync that fails, and marks it done either way. So the store stops taking
// writes, refuses every read from then on (a reader must never see writes
// whose writers were told they failed), reports the failure on Failed, and
// the process is expected to exit so that the next start - the WAL checks,
// the high-water mark - decides what the disk really holds.

// ErrStorageFailed wraps the error of a failed commit; every write and read
// after it fails with it.
var ErrStorageFailed = errors.New("storage write failed, the hub stopped (restart it; it checks its data on start)")

// Err is the failure that stopped the store, nil while it is healthy.
func (s *Store) Err() error { return s.brokenErr() }

// Failed is closed when a commit fails.
func (s *Store) Failed() <-chan struct{} { return s.failed }

func (s *Store) brokenErr() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.broken
}

func (s *Store) setBroken(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return
	}
	s.broken = err
	s.commitStop.Store(true)
	close(s.failed)
	s.published.Broadcast()
	s.opts.Log.Error("storage failed: no more writes or reads; exit and restart so the data is checked", "err", err)
}

// snapshot runs fn in a read transaction that shows nothing the sequencer
// has not published. Badger lets a transaction see a batch as soon as its
// commit returns, before the sequencer knows whether it failed and before
// its checkpoint is recorded in HEAD; a reader whose snapshot is ahead of
// what is published waits until it is published, or fails with the store.
func (s *Store) snapshot(fn func(txn *badger.Txn) error) error {
	if err := s.brokenErr(); err != nil {
		return err
	}
	return s.db.View(func(txn *badger.Txn) error {
		// With no batch between Badger and publication, the snapshot
		// holds nothing unpublished: every batch handed to Badger before
		// it opened has finished (the count drops after finish publishes
		// it or breaks the store, hence the second look at broken).
		if s.unpublished.Load() == 0 && s.brokenErr() == nil {
			return fn(txn)
		}
		size, height, err := snapshotMark(txn)
		if err != nil {
			return err
		}
		s.mu.RLock()
		ok := s.broken == nil && size <= s.size && height <= s.head.Height
		s.mu.RUnlock()
		if !ok {
			if s.opts.onSnapshotWait != nil {
				s.opts.onSnapshotWait()
			}
			s.mu.Lock()
			for s.broken == nil && (size > s.size || height > s.head.Height) {
				s.published.Wait()
			}
			err := s.broken
			s.mu.Unlock()
			if err != nil {
				return err
			}
		}
		return fn(txn)
	})
}

// snapshotMark reads the log size and head height a read transaction
// sees; every batch moves one of them.
func snapshotMark(txn *badger.Txn) (size uint64, height int64, err error) {
	get := func(key string) (int64, error) {
		item, err := txn.Get([]byte(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		var n int64
		err = item.Value(func(v []byte) error {
			var err error
			n, err = strconv.ParseInt(string(v), 10, 64)
			return err
		})
		return n, err
	}
	n, err := get(keySize)
	if err != nil {
		return 0, 0, err
	}
	height, err = get(keyHead)
	return uint64(n), height, err
}

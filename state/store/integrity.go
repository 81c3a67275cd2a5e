package store

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// The store keeps its log size, last event time and head in metadata keys
// (m/size, m/lasttime, m/head) so that opening it never replays. Those keys
// are only as good as the records they describe: a store that lost records
// (a damaged log Badger cut short, an old copy of a file) can hold metadata
// that no longer matches, and building on it would sign a history other
// than the one members hold. So each open checks the metadata against the
// last event, the edges of the stored Merkle hashes and the head
// checkpoint's root: O(log size) reads, the same at any log size.

// load reads the stored log size, digest and head, checks them against
// the events, hashes and checkpoints they describe and against the data
// dir's high-water mark; it never replays.
func (s *Store) load() error {
	return s.db.View(func(txn *badger.Txn) error {
		r := &badgerReader{txn: txn}
		if v, ok := r.Get(keyFormat); ok && string(v) != strconv.Itoa(state.FormatVersion) {
			return fmt.Errorf("database format %s is not %d", v, state.FormatVersion)
		}
		if v, ok := r.Get(keySize); ok {
			n, err := strconv.ParseUint(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("corrupt log size %q", v)
			}
			s.size = n
		}
		if v, ok := r.Get(keyDigest); ok && !s.digest.SetBytes(v) {
			return errors.New("corrupt state digest accumulator")
		}
		if v, ok := r.Get(keyLastTime); ok {
			t, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("corrupt data dir: last event time %q", v)
			}
			s.lastTime = t
		}
		if err := s.checkLogMeta(r); err != nil {
			return err
		}
		if v, ok := r.Get(keyHead); ok {
			h, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("corrupt head %q", v)
			}
			signed, ok := r.Get(state.CheckpointKey(h))
			if !ok {
				return fmt.Errorf("corrupt data dir: checkpoint %d missing", h)
			}
			c, err := chain.Open(signed, s.verifier)
			if err != nil {
				return fmt.Errorf("checkpoint %d: %w", h, err)
			}
			s.head, s.headNote = state.HeadOf(c, signed), signed
			if err := s.checkHeadMeta(r, h, c); err != nil {
				return err
			}
			if uint64(c.Size) == s.size {
				// A clean stop sealed everything: the census at that
				// checkpoint is the current state's.
				var err error
				if s.loaded, err = state.CensusAtSeal(r, c); err != nil {
					s.logInternal("census", err)
				}
			}
		} else if _, ok := r.Get(state.CheckpointKey(1)); ok {
			return errors.New("corrupt data dir: checkpoints are stored but the head (m/head) is missing")
		}
		if r.err != nil {
			return r.err
		}
		return s.checkHighWater(r)
	})
}

// checkLogMeta checks m/size and m/lasttime against the stored events and
// hashes.
func (s *Store) checkLogMeta(r *badgerReader) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("corrupt data dir: "+format, a...)
	}
	if _, ok := r.Get(state.EventKey(s.size)); ok {
		return bad("event %d is stored beyond the recorded log size (m/size %d)", s.size, s.size)
	}
	n := chain.StoredHashCount(int64(s.size))
	if _, ok := r.Get(state.HashKey(n)); ok {
		return bad("Merkle hash %d is stored beyond the recorded log size (m/size %d)", n, s.size)
	}
	if s.size == 0 {
		if s.lastTime != 0 {
			return bad("an empty log with a last event time (m/lasttime %d)", s.lastTime)
		}
		return r.err
	}
	last := s.size - 1
	enc, ok := r.Get(state.EventKey(last))
	if !ok {
		return bad("event %d missing (m/size is %d)", last, s.size)
	}
	ev, err := state.Decode(enc)
	if err != nil {
		return bad("event %d: %v", last, err)
	}
	if ev.Seq != last {
		return bad("event %d holds seq %d", last, ev.Seq)
	}
	if ev.Time != s.lastTime {
		return bad("the last event time (m/lasttime %d) is not event %d's (%d)", s.lastTime, last, ev.Time)
	}
	leaf, ok := r.Get(state.HashKey(chain.StoredHashIndex(0, int64(last))))
	if want := chain.LeafHash(enc); !ok || !bytes.Equal(leaf, want[:]) {
		return bad("the stored leaf hash of event %d does not match the event", last)
	}
	if _, ok := r.Get(state.HashKey(n - 1)); !ok {
		return bad("Merkle hash %d missing (m/size is %d)", n-1, s.size)
	}
	return r.err
}

// checkHeadMeta checks the head checkpoint c (named by m/head) against the
// log: nothing sealed beyond it, it covers no more than the log holds, its
// root is the stored tree's at its size, and, when it covers the whole
// log, its state digest is the stored accumulator's.
func (s *Store) checkHeadMeta(r *badgerReader, h int64, c chain.Checkpoint) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("corrupt data dir: "+format, a...)
	}
	if c.Height != h {
		return bad("the checkpoint stored as height %d says height %d", h, c.Height)
	}
	if _, ok := r.Get(state.CheckpointKey(h + 1)); ok {
		return bad("checkpoint %d is stored beyond the head (m/head %d)", h+1, h)
	}
	if c.Size > int64(s.size) {
		return bad("checkpoint %d covers %d events but the log holds %d", c.Height, c.Size, s.size)
	}
	root, err := chain.TreeRoot(c.Size, state.HashReader(r))
	if err != nil {
		return bad("checkpoint %d: %v", c.Height, err)
	}
	if root != c.Root {
		return bad("checkpoint %d's root is not the stored log's at size %d", c.Height, c.Size)
	}
	if uint64(c.Size) == s.size && s.digest.Sum() != c.State {
		return bad("the stored state digest is not checkpoint %d's, which covers the whole log", c.Height)
	}
	return r.err
}

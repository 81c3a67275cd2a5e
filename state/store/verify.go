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

// VerifyDir checks a stopped hub's data dir: everything VerifyExport checks,
// plus that the stored Merkle hashes, the stored state and the stored digest
// all equal what the replay produced. It names the first event, checkpoint
// or state key that differs.
func VerifyDir(dir string, progress state.Progress) (state.VerifyReport, error) {
	d, err := openStopped(dir)
	if err != nil {
		return state.VerifyReport{}, err
	}
	defer d.Close()
	v, db := d.v, d.db
	var rep state.VerifyReport
	err = db.View(func(txn *badger.Txn) error {
		if err := d.checkHead(&badgerReader{txn: txn}); err != nil {
			return err
		}
		var signed [][]byte
		if err := scanRaw(txn, state.PrefixCheckpoint, func(_, v []byte) error { signed = append(signed, v); return nil }); err != nil {
			return err
		}
		// The stored hashes of each event are read ahead with it (the
		// decoding goroutine has time to spare); apply compares them.
		var pre []chain.Hash
		var preBase int64
		rp, err := state.NewReplayer(signed, v, func(x int64) (chain.Hash, bool) {
			if i := x - preBase; i >= 0 && i < int64(len(pre)) {
				return pre[i], true
			}
			return chain.Hash{}, false
		})
		if err != nil {
			return err
		}
		r := &badgerReader{txn: txn}
		var size uint64
		if b, ok := r.Get(keySize); ok {
			if size, err = strconv.ParseUint(string(b), 10, 64); err != nil {
				return fmt.Errorf("stored log size %q is corrupt", b)
			}
		}
		hopts := badger.DefaultIteratorOptions
		hopts.Prefix = []byte(state.PrefixHash)
		hit := txn.NewIterator(hopts)
		defer hit.Close()
		hit.Rewind()
		readHash := func(x int64) (chain.Hash, bool) {
			var h chain.Hash
			if !hit.Valid() || string(hit.Item().Key()) != state.HashKey(x) {
				return h, false
			}
			ok := false
			err := hit.Item().Value(func(val []byte) error {
				ok = len(val) == len(h)
				copy(h[:], val)
				return nil
			})
			hit.Next()
			return h, ok && err == nil
		}
		stored := func(seq uint64) []chain.Hash {
			base, end := chain.StoredHashCount(int64(seq)), chain.StoredHashCount(int64(seq)+1)
			out := make([]chain.Hash, 0, end-base)
			for x := base; x < end; x++ {
				h, ok := readHash(x)
				if !ok {
					break
				}
				out = append(out, h)
			}
			return out
		}
		// Reading and decoding run a step ahead of apply, on the other core.
		ahead := decodeAhead(func(emit func(k, b []byte) error) error { return scanRaw(txn, state.PrefixEvent, emit) }, stored)
		defer ahead.stop()
		for d := range ahead.out {
			pre, preBase = d.stored, chain.StoredHashCount(int64(rp.Len()))
			if d.key != state.EventKey(rp.Len()) {
				return fmt.Errorf("event %d: missing (found key %q instead)", rp.Len(), d.key)
			}
			if err := rp.Next(d.raw, d.ev, d.err); err != nil {
				return err
			}
			if progress != nil && rp.Len()%8192 == 0 {
				progress(rp.Len(), size)
			}
		}
		if err := ahead.err; err != nil {
			return err
		}
		if progress != nil {
			progress(rp.Len(), size)
		}
		if rp.Len() != size {
			return fmt.Errorf("the log holds %d events but the hub recorded %d", rp.Len(), size)
		}
		if rep, err = rp.Finish(); err != nil {
			return err
		}
		rep.Crashed = d.Crashed()
		if err := compareState(txn, rp.State()); err != nil {
			return err
		}
		if err := state.CheckPrivateNotes(rp.State(), func(prefix string, fn func(k, v []byte) error) error {
			return scanRaw(txn, prefix, fn)
		}); err != nil {
			return err
		}
		var d state.Digest
		if b, ok := r.Get(keyDigest); ok && !d.SetBytes(b) {
			return errors.New("stored state digest is corrupt")
		}
		if d.Sum() != rp.State().Digest() {
			return errors.New("stored state digest differs from the replayed state")
		}
		return r.err
	})
	return rep, err
}

// compareState walks the stored state and the replayed state side by side.
func compareState(txn *badger.Txn, st *state.MemState) error {
	want := st.Keys(state.PrefixState)
	i := 0
	err := scanRaw(txn, state.PrefixState, func(k, v []byte) error {
		key := string(k)
		if i >= len(want) || want[i] > key {
			return fmt.Errorf("state key %q is stored but the replay does not produce it", key)
		}
		if want[i] < key {
			return fmt.Errorf("state key %q is missing from the stored state", want[i])
		}
		if r, _ := st.Get(key); !bytes.Equal(r, v) {
			return fmt.Errorf("state key %q differs from the replayed state", key)
		}
		i++
		return nil
	})
	if err == nil && i < len(want) {
		err = fmt.Errorf("state key %q is missing from the stored state", want[i])
	}
	return err
}

type decodedEvent struct {
	key    string
	raw    []byte
	ev     state.Event
	err    error
	stored []chain.Hash // the hashes stored with it, if asked for
}

// pipeline streams decoded events from a scan running on its own goroutine.
type pipeline struct {
	out  chan decodedEvent
	quit chan struct{}
	err  error // valid once out is closed
}

var errStopped = errors.New("stopped")

func decodeAhead(scan func(emit func(k, b []byte) error) error, stored func(seq uint64) []chain.Hash) *pipeline {
	p := &pipeline{out: make(chan decodedEvent, 1024), quit: make(chan struct{})}
	go func() {
		defer close(p.out)
		var seq uint64
		err := scan(func(k, b []byte) error {
			ev, err := state.Decode(b)
			d := decodedEvent{key: string(k), raw: b, ev: ev, err: err}
			if stored != nil {
				d.stored = stored(seq)
			}
			seq++
			select {
			case p.out <- d:
				return nil
			case <-p.quit:
				return errStopped
			}
		})
		if err != errStopped {
			p.err = err
		}
	}()
	return p
}

// stop ends the scan early and waits for it to let go of the transaction.
func (p *pipeline) stop() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	for range p.out {
	}
}

package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// VerifyReport sums up a successful verification.
type VerifyReport struct {
	Events      uint64
	Checkpoints int
	Head        Head
	Unsealed    uint64 // events after the last checkpoint
	Digest      [32]byte
	// Census is recomputed at the last checkpoint, Censuses at every one
	// (by height): what `polis verify --census` compares and prints.
	Census   *CensusAt
	Censuses map[int64]CensusAt
	// Rollbacks are the gaps in the chain's heights, oldest first.
	Rollbacks []Rollback
	// Crashed: the data dir was not stopped cleanly, so a scratch copy of
	// its database was read, with the write log replayed there; the dir
	// itself is untouched.
	Crashed bool

	rp *replayer // what CheckSince proves from
}

// Progress is told how many events have been replayed out of total.
type Progress func(done, total uint64)

// checkpointSet is the parsed, signature-checked chain of checkpoints.
type checkpointSet struct {
	list      []chain.Checkpoint
	notes     [][]byte
	bySize    map[int64][]int
	rollbacks []Rollback
	v         note.Verifier
}

// Rollback is a gap in the chain's heights: the hub was restored from a
// backup older than checkpoints it had published and, so as never to sign
// those heights again, resumed above them (see docs/events.md, "Rollback").
// The heights Kept+1 .. Resumed-1 belong to an abandoned history.
type Rollback struct {
	Kept     int64 `json:"kept"`      // the last checkpoint kept; 0 if none
	KeptSize int64 `json:"kept_size"` // the log size it covers
	Resumed  int64 `json:"resumed"`   // the first checkpoint after the gap
	Size     int64 `json:"size"`      // the log size that one covers
}

func openCheckpoints(signed [][]byte, v note.Verifier) (*checkpointSet, error) {
	cs := &checkpointSet{bySize: map[int64][]int{}, v: v}
	var prev []byte
	var last chain.Checkpoint // the previous checkpoint; zero before the first
	for i, b := range signed {
		c, err := chain.Open(b, v)
		if err != nil {
			return nil, fmt.Errorf("checkpoint %d: %w", i+1, err)
		}
		if c.Height <= last.Height {
			return nil, fmt.Errorf("checkpoint %d: height %d out of sequence (after %d)", i+1, c.Height, last.Height)
		}
		var want [32]byte
		if prev != nil {
			want = chain.NoteHash(prev)
		}
		if c.Prev != want {
			if prev == nil {
				return nil, fmt.Errorf("checkpoint %d: the chain's first checkpoint links to a previous one", c.Height)
			}
			return nil, fmt.Errorf("checkpoint %d: does not link to checkpoint %d (prev hash differs)", c.Height, last.Height)
		}
		if c.Size < last.Size || c.Size == 0 {
			return nil, fmt.Errorf("checkpoint %d: size %d after %d", c.Height, c.Size, last.Size)
		}
		if c.Time < last.Time {
			return nil, fmt.Errorf("checkpoint %d: time %d is before checkpoint %d's %d (checkpoint time runs backwards)", c.Height, c.Time, last.Height, last.Time)
		}
		if c.Height > last.Height+1 {
			cs.rollbacks = append(cs.rollbacks, Rollback{Kept: last.Height, KeptSize: last.Size, Resumed: c.Height, Size: c.Size})
		}
		cs.list = append(cs.list, c)
		cs.notes = append(cs.notes, b)
		cs.bySize[c.Size] = append(cs.bySize[c.Size], i)
		prev, last = b, c
	}
	return cs, nil
}

// replayer folds events into a fresh state and Merkle tree, checking each
// checkpoint as the replay reaches its size.
type replayer struct {
	cs     *checkpointSet
	st     *MemState
	hashes chain.MemoryHashes
	n      uint64
	last   int64
	// storedHash, when set, checks the hashes the hub stored for each
	// event, which pins a changed event to its own position.
	storedHash func(idx int64) (chain.Hash, bool)
	censuses   map[int64]CensusAt
}

func (rp *replayer) event(b []byte) error {
	ev, err := Decode(b)
	return rp.decoded(b, ev, err)
}

// decoded takes an event decoded ahead (see decodeAhead).
func (rp *replayer) decoded(b []byte, ev Event, err error) error {
	seq := rp.n
	if err != nil {
		return fmt.Errorf("event %d: %w", seq, err)
	}
	if ev.Seq != seq {
		return fmt.Errorf("event %d: says it is event %d", seq, ev.Seq)
	}
	if ev.Time < rp.last {
		return fmt.Errorf("event %d: time runs backwards", seq)
	}
	rp.last = ev.Time
	if err := Apply(rp.st, ev); err != nil {
		return fmt.Errorf("event %d: does not apply: %w", seq, err)
	}
	if d, ok := ev.Body.(*JuryDrawn); ok {
		c, _ := GetCase(rp.st, d.Case)
		if err := rp.cs.checkJurySeed(c, d); err != nil {
			return fmt.Errorf("event %d: case %d: %w", seq, d.Case, err)
		}
	}
	first := rp.hashes.Len()
	if err := rp.hashes.Append(int64(seq), b); err != nil {
		return fmt.Errorf("event %d: %w", seq, err)
	}
	if rp.storedHash != nil {
		for x := first; x < rp.hashes.Len(); x++ {
			if h, ok := rp.storedHash(x); !ok || h != rp.hashes.At(x) {
				return fmt.Errorf("event %d: its bytes do not match the Merkle hash stored when it was written (event changed after the fact)", seq)
			}
		}
	}
	rp.n++
	for _, i := range rp.cs.bySize[int64(rp.n)] {
		c := rp.cs.list[i]
		root, err := chain.TreeRoot(c.Size, &rp.hashes)
		if err != nil {
			return err
		}
		if c.Time < rp.last/1000 {
			return fmt.Errorf("checkpoint %d (size %d): time %d is before event %d it covers (%d ms)", c.Height, c.Size, c.Time, seq, rp.last)
		}
		if root != c.Root {
			return fmt.Errorf("checkpoint %d (size %d): Merkle root differs from the replayed events (an event at or before %d changed)", c.Height, c.Size, seq)
		}
		if rp.st.Digest() != c.State {
			return fmt.Errorf("checkpoint %d (size %d): state digest differs from the replayed state", c.Height, c.Size)
		}
		if rp.censuses == nil {
			rp.censuses = map[int64]CensusAt{}
		}
		if ca := censusAtSeal(rp.st, c); ca != nil {
			rp.censuses[c.Height] = *ca
		}
	}
	return nil
}

func (rp *replayer) finish() (VerifyReport, error) {
	rep := VerifyReport{Events: rp.n, Checkpoints: len(rp.cs.list), Digest: rp.st.Digest(), Censuses: rp.censuses, Rollbacks: rp.cs.rollbacks, rp: rp}
	if k := len(rp.cs.list); k > 0 {
		c := rp.cs.list[k-1]
		if uint64(c.Size) > rp.n {
			return rep, fmt.Errorf("checkpoint %d covers %d events but the log has only %d", c.Height, c.Size, rp.n)
		}
		rep.Head = headOf(c, rp.cs.notes[k-1])
		if ca, ok := rp.censuses[c.Height]; ok {
			rep.Census = &ca
		}
		rep.Unsealed = rp.n - uint64(c.Size)
	} else {
		rep.Unsealed = rp.n
	}
	return rep, nil
}

// VerifyExport checks an export file offline: every checkpoint signature
// and link, every event's canonical form, and that replaying the events
// reproduces every checkpoint's Merkle root and state digest. If vkey is
// empty, the key in the file is trusted (the caller should say so).
func VerifyExport(x *Export, vkey string, progress Progress) (VerifyReport, error) {
	rep, _, err := replayExport(x, vkey, progress)
	return rep, err
}

func replayExport(x *Export, vkey string, progress Progress) (VerifyReport, *replayer, error) {
	if vkey == "" {
		vkey = x.Key
	}
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return VerifyReport{}, nil, fmt.Errorf("verifier key: %w", err)
	}
	cs, err := openCheckpoints(x.Checkpoints, v)
	if err != nil {
		return VerifyReport{}, nil, err
	}
	rp := &replayer{cs: cs, st: NewMemState()}
	total := uint64(len(x.Events))
	for _, b := range x.Events {
		if err := rp.event(b); err != nil {
			return VerifyReport{}, nil, err
		}
		if progress != nil && rp.n%8192 == 0 {
			progress(rp.n, total)
		}
	}
	if progress != nil {
		progress(rp.n, total)
	}
	rep, err := rp.finish()
	return rep, rp, err
}

// StateAtLastCheckpoint verifies x like VerifyExport and returns the state
// its last checkpoint covers, with that checkpoint and its signed note:
// what a dossier is computed from.
func StateAtLastCheckpoint(x *Export, vkey string, progress Progress) (*MemState, chain.Checkpoint, []byte, error) {
	if len(x.Checkpoints) == 0 {
		return nil, chain.Checkpoint{}, nil, errors.New("the log has no checkpoint yet")
	}
	sealed := *x
	if _, rp, err := replayExport(x, vkey, nil); err != nil {
		return nil, chain.Checkpoint{}, nil, err
	} else {
		last := rp.cs.list[len(rp.cs.list)-1]
		sealed.Events = x.Events[:last.Size]
	}
	_, rp, err := replayExport(&sealed, vkey, progress)
	if err != nil {
		return nil, chain.Checkpoint{}, nil, err
	}
	k := len(rp.cs.list) - 1
	return rp.st, rp.cs.list[k], rp.cs.notes[k], nil
}

// VerifyDir checks a stopped hub's data dir: everything VerifyExport checks,
// plus that the stored Merkle hashes, the stored state and the stored digest
// all equal what the replay produced. It names the first event, checkpoint
// or state key that differs.
func VerifyDir(dir string, progress Progress) (VerifyReport, error) {
	d, err := openStopped(dir)
	if err != nil {
		return VerifyReport{}, err
	}
	defer d.Close()
	v, db := d.v, d.db
	var rep VerifyReport
	err = db.View(func(txn *badger.Txn) error {
		if err := d.checkHead(&badgerReader{txn: txn}); err != nil {
			return err
		}
		var signed [][]byte
		if err := scanRaw(txn, prefixCkpt, func(_, v []byte) error { signed = append(signed, v); return nil }); err != nil {
			return err
		}
		cs, err := openCheckpoints(signed, v)
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
		hopts.Prefix = []byte(prefixHash)
		hit := txn.NewIterator(hopts)
		defer hit.Close()
		hit.Rewind()
		readHash := func(x int64) (chain.Hash, bool) {
			var h chain.Hash
			if !hit.Valid() || string(hit.Item().Key()) != hashKey(x) {
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
		// The stored hashes of each event are read ahead with it (the
		// decoding goroutine has time to spare); apply compares them.
		var pre []chain.Hash
		var preBase int64
		rp := &replayer{cs: cs, st: NewMemState(), storedHash: func(x int64) (chain.Hash, bool) {
			if i := x - preBase; i >= 0 && i < int64(len(pre)) {
				return pre[i], true
			}
			return chain.Hash{}, false
		}}
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
		ahead := decodeAhead(func(emit func(k, b []byte) error) error { return scanRaw(txn, prefixEvent, emit) }, stored)
		defer ahead.stop()
		for d := range ahead.out {
			pre, preBase = d.stored, chain.StoredHashCount(int64(rp.n))
			if d.key != eventKey(rp.n) {
				return fmt.Errorf("event %d: missing (found key %q instead)", rp.n, d.key)
			}
			if err := rp.decoded(d.raw, d.ev, d.err); err != nil {
				return err
			}
			if progress != nil && rp.n%8192 == 0 {
				progress(rp.n, size)
			}
		}
		if err := ahead.err; err != nil {
			return err
		}
		if progress != nil {
			progress(rp.n, size)
		}
		if rp.n != size {
			return fmt.Errorf("the log holds %d events but the hub recorded %d", rp.n, size)
		}
		if rep, err = rp.finish(); err != nil {
			return err
		}
		rep.Crashed = d.Crashed()
		if err := compareState(txn, rp.st); err != nil {
			return err
		}
		if err := checkPrivateNotes(txn, rp.st); err != nil {
			return err
		}
		var d Digest
		if b, ok := r.Get(keyDigest); ok && !d.SetBytes(b) {
			return errors.New("stored state digest is corrupt")
		}
		if d.Sum() != rp.st.Digest() {
			return errors.New("stored state digest differs from the replayed state")
		}
		return r.err
	})
	return rep, err
}

// compareState walks the stored state and the replayed state side by side.
func compareState(txn *badger.Txn, st *MemState) error {
	want := st.Keys(prefixState)
	i := 0
	err := scanRaw(txn, prefixState, func(k, v []byte) error {
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
	ev     Event
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
			ev, err := Decode(b)
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

// checkPrivateNotes checks that every private note's text still matches
// the hash its event committed to.
func checkPrivateNotes(txn *badger.Txn, st *MemState) error {
	return scanRaw(txn, prefixPrivate, func(k, v []byte) error {
		key := prefixNoteHash + strings.TrimPrefix(string(k), prefixPrivate)
		b, ok := st.Get(key)
		var rec noteRecord
		if !ok || json.Unmarshal(b, &rec) != nil {
			return fmt.Errorf("private note %s has no event", k)
		}
		if !noteMatches(v, rec.Hash) {
			return fmt.Errorf("private note %s does not match the hash in its event", k)
		}
		return nil
	})
}

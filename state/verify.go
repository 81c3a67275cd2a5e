package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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
	// MemberSigned counts the events carrying their member's own
	// signature, each checked by Apply (see members_sig.go).
	MemberSigned uint64
	// Validators is the number of validators in force at the last
	// checkpoint of a replicated hub's log (0 for a single hub); every
	// checkpoint was checked to be cosigned by more than two thirds of
	// the power in force at it (export only).
	Validators int

	rp *Replayer // what CheckSince proves from
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

// Replayer folds events into a fresh state and Merkle tree, checking each
// checkpoint as the replay reaches its size: VerifyExport over an export,
// an engine's own verifier over its records.
type Replayer struct {
	cs     *checkpointSet
	st     *MemState
	hashes chain.MemoryHashes
	n      uint64
	last   int64
	// storedHash, when set, checks the hashes the hub stored for each
	// event, which pins a changed event to its own position.
	storedHash func(idx int64) (chain.Hash, bool)
	censuses   map[int64]CensusAt
	signed     uint64
	// valsAt is the validator set in force at each checkpoint, by
	// height, on a replicated hub's log.
	valsAt map[int64]ValidatorSet
}

func (rp *Replayer) event(b []byte) error {
	ev, err := Decode(b)
	return rp.Next(b, ev, err)
}

// NewReplayer starts a replay that checks the signed checkpoints against
// v. storedHash, if not nil, gives the Merkle hashes an engine stored for
// each event, which pins a changed event to its own position.
func NewReplayer(checkpoints [][]byte, v note.Verifier, storedHash func(idx int64) (chain.Hash, bool)) (*Replayer, error) {
	cs, err := openCheckpoints(checkpoints, v)
	if err != nil {
		return nil, err
	}
	return &Replayer{cs: cs, st: NewMemState(), storedHash: storedHash}, nil
}

// Len is how many events were replayed.
func (rp *Replayer) Len() uint64 { return rp.n }

// State is the replayed state.
func (rp *Replayer) State() *MemState { return rp.st }

// Next replays the next event, b, decoded ahead as ev (or err).
func (rp *Replayer) Next(b []byte, ev Event, err error) error {
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
	// Members' signatures name the origin hub.origin records, so it must
	// be the log's own: else another hub's signed acts would replay here.
	if o, ok := ev.Body.(*HubOrigin); ok && rp.cs.v != nil && o.Origin != rp.cs.v.Name() {
		return fmt.Errorf("event %d: hub.origin names %q, but the log is signed as %q", seq, o.Origin, rp.cs.v.Name())
	}
	if IsMemberSigned(ev.Body) {
		rp.signed++
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
		if ca, err := CensusAtSeal(rp.st, c); err == nil {
			rp.censuses[c.Height] = *ca
		}
		if set, ok := Validators(rp.st); ok {
			if rp.valsAt == nil {
				rp.valsAt = map[int64]ValidatorSet{}
			}
			rp.valsAt[c.Height] = set
		}
	}
	return nil
}

// Finish checks that the checkpoints cover no more than was replayed and
// sums the replay up.
func (rp *Replayer) Finish() (VerifyReport, error) {
	rep := VerifyReport{Events: rp.n, Checkpoints: len(rp.cs.list), Digest: rp.st.Digest(), Censuses: rp.censuses, Rollbacks: rp.cs.rollbacks, MemberSigned: rp.signed, rp: rp}
	if k := len(rp.cs.list); k > 0 {
		c := rp.cs.list[k-1]
		if uint64(c.Size) > rp.n {
			return rep, fmt.Errorf("checkpoint %d covers %d events but the log has only %d", c.Height, c.Size, rp.n)
		}
		rep.Head = HeadOf(c, rp.cs.notes[k-1])
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

func replayExport(x *Export, vkey string, progress Progress) (VerifyReport, *Replayer, error) {
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
	rp := &Replayer{cs: cs, st: NewMemState()}
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
	rep, err := rp.Finish()
	if err == nil {
		err = rp.checkQuorums(x.Cosigned)
		if k := len(cs.list); k > 0 {
			rep.Validators = len(rp.valsAt[cs.list[k-1].Height].Seats)
		}
	}
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

// CheckPrivateNotes checks every private note that scan finds against the
// replayed state st: its text must still match the hash its event
// committed to.
func CheckPrivateNotes(st Reader, scan func(prefix string, fn func(k, v []byte) error) error) error {
	return scan(prefixPrivate, func(k, v []byte) error {
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

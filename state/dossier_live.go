package state

import (
	"fmt"
	"sync"

	"github.com/polis-hub/polis/chain"
)

// A serving hub's published state is its latest commit, usually past the
// latest checkpoint, and the dossier must be computed at a checkpoint
// (every figure recomputable from the signed chain). SealedDossier keeps a
// replica of the state at the latest checkpoint, folded forward from the
// hub's own events as checkpoints come, and checks the replica's digest
// against each checkpoint's before it trusts it. It costs a second copy of
// the state in memory, and one more Apply per event, paid by the reader
// that asks (the public page), never by the sequencer.

// SealedDossier builds the dossier at the latest checkpoint; safe for
// concurrent use.
type SealedDossier struct {
	h      *Hub
	mu     sync.Mutex
	st     *MemState
	n      uint64 // events applied to st
	height int64  // the checkpoint d was built at
	d      Dossier
}

// NewSealedDossier starts an empty replica; the first Latest replays the
// log up to the latest checkpoint.
func (h *Hub) NewSealedDossier() *SealedDossier {
	return &SealedDossier{h: h, st: NewMemState()}
}

// sealedBatch bounds how many events one snapshot is held open for.
const sealedBatch = 4096

// Latest returns the dossier at the latest checkpoint, and false before
// the first.
func (s *SealedDossier) Latest() (Dossier, bool, error) {
	// The head is read under the lock: read before it, a caller that
	// waited could hold an older head than the replica has reached, and
	// compare a later state with an earlier checkpoint's digest.
	s.mu.Lock()
	defer s.mu.Unlock()
	head, ok := s.h.Head()
	if !ok {
		return Dossier{}, false, nil
	}
	if s.height == head.Height {
		return s.d, true, nil
	}
	for s.n < uint64(head.Size) {
		end := min(s.n+sealedBatch, uint64(head.Size))
		err := s.h.View(func(r Reader) error {
			for ; s.n < end; s.n++ {
				b, ok := r.Get(EventKey(s.n))
				if !ok {
					return fmt.Errorf("event %d is missing", s.n)
				}
				ev, err := Decode(b)
				if err != nil {
					return fmt.Errorf("event %d: %w", s.n, err)
				}
				if err := Apply(s.st, ev); err != nil {
					return fmt.Errorf("event %d: %w", s.n, err)
				}
			}
			return nil
		})
		if err != nil {
			s.reset()
			return Dossier{}, false, err
		}
	}
	v, err := s.h.verifier()
	if err != nil {
		return Dossier{}, false, err
	}
	c, err := chain.Open([]byte(head.Note), v)
	if err != nil {
		return Dossier{}, false, err
	}
	if s.st.Digest() != c.State {
		s.reset()
		return Dossier{}, false, fmt.Errorf("dossier: the replayed state differs from checkpoint %d's digest", c.Height)
	}
	s.d, s.height = BuildDossier(s.st, c, []byte(head.Note), s.h.VerifierKey()), c.Height
	return s.d, true, nil
}

// reset drops a replica that went wrong: the next call starts over.
func (s *SealedDossier) reset() {
	s.st, s.n, s.height = NewMemState(), 0, 0
}

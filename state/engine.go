package state

import (
	"context"
	"io"
	"sync"
	"time"
)

// Sequencer orders commands: it decides each against the current state,
// applies its events and makes them durable, one command after another. The
// Badger store (package state/store) is one goroutine with group commit; a
// replicated engine (one hub per validator) can implement the same interface
// without touching domain code, because Decide and Apply are deterministic.
type Sequencer interface {
	// Submit runs c for a and waits until its events are durable. If ctx
	// ends first the caller stops waiting, but a command already taken may
	// still commit: "not acknowledged" never means "not done".
	Submit(ctx context.Context, a Actor, c Command) ([]Event, error)
}

// Engine is everything the Hub needs of the engine behind it: a Sequencer
// for writes and the reads of what it published. The doors (ssh/, tui/) see
// only the Hub, so a second engine is plugged in where the binary wires the
// Hub (cmd/polis), and nowhere else.
//
// An engine keeps the log's keyspace (docs/events.md): state under "s/",
// each event's canonical bytes at EventKey, its Merkle hashes at HashKey,
// each signed checkpoint at CheckpointKey, private records under "p/".
// What a View reads of it is published: never a write whose command was not
// (or will not be) acknowledged.
type Engine interface {
	Sequencer
	// View runs fn over one consistent snapshot of published state.
	View(fn func(r Reader) error) error
	// Published is the read model of the latest commit.
	Published() *Published
	// Subscribe returns a channel that receives the log size after every
	// commit. Slow readers miss intermediate sizes but always get the
	// latest: the channel holds one value and is overwritten.
	Subscribe() (<-chan uint64, func())
	// Nudge wakes the subscribers without a commit: what the hub shows
	// beside the log (witnesses' cosignatures) changed.
	Nudge()
	// Now is the engine's clock, the one events are stamped from.
	Now() time.Time
	// VerifierKey is the note verifier key of the log's checkpoints.
	VerifierKey() string
	// WriteExport writes the whole log and every checkpoint, as of one
	// snapshot, in the export format (docs/events.md).
	WriteExport(w io.Writer) error
	// WriteExportTo is WriteExport for the first size events (at most the
	// published size) and the checkpoints that cover no more of them.
	// Cosignatures of exported checkpoints go with them.
	WriteExportTo(w io.Writer, size uint64, cosigned ...Cosignatures) error
}

// Published is what one commit published: a value that is never modified
// once an engine hands it out, so readers tell what changed by comparing
// numbers (Size, MemberGen) rather than the identity of what they read.
type Published struct {
	// Size is the number of events in the log; it moves with every commit
	// that appended events.
	Size uint64
	// MemberGen moves with every commit that changed a member record
	// (keys, roles, joining, leaving, names); it is never 0.
	MemberGen uint64
	// Digest is the state digest.
	Digest [32]byte
	// Head is the latest checkpoint; its Height is 0 before the first.
	Head Head
	// Census is the census at the latest checkpoint, nil until one was
	// computed since the engine started.
	Census *CensusAt
}

// RecoverCorrupt, deferred by an engine's View, turns a panic over a
// corrupt stored record (domain code panics when a stored value does not
// decode) into the View's error: a reader reports it, and is never brought
// down by it. Any other panic goes on.
func RecoverCorrupt(err *error) {
	if p := recover(); p != nil {
		if ce, ok := p.(corruptError); ok {
			*err = ce
			return
		}
		panic(p)
	}
}

// Subscribers is the fan-out behind Engine.Subscribe, for engines to share:
// each subscriber's channel holds one value, and Publish overwrites it, so
// a slow reader misses intermediate sizes and never holds the engine up.
// The zero value is ready.
type Subscribers struct {
	mu sync.Mutex
	m  map[chan uint64]struct{}
}

// Subscribe is Engine.Subscribe.
func (s *Subscribers) Subscribe() (<-chan uint64, func()) {
	ch := make(chan uint64, 1)
	s.mu.Lock()
	if s.m == nil {
		s.m = map[chan uint64]struct{}{}
	}
	s.m[ch] = struct{}{}
	s.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.m, ch)
			s.mu.Unlock()
		})
	}
}

// Publish hands size to every subscriber, in place of what it has not read.
func (s *Subscribers) Publish(size uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.m {
		select {
		case <-ch: // drop the stale value; the newest wins
		default:
		}
		select {
		case ch <- size:
		default:
		}
	}
}

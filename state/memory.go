package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// Memory is an Engine that keeps the whole log and state in memory: every
// command takes the same path as in the Badger store (Batch.Decide: Decide,
// Encode, Apply, the Merkle hashes, the private records), its checkpoints
// are sealed and signed as the store's are, and nothing is written to disk.
// It decides one command at a time, in the order Submit is called, stamped
// by its clock; its signing key is derived from its origin. So the same
// calls give the same log, byte for byte, every time: what the domain's
// tests run on.
type Memory struct {
	opts   MemoryOptions
	signer note.Signer
	vkey   string

	mu       sync.RWMutex // one command at a time, or readers; guards what follows
	kv       memKV
	size     uint64
	lastTime int64
	closed   bool

	pmu  sync.Mutex // guards pub
	pub  *Published
	subs Subscribers
}

// MemoryOptions configure a Memory engine.
type MemoryOptions struct {
	// Origin names the log in its checkpoints and derives its signing key.
	Origin string
	// CheckpointEvery seals a checkpoint once this many events are
	// unsealed (default 1000); Close seals the rest. There is no timer.
	CheckpointEvery int
	// Clock gives event times; tests pin it. Defaults to time.Now.
	Clock func() time.Time
	// Log gets internal errors with their stack; nil discards them.
	Log *slog.Logger
}

var _ Engine = (*Memory)(nil)

// NewMemory starts an empty Memory engine.
func NewMemory(o MemoryOptions) (*Memory, error) {
	if o.Origin == "" {
		o.Origin = "polis.local/hub"
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 1000
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	seed := sha256.Sum256([]byte("polis-memory-engine\x00" + o.Origin))
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat(seed[:], 2)), o.Origin)
	if err != nil {
		return nil, fmt.Errorf("origin %q: %w", o.Origin, err)
	}
	signer, err := chain.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	log := NewMemState()
	log.noDigest = true
	m := &Memory{opts: o, signer: signer, vkey: vkey, kv: memKV{st: NewMemState(), log: log}}
	m.pub = &Published{MemberGen: 1, Digest: m.kv.st.Digest()}
	return m, nil
}

// Submit decides c for a and applies it at once.
func (m *Memory) Submit(ctx context.Context, a Actor, c Command) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	now := max(m.opts.Clock().UnixMilli(), m.lastTime)
	d, err := decideOver(m.kv, a, c, m.size, now)
	if err != nil {
		m.logInternal(fmt.Sprintf("%T", c), err)
		return nil, err
	}
	if len(d.Writes()) == 0 {
		return d.Events, nil
	}
	d.co.commitTo(m.kv)
	if len(d.Events) > 0 {
		m.size += uint64(len(d.Events))
		m.lastTime = now
	}
	pub := *m.Published()
	pub.Size = m.size
	if d.Members {
		pub.MemberGen++
	}
	if m.size-uint64(pub.Head.Size) >= uint64(m.opts.CheckpointEvery) {
		if err := m.seal(&pub); err != nil {
			// Only a bug gets here (a Merkle hash missing), after the
			// command was applied: stop rather than build on it.
			m.closed = true
			return nil, err
		}
	}
	m.publish(&pub)
	return d.Events, nil
}

// logInternal gives the log what a member is not told of an internal
// error: where it broke.
func (m *Memory) logInternal(what string, err error) {
	var ie *InternalError
	if errors.As(err, &ie) {
		m.opts.Log.Error("internal error", "in", what, "err", ie.Err, "stack", string(ie.Stack))
	}
}

// seal signs a checkpoint over the whole log into pub.
func (m *Memory) seal(pub *Published) error {
	digest := m.kv.st.Digest()
	unix := max(m.opts.Clock().Unix(), pub.Head.Time/1000, m.lastTime/1000)
	c, signed, err := Seal(m.kv, m.signer, m.size, digest, pub.Head, unix)
	if err != nil {
		return fmt.Errorf("sealing checkpoint: %w", err)
	}
	pub.Head = HeadOf(c, signed)
	if ca, err := CensusAtSeal(m.kv, c); err != nil {
		m.logInternal("census", err)
	} else {
		pub.Census = ca
	}
	return nil
}

func (m *Memory) publish(pub *Published) {
	pub.Digest = m.kv.st.Digest()
	m.pmu.Lock()
	m.pub = pub
	m.pmu.Unlock()
	m.subs.Publish(pub.Size)
}

// Seal signs a checkpoint over what is unsealed now, as the store's
// timer would: tests use it to put a head mid-log.
func (m *Memory) Seal() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	return m.sealNow()
}

// Close seals what is unsealed; later commands fail with ErrClosed, and
// reads go on.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	return m.sealNow()
}

func (m *Memory) sealNow() error {
	pub := *m.Published()
	if m.size == uint64(pub.Head.Size) {
		return nil
	}
	if err := m.seal(&pub); err != nil {
		return err
	}
	m.publish(&pub)
	return nil
}

// View runs fn over the state as it stands, with no command running.
func (m *Memory) View(fn func(r Reader) error) (err error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	defer RecoverCorrupt(&err)
	return fn(m.kv)
}

// Published is the read model of the latest command that wrote.
func (m *Memory) Published() *Published {
	m.pmu.Lock()
	defer m.pmu.Unlock()
	return m.pub
}

// Subscribe is described at Engine.
func (m *Memory) Subscribe() (<-chan uint64, func()) { return m.subs.Subscribe() }

// Nudge is described at Engine.
func (m *Memory) Nudge() { m.subs.Publish(m.Published().Size) }

// Now is the engine's clock.
func (m *Memory) Now() time.Time { return m.opts.Clock() }

// VerifierKey is the note verifier key of the engine's checkpoints.
func (m *Memory) VerifierKey() string { return m.vkey }

// Signer is the engine's checkpoint signer, for what else the hub signs
// with its key (the dossier's files).
func (m *Memory) Signer() note.Signer { return m.signer }

// WriteExport writes the whole log and every checkpoint.
func (m *Memory) WriteExport(w io.Writer) error { return m.WriteExportTo(w, m.Published().Size) }

// WriteExportTo is described at Engine.
func (m *Memory) WriteExportTo(w io.Writer, size uint64, cosigned ...Cosignatures) error {
	return m.View(func(r Reader) error {
		_, err := WriteLog(w, m.vkey, r, min(size, m.size), cosigned...)
		return err
	})
}

// Size, Head and StateDigest read Published, as the store's do.
func (m *Memory) Size() uint64 { return m.Published().Size }

func (m *Memory) Head() (Head, bool) {
	h := m.Published().Head
	return h, h.Height > 0
}

func (m *Memory) StateDigest() [32]byte { return m.Published().Digest }

// memKV holds state ("s/" keys, whose digest it keeps) and the log and
// private records apart, and reads them as one keyspace.
type memKV struct{ st, log *MemState }

func (kv memKV) of(key string) *MemState {
	if strings.HasPrefix(key, PrefixState) {
		return kv.st
	}
	return kv.log
}

func (kv memKV) Get(key string) ([]byte, bool) { return kv.of(key).Get(key) }
func (kv memKV) Set(key string, val []byte)    { kv.of(key).Set(key, val) }
func (kv memKV) Delete(key string)             { kv.of(key).Delete(key) }
func (kv memKV) Obj(key string) (any, bool)    { return kv.of(key).Obj(key) }
func (kv memKV) SetObj(key string, v any)      { kv.of(key).SetObj(key, v) }

func (kv memKV) Scan(prefix string, fn func(string, []byte) bool) {
	if !strings.HasPrefix(PrefixState, prefix) || prefix == PrefixState {
		kv.of(prefix).Scan(prefix, fn)
		return
	}
	// A prefix shorter than "s/" spans both: merge them in key order.
	ScanOver(kv.log, kv.st.m, prefix, fn)
}

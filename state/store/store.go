package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// Files in the data dir.
const (
	formatFile  = "FORMAT"
	dbDir       = "db"
	signKeyFile = "hub.key"
	VerifyKey   = "hub.pub" // the note verifier key members need
)

// The store's own records, beside the log's keyspace (state.EventKey and
// the rest): what lets it open without replaying.
const (
	keyFormat   = "m/format"
	keySize     = "m/size"
	keyDigest   = "m/digest"
	keyHead     = "m/head"
	keyLastTime = "m/lasttime"
)

// Options configure a store.
type Options struct {
	Dir string
	// Origin names the log in its checkpoints and its signing key. It is
	// fixed when the data dir is created; later values are ignored.
	Origin string
	// CheckpointEvery seals a checkpoint once this many events are
	// unsealed; CheckpointInterval seals any unsealed events this often.
	CheckpointEvery    int
	CheckpointInterval time.Duration
	// MaxBatch bounds how many commands share one Badger transaction.
	MaxBatch int
	// Clock gives event times; tests pin it. Defaults to time.Now.
	Clock func() time.Time
	// OnCommit, if set, is called by the sequencer after each batch of
	// commands is durable, with their number and the time from deciding
	// the batch to its fsync (for metrics). It must return quickly.
	OnCommit func(commands int, took time.Duration)
	// Log gets what a steward must know and no caller is told: a failed
	// commit, a clock jump, a nearly full disk. Nil discards it.
	Log *slog.Logger
	// MaxClockStep holds writes whose time would be more than this ahead
	// of the hub's own reckoning (see clock.go) until the clock comes back
	// or a steward confirms it; 0 turns the guard off (tests that move a
	// pinned clock by days), `polis serve` sets 24h.
	MaxClockStep time.Duration
	// MinFreeSpace is the free space below which writes pause (see
	// diskspace.go): 0 means max(64 MiB, 1% of the file system), a
	// negative value turns the floor off.
	MinFreeSpace int64
	// External: commands are ordered elsewhere (a replicated hub's
	// consensus) and come in blocks; see blocks.go.
	External bool

	// Seams for tests: the monotonic time since open, the file system's
	// free and total bytes, and a fault to report for a commit (after
	// Badger applied it, as a failed fsync would).
	monotonic   func() time.Duration
	statfs      func(dir string) (avail, total uint64, err error)
	commitFault func() error
	onDecided   func(commands int) // after the sequencer decided a batch
	// onSnapshotWait: a reader's snapshot is ahead of what is published.
	onSnapshotWait func()
}

func (o *Options) defaults() {
	if o.Origin == "" {
		o.Origin = "polis.local/hub"
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 1000
	}
	if o.CheckpointInterval <= 0 {
		o.CheckpointInterval = 2 * time.Second
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 256
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.monotonic == nil {
		start := time.Now()
		o.monotonic = func() time.Duration { return time.Since(start) }
	}
	if o.statfs == nil {
		o.statfs = statfs
	}
	if o.commitFault == nil {
		o.commitFault = faultFromEnv()
	}
}

// Store is the event log, its Merkle hashes, its checkpoints and the state
// they produce, all in one Badger database, written only by the sequencer.
type Store struct {
	opts     Options
	db       *badger.DB
	signer   note.Signer
	verifier note.Verifier
	vkey     string

	cache *readCache         // sequencer-only
	layer map[string]layered // sequencer-only: writes of batches in flight
	gen   uint64             // sequencer-only
	lanes laneCache          // sequencer-only
	bd    batchDigest        // sequencer-only: the batch being decided

	reqs chan *request
	quit chan struct{}
	done chan struct{}

	mu       sync.RWMutex // guards the fields below, written by the sequencer
	size     uint64
	digest   state.Digest
	lastTime int64
	head     state.Head
	headNote []byte
	closed   bool
	broken   error // set when a commit failed; no more writes or reads
	// published is signalled (on mu) whenever the fields above move or
	// the store breaks: readers whose snapshot is ahead of them wait on it.
	published sync.Cond
	failed    chan struct{} // closed when broken is set

	commitStop atomic.Bool // a commit failed: the committer writes nothing more
	// unpublished counts batches handed to Badger and not yet finished:
	// readers may see them (see snapshot).
	unpublished atomic.Int64
	hwm         atomic.Int64 // the height in the data dir's HEAD file: never signed again
	clock       clockGuard
	disk        diskGuard

	subs state.Subscribers

	// External mode (blocks.go): the log as committed blocks left it, and
	// the time of the block being decided.
	ext       batchState
	blockTime int64

	// pub is the read model of the latest published batch (see
	// Published), replaced whole by finish; loaded is the census that
	// load computed at open, if the head covers the whole log.
	pub    atomic.Pointer[state.Published]
	loaded *state.CensusAt
}

// ErrLocked means another polis holds the data dir.
var ErrLocked = errors.New("data dir is in use by another polis process")

// Open opens (creating if needed) the data dir and starts the sequencer.
func Open(o Options) (*Store, error) {
	o.defaults()
	if err := prepareDir(o.Dir); err != nil {
		return nil, err
	}
	skey, vkey, err := loadOrCreateKey(o.Dir, o.Origin)
	if err != nil {
		return nil, err
	}
	signer, err := chain.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(o.Dir, signKeyFile), err)
	}
	verifier, err := chain.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(o.Dir, VerifyKey), err)
	}
	o.Origin = signer.Name()
	db, err := openBadger(filepath.Join(o.Dir, dbDir), false)
	if err != nil {
		return nil, err
	}
	s := &Store{opts: o, db: db, signer: signer, verifier: verifier, vkey: vkey,
		reqs: make(chan *request, 1024), quit: make(chan struct{}), done: make(chan struct{}),
		cache: newReadCache(1 << 17), layer: map[string]layered{},
		failed: make(chan struct{})}
	s.published.L = &s.mu
	if err := s.load(); err != nil {
		db.Close()
		return nil, err
	}
	s.pub.Store(&state.Published{Size: s.size, MemberGen: 1, Digest: s.digest.Sum(), Head: s.head, Census: s.loaded})
	s.clock.init(o, s.lastTime)
	s.disk.init(o)
	if o.External {
		s.ext = batchState{s.size, s.digest, s.lastTime, s.head, s.headNote}
		close(s.done)
		return s, nil
	}
	go s.run()
	return s, nil
}

func openBadger(path string, readOnly bool) (*badger.DB, error) {
	if !readOnly {
		// Badger cuts its log at the first bad record, destroying the
		// evidence: look first.
		if err := checkLog(path); err != nil {
			return nil, err
		}
	}
	return openBadgerUnchecked(path, readOnly)
}

func openBadgerUnchecked(path string, readOnly bool) (*badger.DB, error) {
	opts := badger.DefaultOptions(path).
		WithSyncWrites(true).
		WithLogger(nil).
		WithReadOnly(readOnly).
		// A hub runs on a small machine: keep Badger's caches modest.
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).
		WithValueThreshold(1 << 20)
	db, err := badger.Open(opts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("%w (%s): stop the other `polis serve` first", ErrLocked, filepath.Dir(path))
		}
		return nil, fmt.Errorf("cannot open the database in %s (corrupt or not a polis data dir?): %v", path, err)
	}
	return db, nil
}

// Close stops the sequencer after sealing what is unsealed, and closes the
// database. Commands still queued fail with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.quit)
	<-s.done
	return s.db.Close()
}

// Published is the read model of the latest published batch.
func (s *Store) Published() *state.Published { return s.pub.Load() }

// Size is the number of events in the log.
func (s *Store) Size() uint64 { return s.pub.Load().Size }

// Head returns the latest checkpoint, and false before the first.
func (s *Store) Head() (state.Head, bool) {
	h := s.pub.Load().Head
	return h, h.Height > 0
}

// StateDigest is the digest of the current state.
func (s *Store) StateDigest() [32]byte { return s.pub.Load().Digest }

// Now is the clock events are stamped from (Options.Clock).
func (s *Store) Now() time.Time { return s.opts.Clock() }

// VerifierKey is the note verifier key of this hub's checkpoints.
func (s *Store) VerifierKey() string { return s.vkey }

// Subscribe is described at state.Engine.
func (s *Store) Subscribe() (<-chan uint64, func()) { return s.subs.Subscribe() }

// Nudge is described at state.Engine.
func (s *Store) Nudge() { s.subs.Publish(s.Published().Size) }

// View runs fn over a consistent snapshot of published state; it fails
// once the store has failed (see snapshot).
func (s *Store) View(fn func(r state.Reader) error) error {
	return s.snapshot(func(txn *badger.Txn) (err error) {
		r := &badgerReader{txn: txn}
		defer state.RecoverCorrupt(&err)
		if err := fn(r); err != nil {
			return err
		}
		return r.err
	})
}

// badgerReader reads state from a Badger transaction. An I/O error is kept
// and reported after the caller is done, so domain code stays simple.
type badgerReader struct {
	txn *badger.Txn
	db  *badger.DB // opens txn on first use when it is nil, see lazyTxn
	err error
}

// Err is the first read that failed (state.Failing).
func (r *badgerReader) Err() error { return r.err }

func (r *badgerReader) Get(key string) ([]byte, bool) {
	r.lazyTxn()
	item, err := r.txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false
	}
	if err == nil {
		var v []byte
		if v, err = item.ValueCopy(nil); err == nil {
			return v, true
		}
	}
	if r.err == nil {
		r.err = err
	}
	return nil, false
}

func (r *badgerReader) Scan(prefix string, fn func(string, []byte) bool) {
	r.lazyTxn()
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			if r.err == nil {
				r.err = err
			}
			return
		}
		if !fn(string(item.Key()), v) {
			return
		}
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Dir is the data dir.
func (s *Store) Dir() string { return s.opts.Dir }

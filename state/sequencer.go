package state

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/chain"
)

var base64Std = base64.StdEncoding

// Sequencer orders commands. This store's sequencer is one goroutine with
// group commit; a replicated engine (one hub per validator) can implement
// the same interface later without touching domain code, because Decide and
// Apply are deterministic.
type Sequencer interface {
	Submit(ctx context.Context, a Actor, c Command) ([]Event, error)
}

var _ Sequencer = (*Store)(nil)

type request struct {
	ctx   context.Context
	actor Actor
	cmd   Command
	reply chan reply
}

type reply struct {
	events []Event
	err    error
}

// Submit queues c and waits until its events are durable (or it failed).
// If ctx ends first the caller stops waiting, but a command already taken
// by the sequencer may still commit: "not acknowledged" never means "not
// done", only "not promised".
func (s *Store) Submit(ctx context.Context, a Actor, c Command) ([]Event, error) {
	req := &request{ctx: ctx, actor: a, cmd: c, reply: make(chan reply, 1)}
	select {
	case s.reqs <- req:
	case <-s.quit:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-req.reply:
		return r.events, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// maxInflight bounds how many batches may be waiting for their fsync while
// the sequencer already decides the next one.
const maxInflight = 8

// minPipelined is how many queued commands justify a second batch in flight.
const minPipelined = 64

// batchState is the log as the sequencer sees it: it includes batches that
// are written but not yet durable. Callers only ever see the durable one.
type batchState struct {
	size     uint64
	digest   Digest
	lastTime int64
	head     Head
	headNote []byte
}

// inflight is one batch handed to Badger and not yet known durable.
type inflight struct {
	gen     uint64
	batch   []*request
	replies []reply
	writes  map[string][]byte
	objs    map[string]any
	after   batchState
	sealed  bool
	began   time.Time // for Options.OnCommit
	census  *CensusAt // computed at the checkpoint sealed, if any
	err     error
}

func (s *Store) run() {
	defer close(s.done)
	tick := time.NewTicker(s.opts.CheckpointInterval)
	defer tick.Stop()
	s.mu.RLock()
	bs := batchState{s.size, s.digest, s.lastTime, s.head, s.headNote}
	s.mu.RUnlock()
	durable := make(chan *inflight, maxInflight)
	pending := 0
	finish := func(f *inflight) {
		pending--
		s.finish(f)
	}
	// shutdown answers what is still queued, lets what is written become
	// durable, then seals the tail so a clean stop leaves every event
	// covered.
	shutdown := func() {
		for drained := false; !drained; {
			select {
			case req := <-s.reqs:
				req.reply <- reply{err: ErrClosed}
			default:
				drained = true
			}
		}
		for pending > 0 {
			finish(<-durable)
		}
		if bs.size > uint64(bs.head.Size) && s.start(&bs, nil, true, durable) {
			finish(<-durable)
		}
	}
	for {
		// Pipeline only when it pays: with a batch already in flight, a
		// few queued commands wait for its fsync and join the next, bigger
		// batch, rather than each paying for a commit of their own.
		if pending >= maxInflight || (pending > 0 && len(s.reqs) < minPipelined) {
			select {
			case f := <-durable:
				finish(f)
				continue
			case <-s.quit:
				shutdown()
				return
			}
		}
		select {
		case f := <-durable:
			finish(f)
		case req := <-s.reqs:
			batch := []*request{req}
			// Group commit: everything already queued shares this
			// transaction and its one fsync.
		drain:
			for len(batch) < s.opts.MaxBatch {
				select {
				case req := <-s.reqs:
					batch = append(batch, req)
				default:
					break drain
				}
			}
			if s.start(&bs, batch, false, durable) {
				pending++
			}
		case <-tick.C:
			if bs.size > uint64(bs.head.Size) && s.start(&bs, nil, true, durable) {
				pending++
			}
		case <-s.quit:
			shutdown()
			return
		}
	}
}

// start decides and applies each command of batch in order over one
// overlay, then hands events, hashes, state and (if due) a checkpoint to
// Badger as a single transaction. It reports whether a write is in flight;
// the callers are answered in finish, once Commit is durable (SyncWrites).
func (s *Store) start(bs *batchState, batch []*request, forceSeal bool, durable chan<- *inflight) bool {
	began := time.Now()
	if err := s.brokenErr(); err != nil {
		s.fail(batch, err)
		return false
	}
	next := *bs
	rtxn := s.db.NewTransaction(false)
	defer rtxn.Discard()
	base := &badgerReader{txn: rtxn}
	bo := newOverlay(layerReader{s.layer, cachedReader{c: s.cache, r: base}})
	replies := make([]reply, len(batch))
	for i, req := range batch {
		if req.ctx.Err() != nil {
			replies[i] = reply{err: req.ctx.Err()}
			continue
		}
		now := s.opts.Clock().UnixMilli()
		if now < next.lastTime {
			now = next.lastTime // event time never runs backwards
		}
		evs, d, err := s.one(bo, req, next.size, now, next.digest)
		if err != nil {
			replies[i] = reply{err: err}
			continue
		}
		replies[i] = reply{events: evs}
		if len(evs) > 0 {
			next.size += uint64(len(evs))
			next.digest = d
			next.lastTime = now
		}
	}
	if base.err != nil {
		s.fail(batch, fmt.Errorf("storage read failed: %w", base.err))
		return false
	}
	f := &inflight{batch: batch, replies: replies, began: began}
	if next.size == bs.size && !forceSeal {
		// Nothing to write: answer at once, the refusals included.
		s.answer(f)
		return false
	}
	due := next.size-uint64(next.head.Size) >= uint64(s.opts.CheckpointEvery) || forceSeal
	if due && next.size > uint64(next.head.Size) {
		c, signed, err := s.seal(bo, next.size, next.digest, next.head, next.headNote)
		if err != nil {
			s.fail(batch, fmt.Errorf("sealing checkpoint: %w", err))
			return false
		}
		next.head, next.headNote, f.sealed = headOf(c, signed), signed, true
		f.census = censusAtSeal(bo, c)
	}
	bo.Set(keyFormat, []byte(strconv.Itoa(FormatVersion)))
	bo.Set(keySize, []byte(strconv.FormatUint(next.size, 10)))
	bo.Set(keyDigest, next.digest.Bytes())
	bo.Set(keyLastTime, []byte(strconv.FormatInt(next.lastTime, 10)))
	txn, err := s.buildTxn(bo)
	if err != nil {
		s.fail(batch, fmt.Errorf("storage write failed: %w", err))
		return false
	}
	s.gen++
	f.gen, f.writes, f.objs, f.after = s.gen, bo.writes, bo.objs, next
	for k, v := range bo.writes {
		s.layer[k] = layered{val: v, gen: f.gen}
	}
	*bs = next
	txn.CommitWith(func(err error) {
		f.err = err
		durable <- f
	})
	return true
}

// finish runs on the sequencer once a batch's commit returned: it
// publishes the durable state and answers the callers.
func (s *Store) finish(f *inflight) {
	members := false
	for k, v := range f.writes {
		members = members || strings.HasPrefix(k, prefixMember)
		if e, ok := s.layer[k]; ok && e.gen == f.gen {
			delete(s.layer, k)
		}
		if f.err == nil && (strings.HasPrefix(k, prefixState) || strings.HasPrefix(k, prefixHash)) {
			s.cache.put(k, v, v != nil)
			if o, ok := f.objs[k]; ok && v != nil {
				s.cache.objs[k] = o
			}
		}
	}
	if f.err != nil {
		// A failed fsync leaves the log in an unknown state on disk: stop
		// writing rather than build on it. Later batches already handed to
		// Badger are not acknowledged either.
		s.setBroken(fmt.Errorf("storage write failed, the hub stopped accepting changes (restart it, then run polis verify): %w", f.err))
		s.fail(f.batch, s.brokenErr())
		return
	}
	if err := s.brokenErr(); err != nil {
		s.fail(f.batch, err)
		return
	}
	if members {
		s.memberGen.Add(1)
	}
	s.mu.Lock()
	s.size, s.digest, s.lastTime = f.after.size, f.after.digest, f.after.lastTime
	if f.sealed {
		s.head, s.headNote = f.after.head, f.after.headNote
		if f.census != nil {
			s.census.Store(f.census)
		}
	}
	s.mu.Unlock()
	if s.opts.OnCommit != nil && len(f.batch) > 0 {
		s.opts.OnCommit(len(f.batch), time.Since(f.began))
	}
	s.answer(f)
	s.publish(f.after.size)
}

func (s *Store) answer(f *inflight) {
	for i, req := range f.batch {
		req.reply <- f.replies[i]
	}
}

func (s *Store) brokenErr() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.broken
}

func (s *Store) setBroken(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken == nil {
		s.broken = err
	}
}

// layered is a write of a batch still in flight, visible to the batches
// decided after it.
type layered struct {
	val []byte
	gen uint64
}

type layerReader struct {
	l    map[string]layered
	next Reader
}

func (lr layerReader) obj(key string) (any, bool) {
	if _, ok := lr.l[key]; ok {
		return nil, false
	}
	if oc, ok := lr.next.(objCache); ok {
		return oc.obj(key)
	}
	return nil, false
}

func (lr layerReader) setObj(key string, v any) {
	if _, ok := lr.l[key]; ok {
		return
	}
	if oc, ok := lr.next.(objCache); ok {
		oc.setObj(key, v)
	}
}

func (lr layerReader) Get(key string) ([]byte, bool) {
	if e, ok := lr.l[key]; ok {
		return e.val, e.val != nil
	}
	return lr.next.Get(key)
}

// Scan merges in-flight writes over the committed ones, like an overlay.
func (lr layerReader) Scan(prefix string, fn func(string, []byte) bool) {
	o := &overlay{base: lr.next, writes: make(map[string][]byte)}
	for k, e := range lr.l {
		if strings.HasPrefix(k, prefix) {
			o.writes[k] = e.val
		}
	}
	o.Scan(prefix, fn)
}

// one runs a single command inside its own overlay, so that a failure
// leaves the batch untouched.
func (s *Store) one(bo *overlay, req *request, size uint64, now int64, digest Digest) (evs []Event, d Digest, err error) {
	co := newOverlay(bo)
	d = digest
	co.onChange = func(key string, old []byte, had bool, val []byte, has bool) {
		if !strings.HasPrefix(key, prefixState) {
			return
		}
		if had {
			d.Remove(key, old)
		}
		if has {
			d.Add(key, val)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			evs, err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	env := Env{Time: now, Actor: req.actor}
	actor, bodies, err := req.cmd.Decide(co, env)
	if err != nil {
		return nil, d, err
	}
	for i, b := range bodies {
		ev := Event{Seq: size + uint64(i), Time: now, Actor: actor, Body: b}
		enc, err := Encode(ev)
		if err != nil {
			return nil, d, err
		}
		if err := Apply(co, ev); err != nil {
			return nil, d, fmt.Errorf("internal error: %w", err)
		}
		co.Set(eventKey(ev.Seq), enc)
		hs, err := chain.HashesForAppend(int64(ev.Seq), enc, hashReader(co))
		if err != nil {
			return nil, d, fmt.Errorf("internal error: %w", err)
		}
		first := chain.StoredHashIndex(0, int64(ev.Seq))
		for j, h := range hs {
			co.Set(hashKey(first+int64(j)), h[:])
		}
		evs = append(evs, ev)
	}
	if pw, ok := req.cmd.(privateWriter); ok && len(evs) > 0 {
		for k, v := range pw.private(evs) {
			co.Set(k, v) // "p/" keys: outside the digest and the export
		}
	}
	co.commitTo(bo)
	return evs, d, nil
}

// seal signs a checkpoint over the first size events. It reads O(log size)
// hashes and the digest accumulator, nothing else, so it costs the same at
// any log or state size.
func (s *Store) seal(bo *overlay, size uint64, digest Digest, head Head, headNote []byte) (chain.Checkpoint, []byte, error) {
	root, err := chain.TreeRoot(int64(size), hashReader(bo))
	if err != nil {
		return chain.Checkpoint{}, nil, err
	}
	c := chain.Checkpoint{Origin: s.signer.Name(), Size: int64(size), Root: root, Height: head.Height + 1,
		State: digest.Sum(), Time: s.opts.Clock().Unix()}
	if headNote != nil {
		c.Prev = chain.NoteHash(headNote)
	}
	signed, err := chain.Sign(c, s.signer)
	if err != nil {
		return c, nil, err
	}
	bo.Set(ckptKey(c.Height), signed)
	bo.Set(keyHead, []byte(strconv.FormatInt(c.Height, 10)))
	return c, signed, nil
}

// buildTxn puts the overlay's writes into one Badger transaction.
func (s *Store) buildTxn(bo *overlay) (*badger.Txn, error) {
	keys := make([]string, 0, len(bo.writes))
	for k := range bo.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	txn := s.db.NewTransaction(true)
	for _, k := range keys {
		var err error
		if v := bo.writes[k]; v == nil {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), v)
		}
		if err != nil {
			txn.Discard()
			return nil, err
		}
	}
	return txn, nil
}

func (s *Store) fail(batch []*request, err error) {
	for _, req := range batch {
		req.reply <- reply{err: err}
	}
}

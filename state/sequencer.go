package state

import (
	"context"
	"encoding/base64"
	"fmt"
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

// minPipelined and maxPipelined bound how many waiting commands justify
// another batch while one is in flight (see batchQueue.pipelineAt).
const (
	minPipelined = 16
	maxPipelined = 64
)

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
	reread  []string  // Merkle hashes the sequencer will read again
	err     error
	done    bool // its commit returned; finished once those before it are
}

func (s *Store) run() {
	defer close(s.done)
	tick := time.NewTicker(s.opts.CheckpointInterval)
	defer tick.Stop()
	s.mu.RLock()
	bs := batchState{s.size, s.digest, s.lastTime, s.head, s.headNote}
	s.mu.RUnlock()
	// At most maxInflight batches are in flight, so neither channel ever
	// blocks its sender.
	durable := make(chan *inflight, maxInflight)
	commits := make(chan *inflight, maxInflight)
	exited := make(chan struct{})
	go s.commitLoop(commits, durable, exited)
	defer func() {
		close(commits)
		<-exited // its spare transaction is discarded before Badger closes
	}()
	var inq batchQueue
	launch := func(f *inflight) {
		if f != nil {
			inq.push(f)
			commits <- f
		}
	}
	// shutdown answers what is still queued, lets what is written become
	// durable, then seals the tail so a clean stop leaves every event
	// covered.
	shutdown := func(held []*request) {
		s.fail(held, ErrClosed)
		for drained := false; !drained; {
			select {
			case req := <-s.reqs:
				req.reply <- reply{err: ErrClosed}
			default:
				drained = true
			}
		}
		for inq.len() > 0 {
			inq.settle(s, <-durable)
		}
		if bs.size > uint64(bs.head.Size) {
			launch(s.start(&bs, nil, true))
			for inq.len() > 0 {
				inq.settle(s, <-durable)
			}
		}
	}
	var held []*request // taken from s.reqs for the next batch
	for {
		// Pipeline only when it pays: with a batch already in flight, a
		// few commands wait for its fsync and join the next, bigger batch,
		// rather than each paying for a commit of their own. Commands are
		// taken as they come, so the next batch starts the moment it is
		// big enough, while Badger still writes the one before.
		if pending := inq.len(); pending >= maxInflight || (pending > 0 && len(held) < inq.pipelineAt(s.opts.MaxBatch)) {
			var reqs <-chan *request
			if pending < maxInflight && len(held) < s.opts.MaxBatch {
				reqs = s.reqs
			}
			select {
			case f := <-durable:
				inq.settle(s, f)
			case req := <-reqs:
				held = append(held, req)
			case <-s.quit:
				shutdown(held)
				return
			}
			continue
		}
		if len(held) > 0 {
			// Group commit: everything already queued shares this
			// transaction and its one fsync.
		drain:
			for len(held) < s.opts.MaxBatch {
				select {
				case req := <-s.reqs:
					held = append(held, req)
				default:
					break drain
				}
			}
			launch(s.start(&bs, held, false))
			held = nil
			continue
		}
		select {
		case f := <-durable:
			inq.settle(s, f)
		case req := <-s.reqs:
			held = append(held, req)
		case <-tick.C:
			if bs.size > uint64(bs.head.Size) {
				launch(s.start(&bs, nil, true))
			}
		case <-s.quit:
			shutdown(nil)
			return
		}
	}
}

// start decides and applies each command of batch in order over one
// overlay, then hands events, hashes, state and (if due) a checkpoint to
// the committer as a single transaction. It returns the batch if a write is
// in flight; the callers are answered in finish, once Commit is durable
// (SyncWrites).
func (s *Store) start(bs *batchState, batch []*request, forceSeal bool) *inflight {
	began := time.Now()
	if err := s.brokenErr(); err != nil {
		s.fail(batch, err)
		return nil
	}
	next := *bs
	base := &badgerReader{db: s.db}
	defer base.discard()
	bo := newOverlay(layerReader{s.layer, cachedReader{c: s.cache, r: base}})
	bo.writes = make(map[string][]byte, 8*len(batch)+8)
	var reread []string
	replies := make([]reply, len(batch))
	bd := &s.bd
	bd.reset()
	for i, req := range batch {
		if req.ctx.Err() != nil {
			replies[i] = reply{err: req.ctx.Err()}
			continue
		}
		now := s.opts.Clock().UnixMilli()
		if now < next.lastTime {
			now = next.lastTime // event time never runs backwards
		}
		evs, ops, err := s.one(bo, req, next.size, now, &reread)
		if err != nil {
			replies[i] = reply{err: err}
			continue
		}
		replies[i] = reply{events: evs}
		if len(evs) > 0 {
			next.size += uint64(len(evs))
			bd.merge(ops)
			next.lastTime = now
		}
	}
	next.digest = s.fold(next.digest, bd)
	if base.err != nil {
		s.fail(batch, fmt.Errorf("storage read failed: %w", base.err))
		return nil
	}
	f := &inflight{batch: batch, replies: replies, began: began}
	if next.size == bs.size && !forceSeal && len(bo.writes) == 0 {
		// Nothing to write, no event and no private write: answer at
		// once, the refusals included.
		s.answer(f)
		return nil
	}
	due := next.size-uint64(next.head.Size) >= uint64(s.opts.CheckpointEvery) || forceSeal
	if due && next.size > uint64(next.head.Size) {
		c, signed, err := s.seal(bo, next.size, next.digest, next.head, next.headNote)
		if err != nil {
			s.fail(batch, fmt.Errorf("sealing checkpoint: %w", err))
			return nil
		}
		next.head, next.headNote, f.sealed = headOf(c, signed), signed, true
		f.census = censusAtSeal(bo, c)
	}
	bo.Set(keyFormat, []byte(strconv.Itoa(FormatVersion)))
	bo.Set(keySize, []byte(strconv.FormatUint(next.size, 10)))
	bo.Set(keyDigest, next.digest.Bytes())
	bo.Set(keyLastTime, []byte(strconv.FormatInt(next.lastTime, 10)))
	if !s.txnFits(bo.writes) {
		s.fail(batch, fmt.Errorf("storage write failed: %w", badger.ErrTxnTooBig))
		return nil
	}
	s.gen++
	f.gen, f.writes, f.objs, f.after, f.reread = s.gen, bo.writes, bo.objs, next, reread
	for k, v := range bo.writes {
		s.layer[k] = layered{val: v, gen: f.gen}
	}
	*bs = next
	return f
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
		if f.err == nil && strings.HasPrefix(k, prefixState) {
			s.cache.put(k, v, v != nil)
			if o, ok := f.objs[k]; ok && v != nil {
				s.cache.objs[k] = o
			}
		}
	}
	if f.err == nil {
		// Only the hashes the sequencer will read go to the cache. No
		// other value can be cached for the rest: a hash is written once,
		// by the batch that appends its event, and only existing ones are
		// ever read.
		for _, k := range f.reread {
			if v, ok := f.writes[k]; ok {
				s.cache.put(k, v, v != nil)
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
func (s *Store) one(bo *overlay, req *request, size uint64, now int64, reread *[]string) (evs []Event, ops []stateOp, err error) {
	co := newOverlay(bo)
	co.onChange = func(key string, old []byte, had bool, val []byte, has bool) {
		if strings.HasPrefix(key, prefixState) {
			ops = append(ops, stateOp{key: key, old: old, had: had, val: val, has: has})
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
		return nil, ops, err
	}
	for i, b := range bodies {
		ev := Event{Seq: size + uint64(i), Time: now, Actor: actor, Body: b}
		enc, err := Encode(ev)
		if err != nil {
			return nil, ops, err
		}
		if err := Apply(co, ev); err != nil {
			return nil, ops, fmt.Errorf("internal error: %w", err)
		}
		co.Set(eventKey(ev.Seq), enc)
		hs, err := chain.HashesForAppend(int64(ev.Seq), enc, hashReader(co))
		if err != nil {
			return nil, ops, fmt.Errorf("internal error: %w", err)
		}
		first := chain.StoredHashIndex(0, int64(ev.Seq))
		for j, h := range hs {
			k := hashKey(first + int64(j))
			co.Set(k, h[:])
			// Appends and seals read only left children (an even
			// index at their level); the rest need not be cached.
			if (ev.Seq>>j)&1 == 0 {
				*reread = append(*reread, k)
			}
		}
		evs = append(evs, ev)
	}
	writePrivate(co, req.cmd, env, actor, evs) // "p/" keys: outside the digest and the export
	co.commitTo(bo)
	return evs, ops, nil
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

func (s *Store) fail(batch []*request, err error) {
	for _, req := range batch {
		req.reply <- reply{err: err}
	}
}

package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/state"
)

var _ state.Engine = (*Store)(nil)

type request struct {
	ctx   context.Context
	actor state.Actor
	cmd   state.Command
	reply chan reply
}

type reply struct {
	events []state.Event
	err    error
}

// Submit queues c and waits until its events are durable (or it failed).
// If ctx ends first the caller stops waiting, but a command already taken
// by the sequencer may still commit: "not acknowledged" never means "not
// done", only "not promised".
func (s *Store) Submit(ctx context.Context, a state.Actor, c state.Command) ([]state.Event, error) {
	if s.opts.External {
		return nil, errExternal
	}
	req := &request{ctx: ctx, actor: a, cmd: c, reply: make(chan reply, 1)}
	select {
	case s.reqs <- req:
	case <-s.quit:
		return nil, state.ErrClosed
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
	digest   state.Digest
	lastTime int64
	head     state.Head
	headNote []byte
}

// inflight is one batch handed to Badger and not yet known durable, or a
// batch with nothing to write whose answers wait for those before it.
type inflight struct {
	gen     uint64
	batch   []*request
	replies []reply
	writes  map[string][]byte // nil: nothing to commit
	objs    map[string]any
	after   batchState
	sealed  bool
	began   time.Time       // for Options.OnCommit
	census  *state.CensusAt // computed at the checkpoint sealed, if any
	members bool            // a command wrote a member record
	reread  []string        // Merkle hashes the sequencer will read again
	err     error
	done    bool // its commit returned; finished once those before it are
	// headDone: its checkpoint is recorded in HEAD (see headLoop).
	headDone bool
}

func (s *Store) run() {
	defer close(s.done)
	tick := time.NewTicker(s.opts.CheckpointInterval)
	defer tick.Stop()
	s.mu.RLock()
	bs := batchState{s.size, s.digest, s.lastTime, s.head, s.headNote}
	s.mu.RUnlock()
	// At most maxInflight batches are in flight, and each has at most one
	// message outstanding, so no channel ever blocks its sender.
	durable := make(chan *inflight, maxInflight)
	commits := make(chan *inflight, maxInflight)
	heads := make(chan *inflight, 1)
	exited, headsExited := make(chan struct{}), make(chan struct{})
	go s.commitLoop(commits, durable, exited)
	go s.headLoop(heads, durable, headsExited)
	defer func() {
		close(commits)
		<-exited // its spare transaction is discarded before Badger closes
		close(heads)
		<-headsExited
	}()
	inq := batchQueue{heads: heads}
	launch := func(f *inflight, rest []*request) []*request {
		if f == nil {
			return rest
		}
		if s.opts.onDecided != nil {
			s.opts.onDecided(len(f.batch))
		}
		inq.push(f)
		if f.writes == nil {
			f.done = true
			inq.settle(s, nil)
		} else {
			commits <- f
		}
		return rest
	}
	// shutdown answers what is still queued, lets what is written become
	// durable, then seals the tail so a clean stop leaves every event
	// covered.
	shutdown := func(held []*request) {
		s.fail(held, state.ErrClosed)
		for drained := false; !drained; {
			select {
			case req := <-s.reqs:
				req.reply <- reply{err: state.ErrClosed}
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
			// What did not fit in this transaction leads the next.
			held = launch(s.start(&bs, held, false))
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
// the committer as a single transaction. It returns the batch, to be
// answered in finish once everything before it and its own commit are
// durable (SyncWrites) - refusals too, since a refusal may rest on a batch
// still in flight - and the commands that did not fit in one transaction,
// which lead the next batch.
func (s *Store) start(bs *batchState, batch []*request, forceSeal bool) (*inflight, []*request) {
	began := time.Now()
	if err := s.brokenErr(); err != nil {
		s.fail(batch, err)
		return nil, nil
	}
	f := &inflight{batch: batch, replies: make([]reply, len(batch)), began: began, after: *bs}
	next := *bs
	base := &badgerReader{db: s.db}
	defer base.discard()
	bo := state.NewBatch(layerReader{s.layer, cachedReader{c: s.cache, r: base}}, 8*len(batch)+8)
	var reread []string
	var rest []*request
	budget, used := s.txnBudget(), txnUse{}
	var diskErr error
	diskRead := false
	bd := &s.bd
	bd.reset()
	for i, req := range batch {
		if req.ctx.Err() != nil {
			f.replies[i] = reply{err: req.ctx.Err()}
			continue
		}
		// A clock the guard refuses, or a nearly full disk, refuses
		// writes only: a command that changes nothing is decided as ever.
		now, clockErr := s.stamp(next.lastTime)
		d, err := bo.Decide(req.actor, req.cmd, next.size, now)
		if err != nil {
			s.logInternal(fmt.Sprintf("%T", req.cmd), err)
		} else if len(d.Events) > 0 || len(d.Writes()) > 0 {
			if !diskRead && !s.opts.External {
				diskErr, diskRead = s.disk.check(s.opts.Dir), true
			}
			err = cmp.Or(clockErr, diskErr)
		}
		if err != nil {
			f.replies[i] = reply{err: err}
			continue
		}
		add := used.cost(bo.Writes(), d.Writes())
		if !used.fits(add, budget) {
			if used.count == 0 {
				f.replies[i] = reply{err: tooBig(add, budget)}
				continue
			}
			rest, f.batch, f.replies = batch[i:], batch[:i], f.replies[:i]
			break
		}
		used.add(add)
		bo.Keep(d)
		reread = append(reread, d.Reread...)
		f.members = f.members || d.Members
		f.replies[i] = reply{events: d.Events}
		if len(d.Events) > 0 {
			next.size += uint64(len(d.Events))
			bd.merge(d.Ops)
			next.lastTime = now
		}
	}
	next.digest = s.fold(next.digest, bd)
	if base.err != nil {
		s.fail(f.batch, fmt.Errorf("storage read failed: %w", base.err))
		return nil, rest
	}
	if next.size == bs.size && !forceSeal && len(bo.Writes()) == 0 {
		// Nothing to write, no event and no private write: answered in
		// order.
		return f, rest
	}
	due := next.size-uint64(next.head.Size) >= uint64(s.opts.CheckpointEvery) || forceSeal
	if due && next.size > uint64(next.head.Size) {
		c, signed, err := s.seal(bo, next.size, next.digest, next.head, next.lastTime)
		if err != nil {
			s.fail(f.batch, fmt.Errorf("sealing checkpoint: %w", err))
			return nil, rest
		}
		next.head, next.headNote, f.sealed = state.HeadOf(c, signed), signed, true
		if f.census, err = state.CensusAtSeal(bo, c); err != nil {
			s.logInternal("census", err)
		}
	}
	bo.Set(keyFormat, []byte(strconv.Itoa(state.FormatVersion)))
	bo.Set(keySize, []byte(strconv.FormatUint(next.size, 10)))
	bo.Set(keyDigest, next.digest.Bytes())
	bo.Set(keyLastTime, []byte(strconv.FormatInt(next.lastTime, 10)))
	if !s.txnFits(bo.Writes()) {
		// The budget keeps room for the above; this is a last guard, for
		// once handed to the committer a refusal could only break the hub.
		s.fail(f.batch, fmt.Errorf("storage write failed: %w", badger.ErrTxnTooBig))
		return nil, rest
	}
	s.gen++
	f.gen, f.writes, f.objs, f.after, f.reread = s.gen, bo.Writes(), bo.Objs(), next, reread
	for k, v := range f.writes {
		s.layer[k] = layered{val: v, gen: f.gen}
	}
	*bs = next
	return f, rest
}

// finish runs on the sequencer once a batch's commit returned and every
// batch before it finished: it publishes the durable state and answers the
// callers.
func (s *Store) finish(f *inflight) {
	if f.writes != nil {
		defer s.unpublished.Add(-1) // once published, or the store broken
	}
	for k, v := range f.writes {
		if e, ok := s.layer[k]; ok && e.gen == f.gen {
			delete(s.layer, k)
		}
		if f.err == nil && strings.HasPrefix(k, state.PrefixState) {
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
		// A failed fsync leaves the log in an unknown state on disk, and
		// Badger shows the failed batch to readers anyway: stop writing and
		// reading rather than build on it (see failure.go). Later batches
		// already handed to Badger are not acknowledged either.
		s.setBroken(fmt.Errorf("%w: %w", ErrStorageFailed, f.err))
		s.fail(f.batch, s.brokenErr())
		return
	}
	if err := s.brokenErr(); err != nil {
		s.fail(f.batch, err)
		return
	}
	if f.writes == nil {
		s.answer(f)
		return
	}
	s.mu.Lock()
	s.size, s.digest, s.lastTime = f.after.size, f.after.digest, f.after.lastTime
	pub := *s.pub.Load()
	pub.Size, pub.Digest = s.size, s.digest.Sum()
	if f.members {
		pub.MemberGen++
	}
	if f.sealed {
		s.head, s.headNote = f.after.head, f.after.headNote
		pub.Head = s.head
		if f.census != nil {
			pub.Census = f.census
		}
	}
	s.pub.Store(&pub)
	s.published.Broadcast()
	s.mu.Unlock()
	if s.opts.OnCommit != nil && len(f.batch) > 0 {
		s.opts.OnCommit(len(f.batch), time.Since(f.began))
	}
	s.answer(f)
	s.subs.Publish(f.after.size)
}

// logInternal gives the steward's log what no caller is told of an
// internal error (a command that broke the domain code, a census that
// could not be computed): where it broke.
func (s *Store) logInternal(what string, err error) {
	var ie *state.InternalError
	if errors.As(err, &ie) {
		s.opts.Log.Error("internal error", "in", what, "err", ie.Err, "stack", string(ie.Stack))
	}
}

func (s *Store) answer(f *inflight) {
	for i, req := range f.batch {
		req.reply <- f.replies[i]
	}
}

func (s *Store) fail(batch []*request, err error) {
	for _, req := range batch {
		req.reply <- reply{err: err}
	}
}

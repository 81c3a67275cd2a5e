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

func (s *Store) run() {
	defer close(s.done)
	tick := time.NewTicker(s.opts.CheckpointInterval)
	defer tick.Stop()
	batch := make([]*request, 0, s.opts.MaxBatch)
	for {
		select {
		case req := <-s.reqs:
			batch = append(batch[:0], req)
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
			s.commitBatch(batch, false)
		case <-tick.C:
			if s.unsealed() > 0 {
				s.commitBatch(nil, true)
			}
		case <-s.quit:
			// Answer what is still queued, then seal the tail so a
			// clean shutdown leaves every event covered.
			for {
				select {
				case req := <-s.reqs:
					req.reply <- reply{err: ErrClosed}
					continue
				default:
				}
				break
			}
			if s.unsealed() > 0 {
				s.commitBatch(nil, true)
			}
			return
		}
	}
}

func (s *Store) unsealed() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.size - uint64(s.head.Size)
}

// commitBatch decides and applies each command in order over one overlay,
// then writes events, hashes, state and (if due) a checkpoint in a single
// Badger transaction. Callers are answered only after Commit returns, which
// with SyncWrites means after fsync.
func (s *Store) commitBatch(batch []*request, forceSeal bool) {
	s.mu.RLock()
	size, digest, lastTime, head, headNote := s.size, s.digest, s.lastTime, s.head, s.headNote
	s.mu.RUnlock()

	rtxn := s.db.NewTransaction(false)
	defer rtxn.Discard()
	base := &badgerReader{txn: rtxn}
	bo := newOverlay(base)
	replies := make([]reply, len(batch))
	for i, req := range batch {
		if req.ctx.Err() != nil {
			replies[i] = reply{err: req.ctx.Err()}
			continue
		}
		now := s.opts.Clock().UnixMilli()
		if now < lastTime {
			now = lastTime // event time never runs backwards
		}
		evs, d, err := s.one(bo, req, size, now, digest)
		if err != nil {
			replies[i] = reply{err: err}
			continue
		}
		replies[i] = reply{events: evs}
		if len(evs) > 0 {
			size += uint64(len(evs))
			digest = d
			lastTime = now
		}
	}
	if base.err != nil {
		s.fail(batch, fmt.Errorf("storage read failed: %w", base.err))
		return
	}
	var sealed []byte
	var sealedCk chain.Checkpoint
	due := size-uint64(head.Size) >= uint64(s.opts.CheckpointEvery) || forceSeal
	if due && size > uint64(head.Size) {
		c, signed, err := s.seal(bo, size, digest, head, headNote)
		if err != nil {
			s.fail(batch, fmt.Errorf("sealing checkpoint: %w", err))
			return
		}
		sealed, sealedCk = signed, c
	}
	bo.Set(keyFormat, []byte(strconv.Itoa(FormatVersion)))
	bo.Set(keySize, []byte(strconv.FormatUint(size, 10)))
	bo.Set(keyDigest, digest.Bytes())
	bo.Set(keyLastTime, []byte(strconv.FormatInt(lastTime, 10)))
	if err := s.write(bo); err != nil {
		s.fail(batch, fmt.Errorf("storage write failed: %w", err))
		return
	}
	s.mu.Lock()
	s.size, s.digest, s.lastTime = size, digest, lastTime
	if sealed != nil {
		s.head, s.headNote = headOf(sealedCk, sealed), sealed
	}
	s.mu.Unlock()
	for i, req := range batch {
		req.reply <- replies[i]
	}
	s.publish(size)
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

// write commits the overlay in one transaction; with SyncWrites, Commit
// returns only once the write is on disk.
func (s *Store) write(bo *overlay) error {
	keys := make([]string, 0, len(bo.writes))
	for k := range bo.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	for _, k := range keys {
		var err error
		if v := bo.writes[k]; v == nil {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), v)
		}
		if err != nil {
			return err
		}
	}
	return txn.Commit()
}

func (s *Store) fail(batch []*request, err error) {
	for _, req := range batch {
		req.reply <- reply{err: err}
	}
}

var _ = badger.ErrKeyNotFound

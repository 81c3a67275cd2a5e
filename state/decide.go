package state

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/polis-hub/polis/chain"
)

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

// decided is one command decided over its own overlay, not yet part of its
// batch: the batch takes it only if it fits (see txnBudget).
type decided struct {
	evs    []Event
	co     *overlay
	ops    []stateOp // its writes to state keys, for the digest
	reread []string  // Merkle hashes the sequencer will read again
}

// one runs a single command inside its own overlay, so that a failure, or a
// command the batch has no room for, leaves the batch untouched.
func (s *Store) one(bo *overlay, req *request, size uint64, now int64) (d decided, err error) {
	co := newOverlay(bo)
	d.co = co
	co.onChange = func(key string, old []byte, had bool, val []byte, has bool) {
		if strings.HasPrefix(key, prefixState) {
			d.ops = append(d.ops, stateOp{key: key, old: old, had: had, val: val, has: has})
		}
	}
	defer func() {
		if p := recover(); p != nil {
			d, err = decided{}, fmt.Errorf("internal error: %v", p)
		}
	}()
	env := Env{Time: now, Actor: req.actor}
	actor, bodies, err := req.cmd.Decide(co, env)
	if err != nil {
		return d, err
	}
	for i, b := range bodies {
		ev := Event{Seq: size + uint64(i), Time: now, Actor: actor, Body: b}
		enc, err := Encode(ev)
		if err != nil {
			return d, err
		}
		if err := Apply(co, ev); err != nil {
			return d, fmt.Errorf("internal error: %w", err)
		}
		co.Set(eventKey(ev.Seq), enc)
		hs, err := chain.HashesForAppend(int64(ev.Seq), enc, hashReader(co))
		if err != nil {
			return d, fmt.Errorf("internal error: %w", err)
		}
		first := chain.StoredHashIndex(0, int64(ev.Seq))
		for j, h := range hs {
			k := hashKey(first + int64(j))
			co.Set(k, h[:])
			// Appends and seals read only left children (an even
			// index at their level); the rest need not be cached.
			if (ev.Seq>>j)&1 == 0 {
				d.reread = append(d.reread, k)
			}
		}
		d.evs = append(d.evs, ev)
	}
	writePrivate(co, req.cmd, env, actor, d.evs)
	return d, nil
}

// seal signs a checkpoint over the first size events. It reads O(log size)
// hashes and the digest accumulator, nothing else, so it costs the same at
// any log or state size.
//
// Its time never goes back: not before the checkpoint before it, nor the
// second of the last event it covers, and a clock the guard does not trust
// is not read into it (see clock.go).
func (s *Store) seal(bo *overlay, size uint64, digest Digest, head Head, headNote []byte, lastTime int64) (chain.Checkpoint, []byte, error) {
	if h := head.Height + 1; h <= s.hwm.Load() {
		// Unreachable while the store agrees with HEAD (Open checks),
		// and the one thing a hub must never do.
		return chain.Checkpoint{}, nil, fmt.Errorf("refusing to sign height %d again: %s records height %d as published", h, HeadFile, s.hwm.Load())
	}
	root, err := chain.TreeRoot(int64(size), hashReader(bo))
	if err != nil {
		return chain.Checkpoint{}, nil, err
	}
	c := chain.Checkpoint{Origin: s.signer.Name(), Size: int64(size), Root: root, Height: head.Height + 1,
		State: digest.Sum(), Time: s.clock.sealTime(head.Time/1000, lastTime)}
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

package store

import (
	"bytes"
	"sync"

	"github.com/polis-hub/polis/state"
)

// The state digest is a sum of per-pair lanes modulo 2^64, so it depends
// only on which pairs are present: a batch can fold in, once, each changed
// key's value from before the batch and its value after it, in any order
// and on any goroutine, and reach the bytes that folding in every single
// write would. That takes the SHA-256 expansions out of apply and lets a
// second core share them.

// stateChange is a key's value before the batch and after it.
type stateChange struct {
	orig, final []byte
	had, has    bool
}

// batchDigest gathers the state changes of the commands a batch keeps.
type batchDigest struct {
	m    map[string]int // index into ch
	ch   []stateChange
	keys []string
}

func (bd *batchDigest) reset() {
	if bd.m == nil {
		bd.m = map[string]int{}
	}
	clear(bd.m)
	clear(bd.ch)
	bd.ch, bd.keys = bd.ch[:0], bd.keys[:0]
}

// merge folds in a kept command's writes, in the order it made them.
func (bd *batchDigest) merge(ops []state.StateOp) {
	for _, op := range ops {
		i, ok := bd.m[op.Key]
		if !ok {
			i = len(bd.ch)
			bd.m[op.Key] = i
			bd.ch = append(bd.ch, stateChange{orig: op.Old, had: op.Had})
			bd.keys = append(bd.keys, op.Key)
		}
		bd.ch[i].final, bd.ch[i].has = op.Val, op.Has
	}
}

// laneCache remembers the lanes of the last value the sequencer folded in
// for a key, so taking that value out again (the next write to the key)
// costs no hashing. An entry is used only if its bytes match, so it can
// never be wrong, only missing.
type laneCache struct {
	m map[string]laneEntry
}

type laneEntry struct {
	val   []byte
	lanes *state.Lanes
}

const maxSeqLaneCache = 1 << 14

func (lc *laneCache) get(key string, val []byte) *state.Lanes {
	if e, ok := lc.m[key]; ok && bytes.Equal(e.val, val) {
		return e.lanes
	}
	return nil
}

func (lc *laneCache) put(key string, val []byte, l *state.Lanes) {
	if lc.m == nil {
		lc.m = map[string]laneEntry{}
	}
	if len(lc.m) >= maxSeqLaneCache {
		clear(lc.m) // crude but O(1) amortised; the hot keys come back at once
	}
	lc.m[key] = laneEntry{val, l}
}

// laneJob is one pair to hash, to be taken out (sub) or put in.
type laneJob struct {
	key   string
	val   []byte
	sub   bool
	lanes *state.Lanes
}

// minParallelLanes is how many pairs justify a second goroutine.
const minParallelLanes = 8

// fold returns d with the batch's changes applied, and keeps the new
// values' lanes for the next write to the same keys.
func (s *Store) fold(d state.Digest, bd *batchDigest) state.Digest {
	var jobs []laneJob
	lc := &s.lanes
	for i, c := range bd.ch {
		if c.had && c.has && bytes.Equal(c.orig, c.final) {
			continue
		}
		key := bd.keys[i]
		if c.had {
			if l := lc.get(key, c.orig); l != nil {
				d.SubLanes(l)
			} else {
				jobs = append(jobs, laneJob{key: key, val: c.orig, sub: true})
			}
		}
		if c.has {
			jobs = append(jobs, laneJob{key: key, val: c.final})
		} else {
			delete(lc.m, key)
		}
	}
	hash := func(js []laneJob) {
		for i := range js {
			l := state.PairLanes(js[i].key, js[i].val)
			js[i].lanes = &l
		}
	}
	if len(jobs) >= minParallelLanes {
		var wg sync.WaitGroup
		half := len(jobs) / 2
		wg.Add(1)
		go func() {
			defer wg.Done()
			hash(jobs[half:])
		}()
		hash(jobs[:half])
		wg.Wait()
	} else {
		hash(jobs)
	}
	for _, j := range jobs {
		if j.sub {
			d.SubLanes(j.lanes)
			continue
		}
		d.AddLanes(j.lanes)
		lc.put(j.key, j.val, j.lanes)
	}
	return d
}

package store

import (
	"strings"

	"github.com/polis-hub/polis/state"
)

// readCache keeps recently read and written committed values for the
// sequencer, so the hot keys of a busy hub (the members who vote, the
// right edge of the Merkle tree) are not fetched from Badger for every
// command. Only the sequencer goroutine uses it, and it only ever holds
// values that are committed, so it can never disagree with the store.
type readCache struct {
	m    map[string]cached
	objs map[string]any // decoded forms of the values in m
	max  int
}

type cached struct {
	val []byte
	ok  bool
}

func newReadCache(max int) *readCache {
	return &readCache{m: make(map[string]cached), objs: make(map[string]any), max: max}
}

func (c *readCache) put(key string, val []byte, ok bool) {
	if len(c.m) >= c.max {
		// Dropping everything is crude but O(1) amortised and keeps the
		// bound hard; the hot set refills within a batch or two.
		clear(c.m)
		clear(c.objs)
	}
	c.m[key] = cached{val, ok}
	delete(c.objs, key)
}

// cachedReader reads through the cache to Badger.
type cachedReader struct {
	c *readCache
	r *badgerReader
}

func (cr cachedReader) Get(key string) ([]byte, bool) {
	if e, hit := cr.c.m[key]; hit {
		return e.val, e.ok
	}
	v, ok := cr.r.Get(key)
	// Private keys are never cached: finish refreshes the cache only for
	// the state keys a batch writes, so a cached private value would
	// outlive its next write. They are read rarely (a draft, a theme).
	if cr.r.err == nil && !strings.HasPrefix(key, state.PrefixPriv) {
		cr.c.put(key, v, ok)
	}
	return v, ok
}

func (cr cachedReader) Scan(prefix string, fn func(string, []byte) bool) { cr.r.Scan(prefix, fn) }

func (cr cachedReader) Obj(key string) (any, bool) {
	o, ok := cr.c.objs[key]
	return o, ok
}

func (cr cachedReader) SetObj(key string, v any) {
	if len(cr.c.objs) < cr.c.max {
		cr.c.objs[key] = v
	}
}

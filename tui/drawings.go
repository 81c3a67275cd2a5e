package tui

import "sync"

// memo is one session's kept drawing: val was drawn for key. The key names
// everything the drawing reads, so a drawing is redone only when one of
// those changed.
type memo[K comparable, V any] struct {
	key K
	val V
	set bool
}

// get returns the drawing for key, drawing it only if key changed.
func (m *memo[K, V]) get(key K, draw func() V) V {
	if !m.set || m.key != key {
		m.key, m.val, m.set = key, draw(), true
	}
	return m.val
}

// drawings keeps drawings by what they were drawn from, shared by
// every session of the process. After a vote a thousand screens show the
// same changed row; the first session to need it draws it for all.
//
// It holds at most 2*keepDrawings entries: when the newer half fills up,
// the older half is dropped, so what screens still show stays and what
// they stopped showing goes.
type drawings[K comparable, V any] struct {
	mu       sync.Mutex
	cur, old map[K]V
}

const keepDrawings = 1024

// get returns the drawing for key, calling draw only if no session has
// drawn it lately. draw must depend on nothing but key.
func (d *drawings[K, V]) get(key K, draw func() V) V {
	d.mu.Lock()
	v, ok := d.cur[key]
	if !ok {
		if v, ok = d.old[key]; ok {
			d.put(key, v)
		}
	}
	d.mu.Unlock()
	if ok {
		return v
	}
	// Drawn outside the lock: two sessions may both draw a new key, which
	// costs less than making every session wait behind one.
	v = draw()
	d.mu.Lock()
	d.put(key, v)
	d.mu.Unlock()
	return v
}

func (d *drawings[K, V]) put(key K, v V) {
	if d.cur == nil || len(d.cur) >= keepDrawings {
		d.old, d.cur = d.cur, make(map[K]V, keepDrawings)
	}
	d.cur[key] = v
}

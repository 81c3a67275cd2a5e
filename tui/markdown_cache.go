package tui

import "container/list"

// lru is a least-recently-used map bounded by a total cost (bytes of the
// rendered text, or 1 per entry). It is not safe for concurrent use: the
// renderer holds its lock around it. (The well-kept LRU packages bound the
// number of entries, not their bytes, and a rendered body weighs from a
// few hundred bytes to a megabyte.)
type lru[K comparable, V any] struct {
	max, used int
	cost      func(V) int
	order     *list.List // front: most recently used
	items     map[K]*list.Element
}

type lruItem[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](max int, cost func(V) int) *lru[K, V] {
	return &lru[K, V]{max: max, cost: cost, order: list.New(), items: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	e, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruItem[K, V]).val, true
}

// put stores v, evicting the least recently used entries until the total
// fits. A value costlier than the whole budget is not stored.
func (c *lru[K, V]) put(k K, v V) {
	cost := c.cost(v)
	if cost > c.max {
		return
	}
	if e, ok := c.items[k]; ok {
		c.remove(e)
	}
	c.items[k] = c.order.PushFront(&lruItem[K, V]{k, v})
	c.used += cost
	for c.used > c.max {
		c.remove(c.order.Back())
	}
}

func (c *lru[K, V]) remove(e *list.Element) {
	it := c.order.Remove(e).(*lruItem[K, V])
	delete(c.items, it.key)
	c.used -= c.cost(it.val)
}

func (c *lru[K, V]) len() int { return len(c.items) }

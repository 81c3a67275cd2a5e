package web

import (
	"fmt"
	"sync"

	"github.com/polis-hub/polis/state"
)

// version names what a rendered page was computed from. Figures move with
// checkpoints; a member record (a name, a listing, someone leaving) moves
// MemberGen, which must show at once: a member who asks not to be listed
// disappears from the next page served, not the next checkpoint's.
// A witness's cosignature of the head arrives after the head: cosigned
// counts them, so the chain page shows each as it comes.
type version struct {
	height   int64
	gen      uint64
	cosigned int
}

func versionOf(hub *state.Hub) version {
	p := hub.Published()
	n := 0
	for _, c := range hub.Cosignatures() {
		if c.Height == p.Head.Height && c.Line != "" {
			n++
		}
	}
	return version{p.Head.Height, p.MemberGen, n}
}

func (v version) etag(page, format string) string {
	return fmt.Sprintf(`"%s.%s.%d.%d.%d"`, page, format, v.height, v.gen, v.cosigned)
}

// rendered is one page in both its forms.
type rendered struct {
	html, json []byte
	v          version
}

// cache holds the latest rendering of each page. A page is rendered once
// per version however many ask at once: the others wait for it.
type cache struct {
	mu sync.Mutex
	m  map[string]*slot
}

type slot struct {
	mu sync.Mutex
	r  *rendered
}

func newCache() *cache { return &cache{m: map[string]*slot{}} }

// get returns key's rendering at v, building it if what is held is older.
// An error is not cached: the next request tries again.
func (c *cache) get(key string, v version, build func() (*rendered, error)) (*rendered, error) {
	c.mu.Lock()
	s := c.m[key]
	if s == nil {
		s = &slot{}
		c.m[key] = s
	}
	c.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.r != nil && s.r.v == v {
		return s.r, nil
	}
	r, err := build()
	if err != nil {
		if s.r == nil {
			// Never rendered (a charter version that does not exist):
			// keep no slot for it, so asking for many costs no memory.
			c.mu.Lock()
			delete(c.m, key)
			c.mu.Unlock()
		}
		return nil, err
	}
	r.v = v
	s.r = r
	return r, nil
}

package state

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
)

// Ballot is what a vote needs to know about its proposal before it is
// cast: whether voting is open, the method, the options.
type Ballot struct {
	State   string
	Method  string
	Options []string
}

// ballotCache keeps the last decoded ballot of the proposals being voted
// on. On the night of a big vote every `vote` command reads its proposal
// to parse the ballot, and decoding the whole record (Markdown body
// included) was a tenth of the hub's CPU per vote; the stored bytes are
// still read every time, so a changed proposal is never served stale.
type ballotCache struct {
	mu sync.Mutex
	m  map[uint64]ballotEntry
}

type ballotEntry struct {
	raw []byte
	b   Ballot
}

// ballotCacheMax bounds the cache; proposals open at one time are few.
const ballotCacheMax = 64

// Ballot reads proposal id's state, method and options.
func (h *Hub) Ballot(id uint64) (Ballot, error) {
	var b Ballot
	err := h.View(func(r Reader) error {
		key := idKey(prefixProposal, id)
		raw, ok := r.Get(key)
		if !ok {
			return notFound("no proposal %d", id)
		}
		c := &h.ballots
		c.mu.Lock()
		e, hit := c.m[id]
		c.mu.Unlock()
		if hit && bytes.Equal(e.raw, raw) {
			b = e.b
			return nil
		}
		var p Proposal
		if err := json.Unmarshal(raw, &p); err != nil {
			panic(corruptError{key: key, err: err})
		}
		b = Ballot{State: p.State, Method: p.Method, Options: p.Options}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= ballotCacheMax {
			c.m = make(map[uint64]ballotEntry)
		}
		c.m[id] = ballotEntry{raw: bytes.Clone(raw), b: b}
		c.mu.Unlock()
		return nil
	})
	// The cached options are shared; the caller gets its own.
	b.Options = slices.Clone(b.Options)
	return b, err
}

package state

import "sync"

// shared holds what every open session re-reads after a change: the member
// list and each proposal's count. With a hundred sessions open, one vote
// would otherwise make each of them decode every member record and recount
// every tally on its own. Entries belong to one log size; a reader that sees
// a newer size starts a new generation. Values handed out are shared and
// must be treated as read-only.
type shared struct {
	mu      sync.Mutex
	size    uint64
	valid   bool
	tallies map[uint64]Tally
	// The member list belongs to a member generation instead: most
	// commits (votes above all) change no member.
	memberGen  uint64
	membersSet bool
	members    []Member
	names      map[uint64]string
	// whoami remembers key lookups of the member generation whoGen: every
	// session and command resolves its key, often more than once.
	whoGen uint64
	whoami map[string]whoamiEntry
}

type whoamiEntry struct {
	m  Member
	ok bool
}

// maxWhoami bounds the key lookup cache; it starts afresh when full.
const maxWhoami = 4096

// at makes the cache belong to size, dropping an older generation. The
// caller holds mu. size is read before the reader's snapshot is taken, so
// the snapshot holds at least everything up to size: a cached value is never
// older than the generation it is filed under.
func (c *shared) at(size uint64) {
	if c.valid && c.size == size {
		return
	}
	c.size, c.valid = size, true
	c.tallies = map[uint64]Tally{}
}

// sharedMembers returns the member list of member generation gen, which
// the caller read before taking r's snapshot (as size above).
func (h *Hub) sharedMembers(r Reader, gen uint64) ([]Member, map[uint64]string) {
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	if !h.cache.membersSet || h.cache.memberGen != gen {
		h.cache.memberGen, h.cache.membersSet = gen, true
		h.cache.members = ListMembers(r)
		h.cache.names = make(map[uint64]string, len(h.cache.members))
		for _, m := range h.cache.members {
			h.cache.names[m.ID] = m.Name
		}
	}
	return h.cache.members, h.cache.names
}

func (h *Hub) sharedTally(r Reader, size uint64, p Proposal) Tally {
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	h.cache.at(size)
	t, ok := h.cache.tallies[p.ID]
	if !ok {
		t = countProposal(r, p)
		h.cache.tallies[p.ID] = t
	}
	return t
}

func (h *Hub) cachedWhoami(gen uint64, fp string) (whoamiEntry, bool) {
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	if h.cache.whoami == nil || h.cache.whoGen != gen {
		return whoamiEntry{}, false
	}
	e, hit := h.cache.whoami[fp]
	return e, hit
}

func (h *Hub) storeWhoami(gen uint64, fp string, e whoamiEntry) {
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	if h.cache.whoami == nil || h.cache.whoGen != gen || len(h.cache.whoami) >= maxWhoami {
		h.cache.whoami, h.cache.whoGen = map[string]whoamiEntry{}, gen
	}
	h.cache.whoami[fp] = e
}

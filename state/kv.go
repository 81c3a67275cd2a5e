package state

import (
	"sort"
	"strings"

	"github.com/google/btree"
)

// Reader is the read side of state that domain rules see. Reads never fail
// from the rules' point of view: a store that hits an I/O error records it
// and the sequencer refuses the whole batch.
type Reader interface {
	Get(key string) ([]byte, bool)
	// Scan calls fn for each key with the prefix, in key order, until fn
	// returns false.
	Scan(prefix string, fn func(key string, val []byte) bool)
}

// Writer is what apply writes through. Values are canonical bytes; apply
// never writes anything derived from map order or the clock.
type Writer interface {
	Reader
	Set(key string, val []byte)
	Delete(key string)
}

// overlay buffers writes over a Reader. A nil value marks a delete. The
// sequencer stacks one overlay per command over one per batch, so a command
// that fails leaves no trace in its batch.
type overlay struct {
	base   Reader
	writes map[string][]byte
	objs   map[string]any // decoded forms of written values, see ObjCache
	// onChange observes every write to a state key, with the value it
	// replaces, so the state digest can follow along in O(1) per write.
	onChange func(key string, old []byte, hadOld bool, val []byte, hasVal bool)
}

func newOverlay(base Reader) *overlay {
	return &overlay{base: base, writes: map[string][]byte{}, objs: map[string]any{}}
}

// Obj and SetObj pass the ObjCache of the base through the overlay.
func (o *overlay) Obj(key string) (any, bool) {
	if v, ok := o.objs[key]; ok {
		return v, true
	}
	if _, written := o.writes[key]; written {
		return nil, false
	}
	if oc, ok := o.base.(ObjCache); ok {
		return oc.Obj(key)
	}
	return nil, false
}

// SetObj records v at the level that holds key's current bytes.
func (o *overlay) SetObj(key string, v any) {
	if _, written := o.writes[key]; written {
		o.objs[key] = v
		return
	}
	if oc, ok := o.base.(ObjCache); ok {
		oc.SetObj(key, v)
	}
}

func (o *overlay) Get(key string) ([]byte, bool) {
	if v, ok := o.writes[key]; ok {
		return v, v != nil
	}
	return o.base.Get(key)
}

func (o *overlay) Set(key string, val []byte) {
	if val == nil {
		val = []byte{}
	}
	if o.onChange != nil && strings.HasPrefix(key, PrefixState) {
		old, had := o.Get(key)
		o.onChange(key, old, had, val, true)
	}
	o.writes[key] = val
	delete(o.objs, key)
}

func (o *overlay) Delete(key string) {
	old, had := o.Get(key)
	if !had {
		return
	}
	if o.onChange != nil && strings.HasPrefix(key, PrefixState) {
		o.onChange(key, old, had, nil, false)
	}
	o.writes[key] = nil
	delete(o.objs, key)
}

// Scan merges buffered writes into the base's ordered scan.
func (o *overlay) Scan(prefix string, fn func(string, []byte) bool) {
	var mine []string
	for k := range o.writes {
		if strings.HasPrefix(k, prefix) {
			mine = append(mine, k)
		}
	}
	sort.Strings(mine)
	i := 0
	stopped := false
	emitMine := func(limit string, all bool) bool {
		for i < len(mine) && (all || mine[i] < limit) {
			k := mine[i]
			i++
			if v := o.writes[k]; v != nil && !fn(k, v) {
				return false
			}
		}
		return true
	}
	o.base.Scan(prefix, func(k string, v []byte) bool {
		if !emitMine(k, false) {
			stopped = true
			return false
		}
		if i < len(mine) && mine[i] == k {
			i++
			if w := o.writes[k]; w != nil {
				if !fn(k, w) {
					stopped = true
					return false
				}
			}
			return true
		}
		if !fn(k, v) {
			stopped = true
			return false
		}
		return true
	})
	if !stopped {
		emitMine("", true)
	}
}

// commitTo moves the buffered writes into w (another overlay or a batch).
func (o *overlay) commitTo(w Writer) {
	keys := make([]string, 0, len(o.writes))
	for k := range o.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	oc, _ := w.(ObjCache)
	for _, k := range keys {
		if v := o.writes[k]; v == nil {
			w.Delete(k)
		} else {
			w.Set(k, v)
			if obj, ok := o.objs[k]; ok && oc != nil {
				oc.SetObj(k, obj)
			}
		}
	}
}

// MemState is a whole state held in memory: verification replays into it,
// and tests use it as the ground truth.
type MemState struct {
	m      map[string][]byte
	objs   map[string]any // decoded values, see ObjCache
	digest Digest
	// lanes remembers each value's digest lanes, so overwriting it does
	// not hash the old value again; bounded, since it costs 512 bytes a key.
	lanes map[string]*[digestLanes]uint64
	// order keeps the keys sorted so Scan costs what it returns, not the
	// size of the state (apply counts votes by scanning at each close).
	order *btree.BTreeG[string]
	// dirty holds keys written since the digest was last read: their old
	// value is already out of the digest, their new one goes in when
	// Digest is called. A replay reads the digest once per checkpoint, so
	// a key rewritten many times in between is hashed once.
	dirty map[string]struct{}
	// noDigest: the keys held are a log, not state (see Memory), and no
	// digest is kept of them.
	noDigest bool
}

const maxLaneCache = 200_000

// NewMemState returns an empty state.
func NewMemState() *MemState {
	return &MemState{m: map[string][]byte{}, objs: map[string]any{}, lanes: map[string]*[digestLanes]uint64{},
		order: btree.NewG(32, func(a, b string) bool { return a < b }), dirty: map[string]struct{}{}}
}

func (s *MemState) removeDigest(key string, old []byte) {
	if l, ok := s.lanes[key]; ok {
		s.digest.SubLanes(l)
		delete(s.lanes, key)
		return
	}
	s.digest.Remove(key, old)
}

// Obj and SetObj make a MemState an ObjCache.
func (s *MemState) Obj(key string) (any, bool) { o, ok := s.objs[key]; return o, ok }
func (s *MemState) SetObj(key string, v any)   { s.objs[key] = v }

func (s *MemState) Get(key string) ([]byte, bool) {
	v, ok := s.m[key]
	return v, ok
}

func (s *MemState) Set(key string, val []byte) {
	old, ok := s.m[key]
	if !ok {
		s.order.ReplaceOrInsert(key)
	}
	if _, pending := s.dirty[key]; !pending && !s.noDigest {
		if ok {
			s.removeDigest(key, old)
		}
		s.dirty[key] = struct{}{}
	}
	s.m[key] = val
	delete(s.objs, key)
}

func (s *MemState) Delete(key string) {
	old, ok := s.m[key]
	if !ok {
		return
	}
	if _, pending := s.dirty[key]; pending {
		delete(s.dirty, key) // its value never entered the digest
	} else if !s.noDigest {
		s.removeDigest(key, old)
	}
	delete(s.m, key)
	delete(s.objs, key)
	s.order.Delete(key)
}

// flush adds the current values of the keys written since the last read.
func (s *MemState) flush() {
	for key := range s.dirty {
		l := PairLanes(key, s.m[key])
		s.digest.AddLanes(&l)
		if len(s.lanes) < maxLaneCache {
			s.lanes[key] = &l
		}
	}
	clear(s.dirty)
}

func (s *MemState) Scan(prefix string, fn func(string, []byte) bool) {
	s.order.AscendGreaterOrEqual(prefix, func(k string) bool {
		return strings.HasPrefix(k, prefix) && fn(k, s.m[k])
	})
}

// Keys returns the sorted keys with prefix.
func (s *MemState) Keys(prefix string) []string {
	var keys []string
	s.Scan(prefix, func(k string, _ []byte) bool { keys = append(keys, k); return true })
	return keys
}

// Digest is the state digest of everything held.
func (s *MemState) Digest() [32]byte {
	s.flush()
	return s.digest.Sum()
}

// Len is the number of keys.
func (s *MemState) Len() int { return len(s.m) }

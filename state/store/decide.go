package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// layered is a write of a batch still in flight, visible to the batches
// decided after it.
type layered struct {
	val []byte
	gen uint64
}

type layerReader struct {
	l    map[string]layered
	next state.Reader
}

func (lr layerReader) Obj(key string) (any, bool) {
	if _, ok := lr.l[key]; ok {
		return nil, false
	}
	if oc, ok := lr.next.(state.ObjCache); ok {
		return oc.Obj(key)
	}
	return nil, false
}

func (lr layerReader) SetObj(key string, v any) {
	if _, ok := lr.l[key]; ok {
		return
	}
	if oc, ok := lr.next.(state.ObjCache); ok {
		oc.SetObj(key, v)
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
	writes := make(map[string][]byte)
	for k, e := range lr.l {
		if strings.HasPrefix(k, prefix) {
			writes[k] = e.val
		}
	}
	state.ScanOver(lr.next, writes, prefix, fn)
}

// seal signs a checkpoint over the first size events (state.Seal), and
// makes it the store's head.
//
// Its time never goes back: not before the checkpoint before it, nor the
// second of the last event it covers, and a clock the guard does not trust
// is not read into it (see clock.go).
func (s *Store) seal(b *state.Batch, size uint64, digest state.Digest, head state.Head, lastTime int64) (chain.Checkpoint, []byte, error) {
	if h := head.Height + 1; h <= s.hwm.Load() {
		// Unreachable while the store agrees with HEAD (Open checks),
		// and the one thing a hub must never do.
		return chain.Checkpoint{}, nil, fmt.Errorf("refusing to sign height %d again: %s records height %d as published", h, HeadFile, s.hwm.Load())
	}
	c, signed, err := state.Seal(b, s.signer, size, digest.Sum(), head, s.sealTime(head.Time/1000, lastTime))
	if err != nil {
		return c, nil, err
	}
	b.Set(keyHead, []byte(strconv.FormatInt(c.Height, 10)))
	return c, signed, nil
}

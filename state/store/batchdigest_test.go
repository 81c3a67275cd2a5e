package store

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/polis-hub/polis/state"
)

// Folding a batch's net changes, with the lane cache, must give the digest
// of the state it leaves, as adding and removing every single write would:
// over keys rewritten within a batch, rewritten to the value they had,
// deleted and recreated, and commands that fail and leave no trace.
func TestFoldMatchesFullDigest(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	s := &Store{}
	committed := map[string][]byte{}
	var d state.Digest
	vals := [][]byte{[]byte("a"), []byte("b"), []byte(`{"x":1}`), {}}
	for batch := 0; batch < 400; batch++ {
		view := map[string][]byte{}
		for k, v := range committed {
			view[k] = v
		}
		s.bd.reset()
		for c := rng.IntN(8); c > 0; c-- {
			mine := map[string][]byte{}
			for k, v := range view {
				mine[k] = v
			}
			var ops []state.StateOp
			for w := rng.IntN(6); w > 0; w-- {
				key := fmt.Sprintf("s/k%d", rng.IntN(12))
				old, had := mine[key]
				if rng.IntN(4) == 0 {
					if had {
						ops = append(ops, state.StateOp{Key: key, Old: old, Had: true})
						delete(mine, key)
					}
					continue
				}
				// A fresh copy each time: equal bytes, never the same slice.
				val := append([]byte(nil), vals[rng.IntN(len(vals))]...)
				ops = append(ops, state.StateOp{Key: key, Old: old, Had: had, Val: val, Has: true})
				mine[key] = val
			}
			if rng.IntN(5) == 0 {
				continue // the command failed: nothing of it is kept
			}
			s.bd.merge(ops)
			view = mine
		}
		d = s.fold(d, &s.bd)
		committed = view
		var want state.Digest
		for k, v := range committed {
			want.Add(k, v)
		}
		if d.Sum() != want.Sum() {
			t.Fatalf("batch %d: folded digest differs from the state's", batch)
		}
	}
}

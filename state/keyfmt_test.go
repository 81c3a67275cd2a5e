package state

import (
	"fmt"
	"math"
	"testing"
)

// Keys are persisted: the hand-rolled formatting must give fmt's bytes.
func TestKeysMatchFmt(t *testing.T) {
	for _, a := range []uint64{0, 1, 9, 10, 123456789012, 999999999999, 1000000000000, math.MaxUint64} {
		if got, want := idKey(prefixMember, a), fmt.Sprintf("%s%012d", prefixMember, a); got != want {
			t.Errorf("idKey(%d) = %q, want %q", a, got, want)
		}
		for _, b := range []uint64{0, 7, 1 << 40, math.MaxUint64} {
			if got, want := voteKey(a, b), fmt.Sprintf("%s%012d/%012d", prefixVote, a, b); got != want {
				t.Errorf("voteKey(%d, %d) = %q, want %q", a, b, got, want)
			}
		}
	}
}

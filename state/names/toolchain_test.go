package names

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"github.com/polis-hub/polis/state/internal/srcguard"
)

// The rule reads no Unicode tables but the pinned ones: the package may not
// import the toolchain's unicode tables or x/text, nor call the strings
// functions that consult them. (unicode/utf8 is only the UTF-8 encoding,
// which is fixed.)
func TestNoToolchainUnicodeTables(t *testing.T) {
	srcguard.Check(t, ".", 3, srcguard.Rules{
		Imports: []string{"unicode", "unicode/utf16", "golang.org/x/text/..."},
		Calls: []string{"strings.ToLower", "strings.ToUpper", "strings.ToTitle", "strings.Title",
			"strings.EqualFold", "strings.TrimSpace", "strings.Fields", "strings.FieldsFunc",
			"strings.TrimFunc", "strings.IndexFunc", "strings.ContainsFunc", "strings.Map"},
	})
}

// What the rule does with a sample of code points, one at a time and after
// a letter: accepted or not, folded, decomposed, skeleton, keys. The
// sample is every code point some table maps, both ends of every range of
// the data, and every 61st code point. The digest moves if the data or the
// code changes, whichever Go runs it.
func TestBehaviourDigest(t *testing.T) {
	const want = "f6d113c8bc5debb9f127d80574b6cdbe4a46420e82c979cdadd9b4709799cc23"
	h := sha256.New()
	sample := mapped()
	tb := tab()
	for _, ss := range []spans{tb.gc, tb.di, tb.ep, tb.emod, tb.vs} {
		for _, x := range ss {
			sample = append(sample, x.lo, x.hi)
		}
	}
	for r := rune(0); r <= 0x10FFFF; r += 61 {
		sample = append(sample, r)
	}
	slices.Sort(sample)
	for _, r := range slices.Compact(sample) {
		s := string(r)
		fmt.Fprintf(h, "%X %t %t %x %x %x %x\n", r, Check(s) == nil, Check("a"+s) == nil, Fold(s), NFD(s), Skeleton(s), Keys(s))
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Fatalf("behaviour digest = %s, want %s", got, want)
	}
}

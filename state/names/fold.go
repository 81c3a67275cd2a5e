package names

import "strings"

// Hangul syllables decompose by arithmetic, not by table (Unicode 15.0,
// section 3.12).
const (
	hangulBase          = 0xAC00
	hangulCount         = 11172
	jamoL, jamoV, jamoT = 0x1100, 0x1161, 0x11A7
	countV, countT      = 21, 28
)

// NFD is the canonical decomposition of s (Unicode Normalization Form D)
// by the pinned tables: each character replaced by its full canonical
// decomposition, then each run of characters with a non-zero canonical
// combining class stably sorted by that class.
func NFD(s string) string {
	t := tab()
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= hangulBase && r < hangulBase+hangulCount:
			i := r - hangulBase
			out = append(out, jamoL+i/(countV*countT), jamoV+i%(countV*countT)/countT)
			if i%countT != 0 {
				out = append(out, jamoT+i%countT)
			}
		case t.nfd[r] != "":
			out = append(out, []rune(t.nfd[r])...)
		default:
			out = append(out, r)
		}
	}
	// Canonical ordering: insertion sort keeps equal classes in order.
	for i := 1; i < len(out); i++ {
		c := t.ccc[out[i]]
		if c == 0 {
			continue
		}
		for j := i; j > 0 && t.ccc[out[j-1]] > c; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return string(out)
}

// Fold is full case folding (CaseFolding.txt statuses C and F): the
// language-neutral mapping Unicode defines for caseless matching. U+0130
// folds to "i̇" (U+0069 U+0307) and U+212A KELVIN SIGN to "k".
func Fold(s string) string { return mapRunes(s, tab().fold) }

// Skeleton is the UTS #39 confusable skeleton of s by the pinned data:
// NFD, drop default-ignorable code points, replace each character by its
// confusables.txt prototype, NFD again. Two strings with one skeleton look
// alike.
func Skeleton(s string) string {
	t := tab()
	var b strings.Builder
	for _, r := range NFD(s) {
		if t.di.has(r) {
			continue
		}
		if p, ok := t.conf[r]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(r)
		}
	}
	return NFD(b.String())
}

// Keys are the strings a name is unique by; two names clash when their keys
// share one:
//
//   - the caseless skeleton, Skeleton(Fold(Skeleton(Fold(NFD(name))))), so
//     "Alice" and "ALICE" clash; the second round catches prototypes that
//     are capitals, as digit zero's is O, so "b0b" clashes with "bob";
//   - the name's own Skeleton, when it differs, so "BiII" with capital I
//     clashes with "Bill" (folding first would make it "biii").
func Keys(name string) []string {
	k := []string{caseless(name)}
	if s := Skeleton(name); s != k[0] {
		k = append(k, s)
	}
	return k
}

func caseless(s string) string { return Skeleton(Fold(Skeleton(Fold(NFD(s))))) }

func mapRunes(s string, m map[rune]string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if p, ok := m[r]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

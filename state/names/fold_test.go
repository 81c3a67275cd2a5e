package names

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Hard cases, each checked against CaseFolding.txt and confusables.txt by
// hand, not against this package's own output.
func TestFoldHardCases(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"\u0130", "i\u0307"}, // İ: full folding keeps the dot
		{"I", "i"},            // never dotless: folding is language-neutral
		{"\u0131", "\u0131"},  // ı has only a Turkic (T) folding, which is not used
		{"\u212A", "k"},       // KELVIN SIGN
		{"\u212B", "\u00E5"},  // ANGSTROM SIGN
		{"\u00DF", "ss"},
		{"\u1E9E", "ss"},
		{"\u017F", "s"},
		{"\u03A3\u03C2", "\u03C3\u03C3"},
		{"\uFB03", "ffi"},
		{"\u0345", "\u03B9"},
		{"\uAB70", "\u13A0"},         // Cherokee folds to the capitals
		{"\uA7C0", "\uA7C1"},         // Unicode 14.0: in the 15.0 fold table, though Check refuses it
		{"\uA7CB", "\uA7CB"},         // Unicode 16.0: unknown to the pinned data, so unchanged
		{"\U0001E900", "\U0001E922"}, // Adlam
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%+q) = %+q, want %+q", c.in, got, c.want)
		}
	}
}

func TestSkeletonHardCases(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"\u0430lice", "alice"},        // Cyrillic а
		{"BiII", "Bill"},               // I -> l
		{"m", "rn"},                    // confusables map m to r n
		{"0", "O"},                     // digit zero -> capital O
		{"O\u2019Brien", "O'Brien"},    // right single quote -> apostrophe
		{"\u00E9", "e\u0301"},          // NFD first
		{"👩\u200D💻", "👩💻"},             // default-ignorables dropped
		{"\u212A", "K"},                // Kelvin sign -> K
		{"\U0001D5BA\U0001D5C5", "al"}, // mathematical sans-serif
	} {
		if got := Skeleton(c.in); got != c.want {
			t.Errorf("Skeleton(%+q) = %+q, want %+q", c.in, got, c.want)
		}
	}
}

// NFD by the pinned tables is Unicode's NFD: compare with x/text on every
// character of the repertoire. Canonical decompositions of assigned
// characters never change, so this holds for any later x/text too.
func TestNFDMatchesXText(t *testing.T) {
	n := 0
	for _, s := range tab().gc {
		for r := s.lo; r <= s.hi; r++ {
			if s.v == "Cs" {
				continue
			}
			in := string(r) + "\u0323" + string(r)
			if got, want := NFD(in), norm.NFD.String(in); got != want {
				t.Fatalf("NFD(%+q) = %+q, x/text says %+q", in, got, want)
			}
			n++
		}
	}
	if n < 140000 {
		t.Fatalf("checked only %d characters", n)
	}
}

// Fold is full case folding: x/text's cases.Fold agrees on every character
// of the repertoire (case folding of assigned characters is stable too),
// except Cherokee, which x/text folds to its lowercase letters where
// CaseFolding.txt folds to the capitals.
func TestFoldMatchesXText(t *testing.T) {
	f := cases.Fold()
	cherokee := 0
	for _, s := range tab().gc {
		for r := s.lo; r <= s.hi; r++ {
			if s.v == "Cs" {
				continue
			}
			got, want := Fold(string(r)), f.String(string(r))
			if r >= 0x13A0 && r <= 0x13FD || r >= 0xAB70 && r <= 0xABBF {
				if got != want && Fold(want) == got {
					cherokee++
					continue
				}
			}
			if got != want {
				t.Errorf("Fold(%+q) = %+q, x/text says %+q", string(r), got, want)
			}
		}
	}
	if cherokee != 86 {
		t.Errorf("%d Cherokee letters fold differently from x/text, want 86", cherokee)
	}
}

// The embedded data is exactly what docs/events.md names. Changing it
// changes accepted names and state keys: bump DataVersion, the docs and
// this digest together (and the data dir format with them).
func TestDataDigest(t *testing.T) {
	const want = "3f7340777251f04d81e4b4934a36f76acf3d27b69045beeec01d220748a2577c"
	sum := sha256.Sum256([]byte(data))
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("unicode.txt sha256 = %s, want %s", got, want)
	}
}

// Two rounds of fold and skeleton reach a fixed point for every character:
// a third would change nothing, so the caseless key needs no more. A
// character with no nfd, fold or conf entry maps to itself, so only those
// with one need checking.
func TestCaselessIsFixedPoint(t *testing.T) {
	for _, r := range mapped() {
		k := caseless(string(r))
		if again := Skeleton(Fold(k)); again != k {
			t.Errorf("U+%04X: caseless %+q, another round %+q", r, k, again)
		}
	}
}

// mapped lists the code points that some table maps to something else.
func mapped() []rune {
	var out []rune
	t := tab()
	for _, m := range []map[rune]string{t.nfd, t.fold, t.conf} {
		for r := range m {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

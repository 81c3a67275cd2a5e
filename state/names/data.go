// Package names holds polis's rule for member names and the Unicode data it
// reads. The data is pinned: it is unicode.txt in this directory (Unicode
// 15.0.0 character database, UTS #39 confusables 13.0.0), never the Go
// toolchain's unicode tables or golang.org/x/text's, so a newer Go cannot
// change which names Apply accepts or which state keys they index under,
// and `polis verify` of an old log gives the same state with any toolchain.
//
// docs/events.md ("Member names") specifies the rule for independent
// verifiers; this package is its reference implementation.
package names

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Versions of the pinned data. Changing any of them changes which names are
// accepted or how they are indexed, and so the data dir format.
const (
	DataVersion        = 1
	UnicodeVersion     = "15.0.0" // character database the tables come from
	ConfusablesVersion = "13.0.0" // UTS #39 confusables.txt
	RepertoireVersion  = "13.0"   // names use characters whose Age is at most this
)

//go:embed unicode.txt
var data string

// span is a run of code points sharing one value.
type span struct {
	lo, hi rune
	v      string
}

type spans []span

func (s spans) find(r rune) (string, bool) {
	i := sort.Search(len(s), func(i int) bool { return s[i].hi >= r })
	if i < len(s) && s[i].lo <= r {
		return s[i].v, true
	}
	return "", false
}

func (s spans) has(r rune) bool { _, ok := s.find(r); return ok }

type tables struct {
	gc, di, ep, emod, vs spans
	ccc                  map[rune]uint8
	nfd, fold, conf      map[rune]string
}

var tab = sync.OnceValue(func() *tables {
	t, err := parse(data)
	if err != nil {
		panic("names: embedded unicode.txt: " + err.Error())
	}
	return t
})

func parse(src string) (*tables, error) {
	t := &tables{ccc: map[rune]uint8{}, nfd: map[rune]string{}, fold: map[rune]string{}, conf: map[rune]string{}}
	for n, line := range strings.Split(src, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, " ")
		if err := t.add(f); err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
	}
	return t, nil
}

func (t *tables) add(f []string) error {
	if len(f) < 2 {
		return fmt.Errorf("short line")
	}
	lo, hi, err := codeRange(f[1])
	if err != nil {
		return err
	}
	val := strings.Join(f[2:], " ")
	switch f[0] {
	case "gc", "di", "ep", "emod", "vs":
		s := map[string]*spans{"gc": &t.gc, "di": &t.di, "ep": &t.ep, "emod": &t.emod, "vs": &t.vs}[f[0]]
		if n := len(*s); n > 0 && (*s)[n-1].hi >= lo {
			return fmt.Errorf("%s out of order at %04X", f[0], lo)
		}
		*s = append(*s, span{lo, hi, val})
	case "ccc":
		n, err := strconv.ParseUint(val, 10, 8)
		if err != nil {
			return err
		}
		for r := lo; r <= hi; r++ {
			t.ccc[r] = uint8(n)
		}
	case "nfd", "fold", "conf":
		if lo != hi || len(f) < 3 {
			return fmt.Errorf("%s needs one code point and a sequence", f[0])
		}
		var b strings.Builder
		for _, p := range f[2:] {
			r, _, err := codeRange(p)
			if err != nil {
				return err
			}
			b.WriteRune(r)
		}
		map[string]map[rune]string{"nfd": t.nfd, "fold": t.fold, "conf": t.conf}[f[0]][lo] = b.String()
	default:
		return fmt.Errorf("unknown kind %q", f[0])
	}
	return nil
}

func codeRange(s string) (rune, rune, error) {
	a, b, isRange := strings.Cut(s, "..")
	lo, err := strconv.ParseUint(a, 16, 32)
	if err != nil || lo > 0x10FFFF {
		return 0, 0, fmt.Errorf("bad code point %q", s)
	}
	hi := lo
	if isRange {
		if hi, err = strconv.ParseUint(b, 16, 32); err != nil || hi > 0x10FFFF || hi < lo {
			return 0, 0, fmt.Errorf("bad range %q", s)
		}
	}
	return rune(lo), rune(hi), nil
}

// Command mkdata writes state/names/unicode.txt, the pinned Unicode data
// that polis's name rule reads, from the published source files:
//
//	go run ./state/names/internal/mkdata \
//	    -ucd /usr/share/unicode \
//	    -confusables "$(go mod download -json github.com/mtibben/confusables@v0.0.0-20210201002637-9d1b0723b659 | jq -r .Dir)/tables.go" \
//	    > state/names/unicode.txt
//
// -ucd is a Unicode 15.0.0 character database (Debian's unicode-data
// 15.0.0-1 installs one in /usr/share/unicode). -confusables is the Go table
// github.com/mtibben/confusables generated from UTS #39 confusables.txt
// version 13.0.0; it is read as source text, never compiled in, so polis
// does not depend on that module or on the golang.org/x/text tables it uses.
//
// The output is a plain text file (format in docs/events.md) so that an
// independent verifier can read the same data without this program.
package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The repertoire: a name may use only characters assigned by this version,
// the version of the confusable data, so every accepted character is
// covered by it and no later Unicode version can change its folding.
const repertoireAge = "13.0"

func main() {
	ucd := flag.String("ucd", "/usr/share/unicode", "directory of the Unicode 15.0.0 character database")
	conf := flag.String("confusables", "", "tables.go of github.com/mtibben/confusables@v0.0.0-20210201002637-9d1b0723b659")
	flag.Parse()
	if *conf == "" {
		log.Fatal("mkdata: -confusables is required")
	}
	g := &gen{ucd: *ucd}
	g.run(*conf)
}

type gen struct {
	ucd     string
	sources []string // "file sha256" lines for the header
}

func (g *gen) read(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	g.sources = append(g.sources, fmt.Sprintf("%s sha256:%x", filepath.Base(path), sha256.Sum256(b)))
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func (g *gen) ucdFile(name string) []string { return g.read(filepath.Join(g.ucd, name)) }

// fields splits a UCD data line at ';' after dropping its comment.
func fields(line string) []string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	if strings.TrimSpace(line) == "" {
		return nil
	}
	f := strings.Split(line, ";")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

func hex(s string) rune {
	n, err := strconv.ParseUint(s, 16, 32)
	if err != nil || n > 0x10FFFF {
		log.Fatalf("mkdata: bad code point %q", s)
	}
	return rune(n)
}

func span(s string) (rune, rune) {
	if a, b, ok := strings.Cut(s, ".."); ok {
		return hex(a), hex(b)
	}
	return hex(s), hex(s)
}

func seq(s string) []rune {
	var out []rune
	for _, p := range strings.Fields(s) {
		out = append(out, hex(p))
	}
	return out
}

// property collects the code points of one binary property.
func property(lines []string, name string) map[rune]bool {
	set := map[rune]bool{}
	for _, l := range lines {
		f := fields(l)
		if len(f) >= 2 && f[1] == name {
			a, b := span(f[0])
			for r := a; r <= b; r++ {
				set[r] = true
			}
		}
	}
	if len(set) == 0 {
		log.Fatalf("mkdata: property %s is empty", name)
	}
	return set
}

func ageAtMost(age, limit string) bool {
	pa, pl := strings.SplitN(age, ".", 2), strings.SplitN(limit, ".", 2)
	a0, _ := strconv.Atoi(pa[0])
	l0, _ := strconv.Atoi(pl[0])
	a1, _ := strconv.Atoi(pa[1])
	l1, _ := strconv.Atoi(pl[1])
	return a0 < l0 || a0 == l0 && a1 <= l1
}

type entry struct {
	r   rune
	seq []rune
}

func (g *gen) run(confPath string) {
	// Repertoire: Age <= 13.0.
	inRep := map[rune]bool{}
	for _, l := range g.ucdFile("DerivedAge.txt") {
		if f := fields(l); len(f) >= 2 && ageAtMost(f[1], repertoireAge) {
			a, b := span(f[0])
			for r := a; r <= b; r++ {
				inRep[r] = true
			}
		}
	}

	gc := map[rune]string{}
	ccc := map[rune]int{}
	decomp := map[rune][]rune{}
	var first rune = -1
	for _, l := range g.ucdFile("UnicodeData.txt") {
		f := strings.Split(l, ";")
		if len(f) < 15 {
			continue
		}
		r := hex(f[0])
		if strings.HasSuffix(f[1], ", First>") {
			first = r
			continue
		}
		lo := r
		if strings.HasSuffix(f[1], ", Last>") {
			lo = first
		}
		for c := lo; c <= r; c++ {
			gc[c] = f[2]
		}
		if n, _ := strconv.Atoi(f[3]); n != 0 {
			ccc[r] = n
		}
		if d := f[5]; d != "" && !strings.HasPrefix(d, "<") {
			decomp[r] = seq(d)
		}
	}

	var out strings.Builder
	// Sources are listed as read, so read them all before writing.
	di := property(g.ucdFile("DerivedCoreProperties.txt"), "Default_Ignorable_Code_Point")
	emoji := g.ucdFile("emoji/emoji-data.txt")
	ep := property(emoji, "Extended_Pictographic")
	emod := property(emoji, "Emoji_Modifier")
	vs := map[rune]bool{}
	for _, l := range g.ucdFile("emoji/emoji-variation-sequences.txt") {
		if f := fields(l); len(f) >= 2 {
			vs[seq(f[0])[0]] = true
		}
	}
	var fold []entry
	for _, l := range g.ucdFile("CaseFolding.txt") {
		if f := fields(l); len(f) >= 3 && (f[1] == "C" || f[1] == "F") {
			fold = append(fold, entry{hex(f[0]), seq(f[2])})
		}
	}
	conf, confHeader := g.confusables(confPath)

	fmt.Fprintf(&out, "# polis name data, version 1 (see docs/events.md, \"Member names\").\n")
	fmt.Fprintf(&out, "# Unicode 15.0.0 character database; UTS #39 confusables %s.\n", confHeader)
	fmt.Fprintf(&out, "# Repertoire: characters whose Age is %s or earlier. Generated by\n", repertoireAge)
	fmt.Fprintf(&out, "# state/names/internal/mkdata. Unicode data (c) Unicode, Inc., under the\n")
	fmt.Fprintf(&out, "# Unicode License (https://www.unicode.org/license.txt). Sources:\n")
	for _, s := range g.sources {
		fmt.Fprintf(&out, "#   %s\n", s)
	}

	ranges(&out, "gc", func(r rune) string {
		if !inRep[r] {
			return ""
		}
		return gc[r]
	})
	ranges(&out, "di", member(di))
	ranges(&out, "ep", member(ep))
	ranges(&out, "emod", member(emod))
	ranges(&out, "vs", member(vs))
	ranges(&out, "ccc", func(r rune) string {
		if ccc[r] == 0 {
			return ""
		}
		return strconv.Itoa(ccc[r])
	})
	var nfd []entry
	for r := range decomp {
		nfd = append(nfd, entry{r, full(r, decomp, ccc)})
	}
	table(&out, "nfd", nfd)
	table(&out, "fold", fold)
	table(&out, "conf", conf)
	if _, err := io.WriteString(os.Stdout, out.String()); err != nil {
		log.Fatal(err)
	}
}

func member(set map[rune]bool) func(rune) string {
	return func(r rune) string {
		if set[r] {
			return "1"
		}
		return ""
	}
}

// ranges writes runs of code points with one value: "kind FIRST..LAST value"
// (value omitted for flags, "..LAST" for single code points).
func ranges(w *strings.Builder, kind string, val func(rune) string) {
	emit := func(a, b rune, v string) {
		if v == "" {
			return
		}
		s := fmt.Sprintf("%04X", a)
		if b != a {
			s += fmt.Sprintf("..%04X", b)
		}
		if v == "1" && kind != "ccc" {
			fmt.Fprintf(w, "%s %s\n", kind, s)
		} else {
			fmt.Fprintf(w, "%s %s %s\n", kind, s, v)
		}
	}
	start, cur := rune(0), val(0)
	for r := rune(1); r <= 0x110000; r++ {
		v := ""
		if r <= 0x10FFFF {
			v = val(r)
		}
		if v != cur || r == 0x110000 {
			emit(start, r-1, cur)
			start, cur = r, v
		}
	}
}

// full is the complete canonical decomposition of r, canonically ordered.
func full(r rune, decomp map[rune][]rune, ccc map[rune]int) []rune {
	var out []rune
	var walk func(rune)
	walk = func(c rune) {
		if d, ok := decomp[c]; ok {
			for _, x := range d {
				walk(x)
			}
			return
		}
		out = append(out, c)
	}
	walk(r)
	// Stable sort of each run of non-starters by combining class.
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && ccc[out[j]] != 0 {
			j++
		}
		if j > i {
			run := out[i:j]
			sort.SliceStable(run, func(a, b int) bool { return ccc[run[a]] < ccc[run[b]] })
			i = j
		} else {
			i++
		}
	}
	return out
}

func table(w *strings.Builder, kind string, es []entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].r < es[j].r })
	for i, e := range es {
		if i > 0 && es[i-1].r == e.r {
			log.Fatalf("mkdata: %s %04X twice", kind, e.r)
		}
		fmt.Fprintf(w, "%s %04X", kind, e.r)
		for _, r := range e.seq {
			fmt.Fprintf(w, " %04X", r)
		}
		w.WriteByte('\n')
	}
}

// confusables reads the map literal of mtibben/confusables' tables.go and
// the version and date lines of the confusables.txt header it quotes.
func (g *gen) confusables(path string) ([]entry, string) {
	lines := g.read(path)
	src := strings.Join(lines, "\n")
	var version, date string
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "// Version: "); ok {
			version = v
		}
		if d, ok := strings.CutPrefix(l, "// Date: "); ok {
			date = d
		}
	}
	if version != "13.0.0" {
		log.Fatalf("mkdata: confusables version %q, want 13.0.0", version)
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		log.Fatal(err)
	}
	var out []entry
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		k, ok1 := kv.Key.(*ast.BasicLit)
		v, ok2 := kv.Value.(*ast.BasicLit)
		if !ok1 || !ok2 {
			log.Fatal("mkdata: unexpected map entry in confusables table")
		}
		r, err := strconv.ParseUint(k.Value, 0, 32)
		if err != nil {
			log.Fatal(err)
		}
		s, err := strconv.Unquote(v.Value)
		if err != nil {
			log.Fatal(err)
		}
		out = append(out, entry{rune(r), []rune(s)})
		return false
	})
	if len(out) < 6000 {
		log.Fatalf("mkdata: only %d confusables", len(out))
	}
	return out, fmt.Sprintf("%s (confusables.txt of %s)", version, date)
}

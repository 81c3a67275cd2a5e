package names

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The rule reads no Unicode tables but the pinned ones: the package may not
// import the toolchain's unicode tables or x/text, nor call the strings
// functions that consult them. (unicode/utf8 is only the UTF-8 encoding,
// which is fixed.)
func TestNoToolchainUnicodeTables(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	banned := map[string]bool{"ToLower": true, "ToUpper": true, "ToTitle": true, "Title": true,
		"EqualFold": true, "TrimSpace": true, "Fields": true, "FieldsFunc": true, "TrimFunc": true,
		"IndexFunc": true, "ContainsFunc": true, "Map": true}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p == "unicode" || p == "unicode/utf16" || strings.HasPrefix(p, "golang.org/x/text") {
				t.Errorf("%s imports %s", name, p)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "strings" && banned[sel.Sel.Name] {
					t.Errorf("%s calls strings.%s, which reads the toolchain's Unicode tables", name, sel.Sel.Name)
				}
			}
			return true
		})
	}
	if checked < 3 {
		t.Fatalf("checked only %d files", checked)
	}
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

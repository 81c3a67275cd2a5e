// Package srcguard lets a test prove that a package's own (non-test) Go
// files do not reach toolchain data Apply must not depend on: the
// toolchain's Unicode tables, x/text's, the system's zoneinfo.
package srcguard

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Rules name what is banned: import paths (a path ending in "/..." bans
// everything under it) and package.Function calls such as
// "strings.ToLower".
type Rules struct {
	Imports []string
	Calls   []string
}

// Check fails t for each banned import or call in the non-test Go files of
// dir, and if dir holds fewer than minFiles of them (a guard that reads
// nothing proves nothing).
func Check(t testing.TB, dir string, minFiles int, r Rules) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]bool{}
	for _, c := range r.Calls {
		calls[c] = true
	}
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
			for _, b := range r.Imports {
				if p == b || strings.HasSuffix(b, "/...") && strings.HasPrefix(p, strings.TrimSuffix(b, "...")) {
					t.Errorf("%s imports %s", name, p)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && calls[id.Name+"."+sel.Sel.Name] {
					t.Errorf("%s calls %s.%s", name, id.Name, sel.Sel.Name)
				}
			}
			return true
		})
	}
	if checked < minFiles {
		t.Fatalf("checked only %d files in %s", checked, dir)
	}
}

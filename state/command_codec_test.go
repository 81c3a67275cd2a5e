package state

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/quick"
)

// Every command the package defines travels: a replicated hub that could
// not carry one would refuse members something a single hub allows.
func TestEveryCommandIsRegistered(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "Decide" {
				continue
			}
			id, ok := fd.Recv.List[0].Type.(*ast.Ident)
			if !ok || !id.IsExported() || id.Name == "Relayed" { // built by engines, never sent
				continue
			}
			if _, ok := commandTypes[id.Name]; !ok {
				t.Errorf("%s: command %s is not registered in command_codec.go", f, id.Name)
			}
		}
	}
}

// Any value of any command comes back equal: what the receiving node
// meant is what every node decides.
func TestCommandsRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for name, typ := range commandTypes {
		if hasUnexported(typ) {
			continue // SaveDraft: below
		}
		for range 50 {
			v, ok := quick.Value(typ, rnd)
			if !ok {
				t.Fatalf("%s: cannot generate", name)
			}
			c := v.Interface().(Command)
			n, body, err := EncodeCommand(c)
			if err != nil || n != name {
				t.Fatalf("%s: encode: %q %v", name, n, err)
			}
			back, err := DecodeCommand(n, body)
			if err != nil {
				t.Fatalf("%s: decode %s: %v", name, body, err)
			}
			if !reflect.DeepEqual(normal(back), normal(c)) {
				t.Fatalf("%s: %#v came back as %#v", name, c, back)
			}
		}
	}
	var n uint64
	c := SaveDraft{Proposal: NewProposal{Title: "t"}, saved: &n}
	name, body, err := EncodeCommand(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeCommand(name, body)
	if err != nil || back.(SaveDraft).Proposal.Title != "t" || back.(SaveDraft).saved != nil {
		t.Fatalf("SaveDraft: %#v, %v", back, err)
	}
}

// normal makes empty and nil slices and maps alike, as JSON does.
func normal(c Command) string {
	_, b, _ := EncodeCommand(c)
	return strings.ReplaceAll(strings.ReplaceAll(string(b), "[]", "null"), "{}", "null")
}

func hasUnexported(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

func TestDecodeCommandRefuses(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"Nope", `{}`, `unknown command "Nope"`},
		{"CastVote", `{"ID":1,"Extra":2}`, "unknown field"},
		{"CastVote", `{"ID":1} {}`, "trailing data"},
		{"CastVote", `{"ID":"x"}`, "cannot unmarshal"},
		{"CastVote", `nonsense`, "invalid character"},
	} {
		_, err := DecodeCommand(c.name, []byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want %q", c.name, c.body, err, c.want)
		}
	}
	if _, _, err := EncodeCommand(nil); err == nil {
		t.Error("nil command encoded")
	}
}

package state

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The byte layout of every event body and every JSON state value is what
// encoding/json makes of a Go struct. docs/events.md must state it without
// Go, so these functions render it as Markdown from the structs
// themselves, and a test keeps the generated parts of that page current.
// A field order, a rename or an omitempty cannot change without the page.

// specEventTable renders one row per event type: its fields in order.
func specEventTable() string {
	var b strings.Builder
	b.WriteString("| type | `data` fields, in order |\n|---|---|\n")
	for _, typ := range EventTypes() {
		t := reflect.TypeOf(bodyTypes[typ]()).Elem()
		fmt.Fprintf(&b, "| `%s` | %s |\n", typ, fieldList(t))
	}
	return b.String()
}

// specKeyspaceTable renders the keyspace: key pattern, value, meaning.
func specKeyspaceTable() string {
	var b strings.Builder
	b.WriteString("| key | value | holds |\n|---|---|---|\n")
	for _, f := range Keyspace {
		var v string
		switch f.Form {
		case FormJSON:
			v = "object " + objName(f.Type)
		case FormDecimal:
			v = "decimal"
		case FormEmpty:
			v = "empty"
		case FormWord:
			v = "`" + strings.Join(f.Words, "` or `") + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Pattern, v, f.Doc)
	}
	b.WriteString("\nIn patterns:\n\n")
	for _, p := range keyParts {
		fmt.Fprintf(&b, "- `%s`: %s\n", p.name, p.doc)
	}
	return b.String()
}

// specObjectTable renders every object (struct) an event body or a state
// value holds, by name, with its fields in order.
func specObjectTable() string {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for _, f := range jsonFields(t) {
			walk(f.typ)
		}
	}
	for _, typ := range EventTypes() {
		t := reflect.TypeOf(bodyTypes[typ]()).Elem()
		for _, f := range jsonFields(t) {
			walk(f.typ)
		}
	}
	for _, f := range Keyspace {
		if f.Type != nil {
			walk(f.Type)
		}
	}
	objs := make([]reflect.Type, 0, len(seen))
	for t := range seen {
		objs = append(objs, t)
	}
	slices.SortFunc(objs, func(a, b reflect.Type) int { return strings.Compare(objName(a), objName(b)) })
	var b strings.Builder
	b.WriteString("| object | fields, in order |\n|---|---|\n")
	for _, t := range objs {
		fmt.Fprintf(&b, "| %s | %s |\n", objName(t), fieldList(t))
	}
	return b.String()
}

type jsonField struct {
	name      string
	typ       reflect.Type
	omitEmpty bool
}

// jsonFields lists the fields encoding/json writes for t, in order. The
// structs polis encodes embed nothing, so no promotion rules apply.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		out = append(out, jsonField{name: name, typ: sf.Type, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")})
	}
	return out
}

func fieldList(t reflect.Type) string {
	fs := jsonFields(t)
	if len(fs) == 0 {
		return "(none: `{}`)"
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		s := fmt.Sprintf("`%s` %s", f.name, typeWords(f.typ))
		if f.omitEmpty {
			s += " (omitted when " + zeroWords(f.typ) + ")"
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

func typeWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "unsigned integer"
	case reflect.Slice:
		return "list of " + typeWords(t.Elem())
	case reflect.Pointer:
		return typeWords(t.Elem()) + " or null"
	case reflect.Struct:
		return "object " + objName(t)
	}
	panic("state: no spec words for " + t.String())
}

func zeroWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return `""`
	case reflect.Bool:
		return "false"
	case reflect.Slice:
		return "empty"
	case reflect.Pointer:
		return "null"
	}
	return "0"
}

// objName is how the page names a struct: its Go name, which the page
// uses only as a label.
func objName(t reflect.Type) string {
	if t.PkgPath() != "" && !strings.HasSuffix(t.PkgPath(), "/state") {
		return t.Name() + " (" + t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + ")"
	}
	return t.Name()
}

var updateSpec = flag.Bool("update-spec", false, "rewrite the generated tables of docs/events.md")

// TestSpecTablesCurrent: the generated parts of docs/events.md are what
// the structs say now.
func TestSpecTablesCurrent(t *testing.T) {
	const path = "../docs/events.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, part := range []struct{ name, body string }{
		{"event-fields", specEventTable()},
		{"objects", specObjectTable()},
		{"keyspace", specKeyspaceTable()},
	} {
		begin, end := "<!-- generated: "+part.name+" -->\n", "<!-- end: "+part.name+" -->\n"
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("docs/events.md lacks the markers %q ... %q", strings.TrimSpace(begin), strings.TrimSpace(end))
		}
		i += len(begin)
		if doc[i:j] == part.body {
			continue
		}
		if !*updateSpec {
			t.Errorf("docs/events.md: the %s table is not what the code says; run go test ./state -run TestSpecTablesCurrent -update-spec and read the diff", part.name)
			continue
		}
		doc = doc[:i] + part.body + doc[j:]
	}
	if *updateSpec {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

package names

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.txt")

// vectorInputs are the conformance cases an independent implementation
// checks itself against (testdata/vectors.txt).
var vectorInputs = []string{
	"Alice", "alice", "ALICE", "\u0430lice", "bob", "b0b", "B0B", "aIice", "a1ice", "Bill", "BiII", "Ian", "lan",
	"O'Brien", "O\u2019Brien", "José", "Jose\u0301", "Straße", "STRASSE", "\u212Aelvin", "\u0130lkay",
	"Nguyễn Thị Ánh", "张伟", "山田 太郎", "김민준", "محمد", "देवनागरी", "ශ්\u200Dරී", "Ελένη", "ΕΛΈΝΗ",
	"ꭰ", "Ꭰ", "Ana 🌻", "👩🏽\u200D💻 Dev", "❤\uFE0F Ana", "1\uFE0F\u20E3 Ann", "7",
	"\u3164", "alice\u3164", "\u115F", "\u1160", "\uFFA0", "\u2800", "\u200D", "al\u200Dice",
	"a\u0300\u0301\u0302\u0303\u0304", "a\u0300\u0301\u0302\u0303", "\u0301a", "🦊", " a", "a  b",
	"a\u00A0b", "\uA7CB", "\uA7C0", "a\uFE0F", "a\U000E0041", "a\uFFFD", "a\uE000", "a\u202Eb",
}

func runes(s string) string {
	var f []string
	for _, r := range s {
		f = append(f, fmt.Sprintf("%04X", r))
	}
	return strings.Join(f, " ")
}

func TestVectors(t *testing.T) {
	var b strings.Builder
	b.WriteString("# polis name rule, data version 1: conformance vectors (docs/events.md, \"Member names\").\n")
	b.WriteString("# input code points | accepted by the rule | keys, each as code points, separated by \" / \"\n")
	for _, in := range vectorInputs {
		verdict := "ok"
		if Check(in) != nil {
			verdict = "refused"
		}
		var keys []string
		for _, k := range Keys(in) {
			keys = append(keys, runes(k))
		}
		fmt.Fprintf(&b, "%s | %s | %s\n", runes(in), verdict, strings.Join(keys, " / "))
	}
	const path = "testdata/vectors.txt"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != b.String() {
		t.Fatalf("vectors differ from %s (run with -update after a deliberate data change):\n%s", path, b.String())
	}
}

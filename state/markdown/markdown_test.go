package markdown

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"pgregory.net/rapid"
)

// bomb is the body of issue #16: 220 bytes that cost glamour 34 s and
// 5.7 GB of allocation at 80 columns.
var bomb = strings.Repeat("> - ", 55)

func TestBombIsRefused(t *testing.T) {
	err := Check("body", bomb)
	if err == nil || err.Error() != "body nests at least 64 levels deep (block quotes and lists; at most 8)" {
		t.Fatalf("Check(bomb) = %v", err)
	}
}

// HeavyBodies are legal at the limits: what a member may write, and what
// the renderer must draw within its deadline.
func TestHeavyButLegal(t *testing.T) {
	for name, src := range map[string]string{
		"5000 headings": strings.Repeat("# h\n", 5000),
		"18 KB yaml":    "```yaml\n" + strings.Repeat("k: '''a\n", 2250) + "```\n",
		"depth 8":       strings.Repeat("> - ", 4) + strings.Repeat("word ", 3000),
		"outline":       "> 1. a\n>    - b\n>      > c\n>      > - d\n>      >   1. e\n>      >      - f\n>      >        > g\n",
		"plain prose":   strings.Repeat("Some words that wrap over the line. ", 500),
		"code indent":   "    " + strings.Repeat(" ", 400) + "x\n",
	} {
		if err := Check("body", src); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if s := Measure("> 1. a\n>    - b\n>      > c\n>      > - d\n>      >   1. e\n>      >      - f\n>      >        > g\n"); s.Depth != 8 {
		t.Errorf("outline depth %d, want 8", s.Depth)
	}
	if s := Measure(strings.Repeat("# h\n", 5000)); s.Blocks != 5000 {
		t.Errorf("headings: %d blocks, want 5000", s.Blocks)
	}
}

func TestLimits(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"nine levels", strings.Repeat("> ", 5) + strings.Repeat("- ", 4) + "x",
			"statement nests 9 levels deep (block quotes and lists; at most 8)"},
		{"nested by indentation", "- a\n  - b\n    - c\n      - d\n        - e\n          - f\n            - g\n              - h\n                - i\n",
			"statement nests 9 levels deep (block quotes and lists; at most 8)"},
		{"too many blocks", strings.Repeat("- w\n", 2500),
			"statement has at least 5001 blocks (paragraphs, headings, list items, table cells; at most 5000)"},
		{"one line opens 300", strings.Repeat(">", 300) + "x",
			"statement nests at least 64 levels deep (block quotes and lists; at most 8)"},
		{"table cells count", "|" + strings.Repeat("a|", 100) + "\n|" + strings.Repeat("-|", 100) + "\n" + strings.Repeat("|"+strings.Repeat("b|", 100)+"\n", 50),
			"statement has 5152 blocks (paragraphs, headings, list items, table cells; at most 5000)"},
	}
	for _, c := range cases {
		err := Check("statement", c.src)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// Counting must not change what the parser finds: on texts within the
// limits the counted parse and goldmark's own agree on every shape.
func TestCountingChangesNothing(t *testing.T) {
	plain := parser.NewParser(
		parser.WithBlockParsers(append(parser.DefaultBlockParsers(),
			util.Prioritized(extension.NewDefinitionListParser(), 101),
			util.Prioritized(extension.NewDefinitionDescriptionParser(), 102))...),
		parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(),
			util.Prioritized(extension.NewTableParagraphTransformer(), 200))...),
	)
	dump := func(p parser.Parser, src string) string {
		var b strings.Builder
		doc := p.Parse(text.NewReader([]byte(src)))
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering {
				b.WriteString(n.Kind().String() + "(")
			} else {
				b.WriteString(")")
			}
			return ast.WalkContinue, nil
		})
		return b.String()
	}
	tokens := []string{"> ", ">", "- ", "* ", "+ ", "1. ", "12) ", "  ", "   ", "    ", "\t", "x", "word ", "```", "~~~", "---", "| a |", "|---|", ": d", "\n", "\n\n", "-\n", "1.\n"}
	rapid.Check(t, func(t *rapid.T) {
		src := strings.Join(rapid.SliceOfN(rapid.SampledFrom(tokens), 0, 80).Draw(t, "parts"), "")
		if got, want := dump(blockParser, src), dump(plain, src); got != want {
			t.Fatalf("counted parse of %q:\n%s\nplain:\n%s", src, got, want)
		}
	})
}

// Past the limits the parse stops early, and says the text is at least
// that deep or long.
func TestFarPastTheLimitsStopsEarly(t *testing.T) {
	cases := []struct{ src, want string }{
		{strings.Repeat("> - ", 5000), "body nests at least 64 levels deep (block quotes and lists; at most 8)"},
		{strings.Repeat("- w\n", 5000), "body has at least 5001 blocks (paragraphs, headings, list items, table cells; at most 5000)"},
	}
	for _, c := range cases {
		if err := Check("body", c.src); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// The check runs inside the sequencer, so it must not parse far past the
// limits: the worst shapes for goldmark's block parser, at the longest
// length a field takes, stop early (parsed whole, "deep lines" alone makes
// over 10,000 allocations) and inline markup is never parsed.
func TestCheckIsCheap(t *testing.T) {
	for name, src := range map[string]string{
		"one deep line":  strings.Repeat("> - ", 5000),
		"deep lines":     strings.Repeat(strings.Repeat("> - ", 64)+"a\n", 78),
		"indented chain": indentChain(140),
		"brackets":       strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		"open links":     strings.Repeat("[a](", 5000),
	} {
		allocs := testing.AllocsPerRun(3, func() { _ = Check("body", src) })
		if allocs > 2000 {
			t.Errorf("%s: %.0f allocations per check", name, allocs)
		}
	}
}

func indentChain(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat("  ", i) + "- x\n")
	}
	return b.String()
}

func BenchmarkCheck(b *testing.B) {
	for name, src := range map[string]string{
		"bomb":        bomb,
		"deepline":    strings.Repeat("> - ", 5000),
		"headings":    strings.Repeat("# h\n", 5000),
		"prose20k":    strings.Repeat("Some words that wrap over the line. ", 555),
		"deeplines":   strings.Repeat(strings.Repeat("> - ", 64)+"a\n", 78),
		"indentchain": indentChain(140),
		"dashlines":   strings.Repeat(strings.Repeat("- ", 16)+"a\n", 600),
		"lazy":        strings.Repeat("> ", 200) + "a\n" + strings.Repeat("b\n", 9000),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Check("body", src)
			}
		})
	}
}

// Package markdown bounds the shape of member-written Markdown, so that no
// text the log accepts can make a reader's screen do unbounded work.
//
// The app renders proposal bodies and the charter with glamour, and its
// cost is not linear in the text: every block quote or list level re-wraps
// and re-pads everything inside it, so a 220-byte body of `> - ` repeated
// 55 times cost 34 s of CPU and 5.7 GB of allocation to draw once. What
// grows it is how deep blocks nest and how many blocks there are; inline
// markup (emphasis, links, code spans) stays cheap once those are bounded.
// (The renderer in tui removes the other costs: syntax highlighting and
// heading IDs.) So the rule is about blocks only, and is checked with
// goldmark's block parser alone (the parser glamour uses, with the same GFM
// tables and definition lists), which stops as soon as a text is past the
// limits, so the check stays cheap enough to run inside the sequencer.
//
// Check is a command rule: the Decide of every command that accepts
// Markdown calls it. It is not a rule of the log (Apply never calls it), so
// a log written before it existed still verifies; readers of such a log
// rely on the app's renderer, which calls Check itself before formatting
// and shows text that fails it as plain text.
package markdown

import (
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

const (
	// MaxDepth bounds how many block quotes and lists may sit inside one
	// another. Prose rarely goes past three; eight leaves room for a quoted
	// outline. Past the width of the screen the cost grows exponentially.
	MaxDepth = 8
	// MaxBlocks bounds the blocks (paragraphs, headings, list items, table
	// cells, code blocks...) below the document. Each one costs the
	// renderer at least a padded line at every nesting level above it.
	MaxBlocks = 5000
	// stopDepth is where the parse stops measuring depth: well above
	// MaxDepth, and low enough that goldmark's block parser, quadratic in
	// the containers that stay open from line to line, stays cheap.
	stopDepth = 64
)

// Shape is what Check measures of a text.
type Shape struct {
	Depth  int  // deepest nesting of block quotes and lists
	Blocks int  // block nodes below the document
	Cut    bool // the parse stopped early: the text is deeper or longer still
}

// blockParser is goldmark's block parser with the block-level parts of the
// extensions glamour enables (GFM tables, definition lists) and no inline
// parsers: inline markup does not change the block shape, and skipping it
// keeps the check linear. Every block parser is wrapped to count what it
// opens, so a text far beyond the limits is not parsed to its end. A
// goldmark parser is safe for concurrent use.
var blockParser = parser.NewParser(
	parser.WithBlockParsers(counted(append(parser.DefaultBlockParsers(),
		util.Prioritized(extension.NewDefinitionListParser(), 101),
		util.Prioritized(extension.NewDefinitionDescriptionParser(), 102),
	))...),
	parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(),
		util.Prioritized(extension.NewTableParagraphTransformer(), 200),
	)...),
)

var shapeKey = parser.NewContextKey()

// Measure returns the block shape of src.
func Measure(src string) Shape {
	pc := parser.NewContext()
	var seen Shape
	pc.Set(shapeKey, &seen)
	doc := blockParser.Parse(text.NewReader([]byte(src)), parser.WithContext(pc))
	// Table cells come from a paragraph as it closes, not from a block
	// parser, so the shape is counted again on the finished tree.
	s := Shape{Cut: seen.Cut}
	depth := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() != ast.TypeBlock || n.Kind() == ast.KindDocument {
			return ast.WalkContinue, nil
		}
		nests := isContainer(n)
		if !entering {
			if nests {
				depth--
			}
			return ast.WalkContinue, nil
		}
		s.Blocks++
		if nests {
			depth++
			s.Depth = max(s.Depth, depth)
		}
		return ast.WalkContinue, nil
	})
	return s
}

// isContainer reports the blocks whose every level indents what they hold.
// A list item belongs to its list's level.
func isContainer(n ast.Node) bool {
	switch n.Kind() {
	case ast.KindBlockquote, ast.KindList, extast.KindDefinitionList:
		return true
	}
	return false
}

// Check refuses Markdown whose shape is beyond the limits, with one line
// that names the field, e.g. "body nests 110 levels deep (block quotes and
// lists; at most 8)".
func Check(field, src string) error {
	s := Measure(src)
	more := ""
	if s.Cut {
		more = "at least "
	}
	if s.Depth > MaxDepth {
		return fmt.Errorf("%s nests %s%d levels deep (block quotes and lists; at most %d)", field, more, s.Depth, MaxDepth)
	}
	if s.Blocks > MaxBlocks {
		return fmt.Errorf("%s has %s%d blocks (paragraphs, headings, list items, table cells; at most %d)", field, more, s.Blocks, MaxBlocks)
	}
	return nil
}

// counting is a block parser that tallies the blocks it opens in the
// parse's Shape and, once the text is past the limits, skips the rest of
// it: nothing after that point can make it acceptable again.
type counting struct{ parser.BlockParser }

func counted(ps []util.PrioritizedValue) []util.PrioritizedValue {
	out := make([]util.PrioritizedValue, len(ps))
	for i, p := range ps {
		out[i] = util.Prioritized(counting{p.Value.(parser.BlockParser)}, p.Priority)
	}
	return out
}

func (c counting) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	s, ok := pc.Get(shapeKey).(*Shape)
	if !ok {
		return c.BlockParser.Open(parent, reader, pc)
	}
	if s.Cut {
		skipRest(reader)
		return nil, parser.NoChildren
	}
	n, state := c.BlockParser.Open(parent, reader, pc)
	if n == nil {
		return n, state
	}
	s.Blocks++
	if isContainer(n) {
		d := 1
		for p := parent; p != nil; p = p.Parent() {
			if isContainer(p) {
				d++
			}
		}
		s.Depth = max(s.Depth, d)
	}
	if s.Blocks > MaxBlocks || s.Depth >= stopDepth {
		s.Cut = true
		skipRest(reader)
	}
	return n, state
}

// skipRest moves the reader past the end of the text, which ends the parse.
func skipRest(reader text.Reader) {
	for {
		if line, _ := reader.PeekLine(); line == nil {
			return
		}
		reader.AdvanceLine()
	}
}

package tui

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	mdcheck "github.com/polis-hub/polis/state/markdown"
)

// This file turns one member's Markdown into terminal text with glamour's
// ANSI renderer, bounded. glamour.TermRenderer is not used as is, because
// three of its defaults made legal text expensive (measured in
// docs/perf.md):
//
//   - it generates heading IDs, and goldmark makes each repeated one unique
//     by trying "-1", "-2", ... in turn: quadratic, 5 s for 5,000 "# h";
//   - it highlights fenced code with chroma, whose regexp lexers backtrack
//     for seconds on some inputs (an 18 KB perl or yaml fence: 11-17 s), so
//     code is drawn in the style's plain code colour instead;
//   - its styles colour the document's text, which makes every padding cell
//     of every line an escape sequence: ten times the output and the
//     allocation, and the exponential part of the nesting bomb. The app
//     sets the terminal's foreground to the theme's text colour anyway.
//
// The goldmark pipeline is otherwise glamour's (GFM, definition lists), and
// every node the renderer visits first checks the context, so a render
// that runs past its deadline, or that nobody waits for any more, stops at
// the next node instead of running on.

// errTooHeavy reports text the renderer will not format.
var errTooHeavy = errors.New("too heavy to format")

// glamourStyles are the standard styles, adjusted as above, by name.
var glamourStyles = func() map[string]ansi.StyleConfig {
	out := map[string]ansi.StyleConfig{}
	for _, name := range []string{styles.DarkStyle, styles.LightStyle, styles.NoTTYStyle} {
		s := *styles.DefaultStyles[name]
		s.Document.Color = nil
		s.CodeBlock.Chroma = nil
		s.CodeBlock.Theme = ""
		out[name] = s
	}
	return out
}()

// renderGlamour formats body (already sanitised) at width cells in style.
// Text beyond state/markdown's bounds, which only an old log can hold, is
// refused before glamour sees it.
func renderGlamour(ctx context.Context, body string, width int, style string) (string, error) {
	if err := mdcheck.Check("text", body); err != nil {
		return "", errTooHeavy
	}
	st, ok := glamourStyles[style]
	if !ok {
		st = glamourStyles[styles.NoTTYStyle]
	}
	ar := ansi.NewRenderer(ansi.Options{WordWrap: width, Styles: st})
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList))
	// Set after the extensions, which add their HTML renderers to
	// whatever renderer is there when they are applied.
	md.SetRenderer(renderer.NewRenderer(renderer.WithNodeRenderers(
		util.Prioritized(cancellable{ar, ctx}, 1000))))
	var b bytes.Buffer
	if err := md.Convert([]byte(body), &b); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", err
	}
	return tidy(b.String()), nil
}

// cancellable registers glamour's node renderers behind a check of ctx.
type cancellable struct {
	inner renderer.NodeRenderer
	ctx   context.Context
}

func (c cancellable) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	c.inner.RegisterFuncs(checkedRegisterer{reg, c.ctx})
}

type checkedRegisterer struct {
	reg renderer.NodeRendererFuncRegisterer
	ctx context.Context
}

func (c checkedRegisterer) Register(k ast.NodeKind, f renderer.NodeRendererFunc) {
	ctx := c.ctx
	c.reg.Register(k, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if err := ctx.Err(); err != nil {
			return ast.WalkStop, err
		}
		return f(w, src, n, entering)
	})
}

// oscRE matches OSC sequences (glamour writes OSC 8 hyperlinks for links
// and images). A member's URL must not become a clickable link whose text
// hides where it goes, so only glamour's own colours (SGR) survive.
var oscRE = regexp.MustCompile("\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)")

// tidy strips OSC sequences, the blank lines glamour puts around the
// document, and the spaces it pads every line with to the full width
// where nothing colours them: the screen pads lines anyway, and that
// padding was most of the bytes kept in the cache.
func tidy(out string) string {
	out = strings.Trim(oscRE.ReplaceAllString(out, ""), "\n")
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = trimPadding(l)
	}
	return strings.Join(lines, "\n")
}

// trimPadding drops trailing spaces written with no colour in effect: after
// the line's last escape sequence if that is a reset, or on a line with
// none.
func trimPadding(l string) string {
	t := strings.TrimRight(l, " ")
	if len(t) == len(l) {
		return l
	}
	esc := strings.LastIndex(t, "\x1b[")
	if esc < 0 || strings.HasPrefix(t[esc:], "\x1b[m") || strings.HasPrefix(t[esc:], "\x1b[0m") {
		return t
	}
	return l
}

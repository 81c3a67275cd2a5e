package tui

import (
	"regexp"
	"strings"

	"charm.land/glamour/v2"

	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/themes"
)

// oscRE matches OSC sequences (glamour writes OSC 8 hyperlinks for images
// and table links). A member's URL must not become a clickable link whose
// text hides where it goes, so only glamour's own colours (SGR) survive.
var oscRE = regexp.MustCompile("\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)")

type mdKey struct {
	body  string
	width int
	style string
}

// markdown renders member-written Markdown for reading. The text passes the
// sanitiser first, so whatever glamour makes of it, no escape sequence of
// the author's can reach the terminal. Renders are cached per body, width
// and palette: glamour is too slow to run on every frame.
type markdown struct {
	cache map[mdKey]string
}

func glamourStyle(t *themes.Theme) string {
	switch {
	case t.Mono:
		return "notty"
	case t.Name == "light":
		return "light"
	}
	return "dark"
}

func (m *markdown) render(t *themes.Theme, body string, width int) string {
	body = sanitize.Text(body)
	k := mdKey{body: body, width: width, style: glamourStyle(t)}
	if out, ok := m.cache[k]; ok {
		return out
	}
	out := ""
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(k.style), glamour.WithWordWrap(width))
	if err == nil {
		out, err = r.Render(body)
	}
	if err != nil {
		// Plain, wrapped text is always a safe way to show it.
		out = t.Text.Render(wrap(body, width))
	}
	out = strings.Trim(oscRE.ReplaceAllString(out, ""), "\n")
	if m.cache == nil || len(m.cache) > 64 {
		m.cache = map[mdKey]string{}
	}
	m.cache[k] = out
	return out
}

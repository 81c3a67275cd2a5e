package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/themes"
)

// fit makes s exactly h lines of at most w cells. Everything the app draws
// passes through it last, so no screen can overflow the terminal or panic on
// a 1x1 window, whatever it computed.
func fit(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// fitHeight makes s exactly h lines, like fit, for text whose lines are
// known to fit the width: measuring them again is most of fit's cost.
func fitHeight(s string, h int) string {
	if h <= 0 {
		return ""
	}
	n := strings.Count(s, "\n") + 1
	switch {
	case n < h:
		return s + strings.Repeat("\n", h-n)
	case n > h:
		cut := 0
		for range h {
			cut += strings.IndexByte(s[cut:], '\n') + 1
		}
		return s[:cut-1]
	}
	return s
}

// clip shortens plain or styled text to w cells with an ellipsis.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// line is member-written text made safe for one terminal line. Every name,
// title or note goes through it (or text) before it is styled.
func line(s string) string { return sanitize.Line(s) }

// text is member-written multi-line text made safe for the terminal.
func text(s string) string { return sanitize.Text(s) }

// wrap breaks plain text into lines of at most w cells.
func wrap(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Wrap(s, w, "")
}

func repeat(s string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(s, n)
}

// kv renders aligned label/value rows; values are already styled.
func kv(t *themes.Theme, rows [][2]string) string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, ansi.StringWidth(r[0]))
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = t.Label.Render(r[0]+repeat(" ", lw-ansi.StringWidth(r[0]))) + "  " + r[1]
	}
	return strings.Join(out, "\n")
}

// panel draws a titled box of outer size w x h (0: as big as its content).
func panel(t *themes.Theme, title, body string, w, h int) string {
	content := t.Heading.Render(title) + "\n" + body
	st := t.Panel
	// lipgloss v2 sizes include border and padding.
	if w > 0 {
		st = st.Width(max(w, 6))
	}
	if h > 0 {
		st = st.Height(h)
	}
	return st.Render(content)
}

// sideBySide joins blocks horizontally when they fit in w, else stacks them.
func sideBySide(w int, gap int, blocks ...string) string {
	total := 0
	for i, b := range blocks {
		total += lipgloss.Width(b)
		if i > 0 {
			total += gap
		}
	}
	if total <= w {
		parts := make([]string, 0, 2*len(blocks))
		for i, b := range blocks {
			if i > 0 {
				parts = append(parts, repeat(" ", gap))
			}
			parts = append(parts, b)
		}
		return lipgloss.JoinHorizontal(lipgloss.Top, parts...)
	}
	return strings.Join(blocks, "\n")
}

// indent shifts every line of s right by n spaces.
func indent(s string, n int) string {
	pad := repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// when shows a unix-ms event time as a UTC minute.
func when(ms int64) string {
	if ms == 0 {
		return "—"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC")
}

// sealed shows a checkpoint time (unix seconds).
func sealed(ms int64) string {
	if ms == 0 {
		return "—"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
}

// short abbreviates a hash for places where the full value does not fit.
func short(s string) string {
	s = line(s)
	if len(s) <= 12 {
		return s
	}
	return s[:12] + "…"
}

func roles(m state.Member) string {
	var rs []string
	for _, r := range m.Roles {
		if r != state.RoleMember {
			rs = append(rs, line(r))
		}
	}
	if len(rs) == 0 {
		return state.RoleMember
	}
	return strings.Join(rs, ", ")
}

func plural(n int, one, many string) string { return state.Plural(n, one, many) }

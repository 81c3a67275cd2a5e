package tui

import (
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// charterChanges is what changed from the version before c, as a line
// diff, for a member asked to consent to an amendment: they consented to
// the old text, so what they are asked about is the change. Empty for a
// first version or when the old one cannot be read.
func charterChanges(hub *state.Hub, c state.Charter) string {
	if c.Version < 2 || hub == nil {
		return ""
	}
	prev, ok, err := hub.Charter(c.Version - 1)
	if err != nil || !ok {
		return ""
	}
	// Both sides pass the sanitiser first: a diff prints member text.
	return udiff.Unified(fmt.Sprintf("v%d", prev.Version), fmt.Sprintf("v%d", c.Version), text(prev.Text)+"\n", text(c.Text)+"\n")
}

// diffView draws a unified diff w cells wide: additions and removals in
// their colours (and marks, for a colourless theme), the file headers left
// out.
func diffView(t *themes.Theme, diff string, w int) string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
			continue
		case strings.HasPrefix(l, "@@"):
			out = append(out, t.Muted.Render(clip("…", w)))
		case strings.HasPrefix(l, "+"):
			out = append(out, t.Good.Render(clip(l, w)))
		case strings.HasPrefix(l, "-"):
			out = append(out, t.Bad.Render(clip(l, w)))
		default:
			out = append(out, t.Subtle.Render(clip(l, w)))
		}
	}
	return strings.Join(out, "\n")
}

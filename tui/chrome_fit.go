package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// fitHints picks the key hints that fit in w cells, in the order given.
// help.Model cuts a line that is too long at the first hint that does not
// fit and marks it with an ellipsis, which hides the keys that matter most
// on a narrow screen (`… esc back …`). Here the hints that always stay
// are kept first (the key that shows all the others among them), then the
// rest in the screen's order, dropping whole hints that do not fit, never
// part of one.
func fitHints(bs []key.Binding, first []key.Binding, w int) []key.Binding {
	const sep = 3 // " • "
	width := func(b key.Binding) int {
		h := b.Help()
		return ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(h.Desc)
	}
	total, n := 0, 0
	for _, b := range bs {
		if b.Enabled() {
			total += width(b)
			n++
		}
	}
	if n == 0 || total+sep*(n-1) <= w {
		return bs
	}
	keep := make([]bool, len(bs))
	used := 0
	take := func(i int) {
		if keep[i] || !bs[i].Enabled() {
			return
		}
		add := width(bs[i])
		if used > 0 {
			add += sep
		}
		if used+add <= w {
			keep[i], used = true, used+add
		}
	}
	for _, f := range first {
		for i, b := range bs {
			if sameHint(b, f) {
				take(i)
			}
		}
	}
	for i := range bs {
		take(i)
	}
	out := make([]key.Binding, 0, len(bs))
	for i, b := range bs {
		if keep[i] {
			out = append(out, b)
		}
	}
	return out
}

func sameHint(a, b key.Binding) bool {
	return a.Help() == b.Help() && strings.Join(a.Keys(), " ") == strings.Join(b.Keys(), " ")
}

// msgCap is the most lines a status message takes above the bar before it
// is cut, unless the member asked to read it all (! key).
func msgCap(h int, all bool) int {
	if all {
		return max(h-chromeLines(1)-1, 1)
	}
	return max(min(h/4, 4), 1)
}

// wrapMessage breaks a status message that does not fit in the bar into
// lines of w cells, by words, at most max lines; a cut message says so and
// how to read the rest.
func wrapMessage(msg string, w, most int) []string {
	if w <= 0 || most <= 0 {
		return nil
	}
	lines := strings.Split(ansi.Wordwrap(msg, w, ""), "\n")
	for i, l := range lines {
		// A word longer than the line is broken where it must be.
		if ansi.StringWidth(l) > w {
			wrapped := strings.Split(ansi.Wrap(l, w, ""), "\n")
			lines = append(lines[:i], append(wrapped, lines[i+1:]...)...)
		}
	}
	if len(lines) <= most {
		return lines
	}
	const more = " … ! read all"
	lines = lines[:most]
	last := lines[most-1]
	if room := w - ansi.StringWidth(more); room > 0 {
		last = strings.TrimRight(ansi.Truncate(last, room, ""), " ") + more
	} else {
		last = ansi.Truncate(last, w-1, "") + "…"
	}
	lines[most-1] = last
	return lines
}

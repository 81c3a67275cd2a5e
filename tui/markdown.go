package tui

import (
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/themes"
)

// markdown is one place on a screen that shows member-written Markdown. It
// asks the process's renderer (see mdRenderer) and never waits for it:
// until the rendering arrives, and for good if the text is too heavy to
// format, it shows the text plain, sanitised and wrapped. The text passes
// the sanitiser before anything else sees it, so whatever glamour makes of
// it, no escape sequence of the author's can reach the terminal.
type markdown struct {
	slot *mdSlot
	seen uint64 // deliveries to slot when it last drew

	// The last body drawn, its key and its plain text: sessions draw the
	// same body again on every layout, and hashing 20 KB is not free.
	body     string
	key      mdKey
	plain    string
	plainFor mdPlainKey
}

type mdPlainKey struct {
	key   mdKey
	theme *themes.Theme
	heavy bool
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

// render returns body formatted for width cells if the renderer has it, and
// the plain text otherwise; c is the session's client.
func (m *markdown) render(c *mdClient, t *themes.Theme, body string, width int) string {
	body = sanitize.Text(body)
	if body != m.body || m.key == (mdKey{}) {
		m.body, m.key = body, keyFor(body, 0, "")
	}
	m.key.width, m.key.style = max(width, 1), glamourStyle(t)
	if c == nil {
		return m.plainText(t, false)
	}
	if m.slot == nil || m.slot.client != c {
		m.slot = &mdSlot{client: c}
	}
	out, state, got := c.r.get(m.slot, m.key, body)
	m.seen = got
	if state == mdReady {
		return out
	}
	return m.plainText(t, state == mdHeavy)
}

// stale reports that a rendering (or a refusal) for this place arrived
// since it last drew, so a screen that keeps its layout must lay out again.
func (m *markdown) stale() bool {
	if m.slot == nil {
		return false
	}
	c := m.slot.client
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	return m.slot.got != m.seen
}

func (m *markdown) plainText(t *themes.Theme, heavy bool) string {
	k := mdPlainKey{m.key, t, heavy}
	if m.plain != "" && m.plainFor == k {
		return m.plain
	}
	// Uncoloured, like glamour's text here: the screen's foreground is the
	// theme's text colour, and styling 20 KB line by line is what made a
	// resize cost most.
	w := m.key.width
	m.plain, m.plainFor = wrap(m.body, w), k
	if heavy {
		m.plain = t.Muted.Render(clip("(plain text: too heavy to format)", w)) + "\n\n" + m.plain
	}
	return m.plain
}

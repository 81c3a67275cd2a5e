package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/themes"
)

// chainTab shows the latest signed checkpoint and how to check it without
// trusting this server.
type chainTab struct {
	c     *common
	vp    viewport.Model
	w, h  int
	dirty bool
	keys  bindings
}

func newChainTab(c *common) *chainTab {
	vp := viewport.New()
	vp.MouseWheelEnabled = false
	return &chainTab{c: c, vp: vp, dirty: true, keys: bindings{
		bind([]string{"up", "k"}, "↑/k", "up"),
		bind([]string{"down", "j"}, "↓/j", "down"),
		bind([]string{"pgup", "b"}, "pgup", "page up"),
		bind([]string{"pgdown", "f", "space"}, "pgdn", "page down"),
		bind([]string{"home", "g"}, "g", "top"),
		bind([]string{"end", "G"}, "G", "bottom"),
	}}
}

func (c *chainTab) TabName() string           { return "Chain" }
func (c *chainTab) Capturing() bool           { return false }
func (c *chainTab) ShortHelp() []key.Binding  { return append(c.keys[:2:2], c.keys[5]) }
func (c *chainTab) FullHelp() [][]key.Binding { return c.keys.FullHelp() }

func (c *chainTab) SetSize(w, h int) {
	if w != c.w {
		c.dirty = true
	}
	c.w, c.h = w, h
	c.vp.SetWidth(w)
	c.vp.SetHeight(c.room())
}

// room is the viewport's height: one row less than the tab's when the
// text is longer than the screen, for the scroll mark.
func (c *chainTab) room() int {
	if c.h >= 3 && c.vp.TotalLineCount() > c.h {
		return c.h - 1
	}
	return c.h
}

// Refresh only marks the content stale; it is rebuilt when next drawn.
func (c *chainTab) Refresh() { c.dirty = true }

func (c *chainTab) sync() {
	if c.dirty {
		c.dirty = false
		c.vp.SetContent(c.content())
		c.vp.SetHeight(c.room())
	}
}

func (c *chainTab) Update(msg tea.Msg) tea.Cmd {
	c.sync()
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, c.keys[4]):
			c.vp.GotoTop()
			return nil
		case key.Matches(k, c.keys[5]):
			c.vp.GotoBottom()
			return nil
		}
	}
	var cmd tea.Cmd
	c.vp, cmd = c.vp.Update(msg)
	return cmd
}

func (c *chainTab) View() string {
	c.sync()
	if c.room() == c.h {
		return c.vp.View()
	}
	return c.vp.View() + "\n" + scrollMark(c.c.theme, c.vp.YOffset(), c.vp.VisibleLineCount(), c.vp.TotalLineCount(), c.w)
}

// scrollMark is the last row of a screen that scrolls: where the member is
// and which way there is more.
func scrollMark(t *themes.Theme, off, shown, total, w int) string {
	mark := fmt.Sprintf("lines %d-%d of %d", off+1, min(off+shown, total), total)
	switch {
	case off+shown < total:
		mark = "↓ more below (j, G) · " + mark
	case off > 0:
		mark = "↑ more above (k, g) · " + mark
	}
	return t.Muted.Render(clip(mark, w))
}

func (c *chainTab) content() string {
	t, s := c.c.theme, c.c.snap
	w := c.w
	var b strings.Builder
	b.WriteString(t.Heading.Render("Chain") + "  " +
		t.Muted.Render("every change is an event in a signed, hash-linked log") + "\n\n")
	if !s.hasHead {
		b.WriteString(t.Muted.Render("No checkpoint has been sealed yet; the first one comes within seconds of the first event.") + "\n")
		b.WriteString(kv(t, [][2]string{{"Events", t.Text.Render(fmt.Sprint(s.size))}}) + "\n")
	} else {
		h := s.head
		vw := max(w-12, 8)
		unsealed := t.Good.Render("all sealed")
		if n := int64(s.size) - h.Size; n > 0 {
			unsealed = t.Subtle.Render(plural(int(n), "event", "events") + " since, sealed with the next checkpoint")
		}
		b.WriteString(kv(t, [][2]string{
			{"Height", t.Text.Render(fmt.Sprint(h.Height))},
			{"Covers", t.Text.Render(plural(int(h.Size), "event", "events"))},
			{"Log", t.Text.Render(fmt.Sprint(s.size)) + "  " + unsealed},
			{"Sealed", t.Text.Render(sealed(h.Time))},
			{"Origin", t.Text.Render(clip(line(h.Origin), vw))},
			{"Root", t.Text.Render(clip(line(h.Root), vw))},
			{"State", t.Text.Render(clip(line(h.State), vw))},
			{"Previous", t.Text.Render(clip(line(h.Prev), vw))},
		}) + "\n")
	}
	replicated := len(s.cosigs) > 0 && s.cosigs[0].Validator
	if replicated {
		b.WriteString("\n" + t.Heading.Render("Validators") + "  " + t.Muted.Render("the stewards' nodes; a checkpoint counts once more than two thirds of them cosign it") + "\n")
	} else if len(s.cosigs) > 0 {
		b.WriteString("\n" + t.Heading.Render("Witnesses") + "  " + t.Muted.Render("other hubs that cosign each checkpoint if it extends the last") + "\n")
	}
	for _, ws := range s.cosigs {
		b.WriteString(witnessLine(t, ws, s.head.Height, w) + "\n")
	}
	b.WriteString("\n" + t.Heading.Render("Verify it yourself") + "\n")
	b.WriteString(t.Subtle.Render(wrap("Download the whole log and check every signature, every checkpoint and every state digest on your own machine:", min(w, 76))) + "\n")
	for _, cmd := range []string{c.c.sshCmd + " chain export > chain.polis", "polis verify --file chain.polis"} {
		b.WriteString("  " + t.Code.Render(" "+clip(cmd, max(w-4, 1))+" ") + "\n")
	}
	if s.verifier != "" && replicated {
		b.WriteString(t.Subtle.Render(wrap("The validators' cosignatures are what verify checks; the checkpoints' own key, derived from the chain for all nodes alike, proves nothing alone:", min(w, 76))) + "\n")
		b.WriteString("  " + t.Text.Render(clip(line(s.verifier), max(w-2, 1))) + "\n")
	} else if s.verifier != "" {
		b.WriteString(t.Subtle.Render("Checkpoints are signed by this hub's key:") + "\n")
		b.WriteString("  " + t.Text.Render(clip(line(s.verifier), max(w-2, 1))) + "\n")
	}
	b.WriteString("\n" + t.Heading.Render("Keep this head") + "\n")
	b.WriteString(t.Subtle.Render(wrap("A signed height means one thing forever. Save the head you see now; later, check that the hub's chain still extends it (it alarms if the hub ever shows another history):", min(w, 76))) + "\n")
	for _, cmd := range []string{c.c.sshCmd + " chain head > head.txt", "polis verify --file chain.polis --since head.txt"} {
		b.WriteString("  " + t.Code.Render(" "+clip(cmd, max(w-4, 1))+" ") + "\n")
	}
	if s.hasHead && s.head.Note != "" {
		b.WriteString("\n" + t.Heading.Render("Signed note") + "\n")
		for _, l := range strings.Split(strings.TrimRight(text(s.head.Note), "\n"), "\n") {
			b.WriteString("  " + t.Muted.Render(clip(l, max(w-2, 1))) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

package tui

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// Every heavy body renders, or is refused, with bounded allocation and
// output; the bomb never reaches glamour (it allocated 5.7 GB there).
func TestHeavyBodiesRenderBounded(t *testing.T) {
	limits, scale, widths := map[string]uint64{"bomb": 1 << 20}, uint64(1), []int{20, 80}
	if raceOn {
		scale, widths = 16, []int{80}
	}
	for _, h := range heavyBodies {
		for _, w := range widths {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			out, err := renderGlamour(context.Background(), h.body, w, "dark")
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			limit, ok := limits[h.name]
			if !ok {
				limit = 64 << 20
			}
			if alloc > limit*scale {
				t.Errorf("%s at %d: %d MB allocated", h.name, w, alloc>>20)
			}
			switch {
			case h.name == "bomb":
				if err != errTooHeavy {
					t.Errorf("bomb: err %v, want errTooHeavy", err)
				}
			case err != nil:
				t.Errorf("%s at %d: %v", h.name, w, err)
			case len(out) > defaultMarkdownConfig().maxOut:
				t.Errorf("%s at %d: %d bytes out", h.name, w, len(out))
			}
		}
	}
}

// What glamour makes of hostile text is inert: the sanitiser runs first,
// links lose their OSC 8 wrapping, and only colours survive.
func TestRenderedMarkdownIsInert(t *testing.T) {
	r := newMarkdownRenderer(defaultMarkdownConfig())
	c := r.client()
	var m markdown
	body := "# Rules " + evil + "\n\nBe kind, [mallory](http://x.example/" + evil + "). " + evil +
		"\n\n| a | b |\n|---|---|\n| [l](http://y.example) | ![i](http://z.example) |\n"
	for _, name := range []string{"dark", "light", "mono"} {
		th := themeNamed(name)
		if out := m.render(c, th, body, 60); strings.Contains(out, "Rules") == false {
			t.Fatalf("%s: no plain text while rendering:\n%s", name, out)
		}
		<-c.ready
		out := m.render(c, th, body, 60)
		assertInert(t, name, out)
		if strings.Contains(out, "\x1b]") || !strings.Contains(out, "http://y.example") {
			t.Fatalf("%s: links are not plain text:\n%q", name, out)
		}
	}
}

// gatedRender is a render that waits for its gate and counts itself, like
// glamour stuck on a heavy body; it answers its context only if told to.
type gatedRender struct {
	mu      sync.Mutex
	calls   []string
	started chan struct{}
	gate    chan struct{}
	cancels bool
}

func newGated(cancels bool) *gatedRender {
	return &gatedRender{started: make(chan struct{}, 100), gate: make(chan struct{}), cancels: cancels}
}

func (g *gatedRender) render(ctx context.Context, body string, width int, style string) (string, error) {
	g.mu.Lock()
	g.calls = append(g.calls, itoa(uint64(width)))
	g.mu.Unlock()
	g.started <- struct{}{}
	if g.cancels {
		select {
		case <-g.gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	} else {
		<-g.gate
	}
	return "RENDERED " + body, nil
}

// fakeDeadline lets a test fire the deadline of the render in flight.
type fakeDeadline struct {
	mu   sync.Mutex
	fire []func()
}

func (d *fakeDeadline) afterFunc(_ time.Duration, f func()) func() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fire = append(d.fire, f)
	return func() bool { return true }
}

func (d *fakeDeadline) expire(i int) {
	d.mu.Lock()
	f := d.fire[i]
	d.mu.Unlock()
	f()
}

func testRenderer(g *gatedRender, d *fakeDeadline, workers int) *mdRenderer {
	cfg := defaultMarkdownConfig()
	cfg.workers, cfg.render, cfg.afterFunc = workers, g.render, d.afterFunc
	return newMarkdownRenderer(cfg)
}

// Past the deadline the waiter keeps the plain text, and the body is never
// rendered again, at any width, for anyone.
func TestDeadlineFallsBackForGood(t *testing.T) {
	g, d := newGated(true), &fakeDeadline{}
	r := testRenderer(g, d, 2)
	th := themeNamed("dark")
	a, b := r.client(), r.client()
	var ma, mb markdown
	if out := ma.render(a, th, "**slow**", 40); !strings.Contains(out, "**slow**") {
		t.Fatalf("no plain text: %q", out)
	}
	<-g.started
	d.expire(0)
	<-a.ready
	if !ma.stale() {
		t.Fatal("the refusal did not reach the screen")
	}
	out := ma.render(a, th, "**slow**", 40)
	if !strings.Contains(out, "too heavy to format") || !strings.Contains(out, "**slow**") {
		t.Fatalf("after the deadline: %q", out)
	}
	for _, w := range []int{40, 41, 80} {
		if out := mb.render(b, th, "**slow**", w); !strings.Contains(out, "too heavy") {
			t.Fatalf("width %d: %q", w, out)
		}
	}
	if renders, _, _, _ := r.stats(); renders != 1 {
		t.Fatalf("%d renders of a body found too heavy", renders)
	}
}

// A resize storm queues one render per place on a screen, the latest
// width, and sessions asking for the same rendering share it.
func TestResizeStormCoalesces(t *testing.T) {
	g, d := newGated(false), &fakeDeadline{}
	r := testRenderer(g, d, 1)
	th := themeNamed("dark")
	a, b := r.client(), r.client()
	var ma, mb markdown
	ma.render(a, th, "body", 80)
	<-g.started // the only worker is stuck on width 80
	for w := 79; w >= 40; w-- {
		ma.render(a, th, "body", w)
	}
	mb.render(b, th, "body", 40)
	if renders, _, _, queued := r.stats(); renders != 1 || queued != 1 {
		t.Fatalf("after the storm: %d renders started, %d queued; want 1 and 1", renders, queued)
	}
	close(g.gate)
	<-a.ready
	<-b.ready
	if got := ma.render(a, th, "body", 40); got != "RENDERED body" {
		t.Fatalf("a: %q", got)
	}
	if got := mb.render(b, th, "body", 40); got != "RENDERED body" {
		t.Fatalf("b: %q", got)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if strings.Join(g.calls, " ") != "80 40" {
		t.Fatalf("rendered widths %v, want 80 then 40", g.calls)
	}
}

// The cache is one for every session, and bounded in bytes: the least
// recently used renderings go first.
func TestCacheIsSharedAndBounded(t *testing.T) {
	cfg := defaultMarkdownConfig()
	var calls int
	var mu sync.Mutex
	cfg.render = func(_ context.Context, body string, _ int, _ string) (string, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return strings.Repeat(body, 1000), nil // 1 KB a letter
	}
	cfg.cacheBytes = 10 * (1000 + 64)
	r := newMarkdownRenderer(cfg)
	th := themeNamed("dark")
	show := func(c *mdClient, m *markdown, body string) string {
		if out := m.render(c, th, body, 50); strings.HasPrefix(out, body+body) {
			return out
		}
		<-c.ready
		return m.render(c, th, body, 50)
	}
	a, b := r.client(), r.client()
	var ma, mb markdown
	show(a, &ma, "x")
	if out := mb.render(b, th, "x", 50); out != strings.Repeat("x", 1000) {
		t.Fatal("another session does not share the rendering")
	}
	for _, body := range strings.Split("abcdefghijklmnop", "") {
		show(a, &ma, body)
		if _, n, used, _ := r.stats(); used > cfg.cacheBytes || n > 10 {
			t.Fatalf("cache holds %d renderings, %d bytes (at most %d)", n, used, cfg.cacheBytes)
		}
	}
	before := calls
	show(b, &mb, "p") // recent: cached
	show(b, &mb, "x") // evicted long ago: rendered again
	if calls-before != 1 {
		t.Fatalf("%d renders for one recent and one evicted body, want 1", calls-before)
	}
}

// A session that ends stops the render only it waited for.
func TestClosedSessionStopsItsRender(t *testing.T) {
	g, d := newGated(true), &fakeDeadline{}
	r := testRenderer(g, d, 1)
	c := r.client()
	var m markdown
	m.render(c, themeNamed("dark"), "body", 60)
	<-g.started
	c.close()
	// The worker is free again: a new rendering goes through.
	c2 := r.client()
	var m2 markdown
	m2.render(c2, themeNamed("dark"), "other", 60)
	<-g.started
	close(g.gate)
	<-c2.ready
	if out := m2.render(c2, themeNamed("dark"), "other", 60); out != "RENDERED other" {
		t.Fatalf("after the close: %q", out)
	}
	if _, n, _, _ := r.stats(); n != 1 {
		t.Fatalf("%d renderings cached; the stopped one must not be", n)
	}
}

// A render stuck for good never holds up the session: keys keep working,
// the body shows as plain text meanwhile, and the rendering swaps in when
// it arrives, through the session's waiting command.
func TestAppRespondsWhileRenderIsStuck(t *testing.T) {
	f, alice, _ := withProposal(t)
	g, d := newGated(false), &fakeDeadline{}
	r := testRenderer(g, d, 1)
	a := New(f.hub, alice, WithSize(100, 30), pinned(propNow), withMarkdown(r)).(*App)
	wait := a.Init()
	defer a.Close()
	press(a, "2", "enter")
	mustContain(t, screen(a), "The shed is grey.", "Green would be nicer.")
	<-g.started // drawing the screen asked for the rendering
	for _, k := range []string{"down", "up", "1", "2", "esc", "enter", "?", "?"} {
		press(a, k)
	}
	mustContain(t, screen(a), "Paint the shed green", "The shed is grey.")
	if strings.Contains(screen(a), "RENDERED") {
		t.Fatal("rendered before the render finished")
	}
	close(g.gate)
	msg := wait()
	// A checkpoint sealed by the store's timer meanwhile wakes it first
	// (a slow run, the race detector): the rendering still comes.
	for i := 0; i < 10; i++ {
		if _, ok := msg.(changedMsg); !ok {
			break
		}
		msg = wait()
	}
	if _, ok := msg.(renderedMsg); !ok {
		t.Fatalf("the session woke with %T", msg)
	}
	m, _ := a.Update(msg)
	mustContain(t, screen(m), "RENDERED The shed is grey.")
}

// The charter prompt lays out again when its rendering arrives, with the
// real renderer.
func TestCharterSwapsInItsRendering(t *testing.T) {
	f, alice, _ := seeded(t)
	f.as(alice, state.SetCharter{Text: "# House rules\n\n- Be kind.\n- Pay your share."})
	r := newMarkdownRenderer(defaultMarkdownConfig())
	a := New(f.hub, alice, WithSize(90, 30), withMarkdown(r)).(*App)
	defer a.Close()
	press(a, "C")
	mustContain(t, screen(a), "- Be kind.") // plain text first
	<-a.c.md.ready
	a.Update(renderedMsg{})
	v := screen(a)
	mustContain(t, v, "• Be kind.", "House rules")
	if strings.Contains(v, "- Be kind.") || strings.Contains(v, "# House") {
		t.Fatalf("charter not rendered:\n%s", v)
	}
}

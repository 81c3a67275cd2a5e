package tui

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"

	"github.com/polis-hub/polis/state"
)

// heavyBodies are issue #16's bodies: the bomb (refused on submission, but
// an old log may hold it) and legal bodies that were slow to render.
var heavyBodies = []struct{ name, body string }{
	{"bomb", strings.Repeat("> - ", 55)},
	{"headings", strings.Repeat("# h\n", 5000)},
	{"yaml", "```yaml\nk: '" + strings.Repeat("''a", 6000) + "\n```\n"},
	{"perl", "```perl\nm/" + strings.Repeat("\\/a", 6000) + "\n```\n"},
	{"deep", strings.Repeat("> - ", 4) + strings.Repeat("word ", 3800)},
	{"deepblocks", strings.Repeat("> - > - > - > - x\n\n", 380)},
}

// BenchmarkMarkdownRender renders each heavy body once per width with the
// app's pipeline; POLIS_BENCH_GLAMOUR=1 adds glamour's own TermRenderer,
// as the app used it before (the bomb then takes some 30 s and 6 GB).
func BenchmarkMarkdownRender(b *testing.B) {
	old := os.Getenv("POLIS_BENCH_GLAMOUR") == "1"
	for _, h := range heavyBodies {
		for _, w := range []int{20, 80} {
			b.Run(h.name+"/"+itoa(uint64(w)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_, _ = renderGlamour(context.Background(), h.body, w, "dark")
				}
			})
			if old {
				b.Run(h.name+"/"+itoa(uint64(w))+"/glamour", func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						r, _ := glamour.NewTermRenderer(glamour.WithStandardStyle("dark"), glamour.WithWordWrap(w))
						_, _ = r.Render(h.body)
					}
				})
			}
		}
	}
}

// TestMarkdownFigures prints, for docs/perf.md, each heavy body's render
// time, allocation, output and the process's peak RSS at 80 columns
// (POLIS_MD_FIGURES=1). POLIS_MD_BODY=name renders that body alone, so the
// peak is its own; POLIS_MD_GLAMOUR=1 renders with glamour's TermRenderer
// as the app did before.
func TestMarkdownFigures(t *testing.T) {
	if os.Getenv("POLIS_MD_FIGURES") != "1" {
		t.Skip("set POLIS_MD_FIGURES=1 to print the figures")
	}
	render := func(body string) (string, error) { return renderGlamour(context.Background(), body, 80, "dark") }
	if os.Getenv("POLIS_MD_GLAMOUR") == "1" {
		render = func(body string) (string, error) {
			r, _ := glamour.NewTermRenderer(glamour.WithStandardStyle("dark"), glamour.WithWordWrap(80))
			return r.Render(body)
		}
	}
	only := os.Getenv("POLIS_MD_BODY")
	for _, h := range heavyBodies {
		if only != "" && h.name != only {
			continue
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		out, err := render(h.body)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		t.Logf("%-10s %6d B in: %8v, %7.1f MB allocated, %8d B out, err %v", h.name, len(h.body), took.Round(time.Millisecond),
			float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), len(out), err)
	}
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				t.Logf("peak RSS of this process: %s", strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")))
			}
		}
	}
}

// TestResizeStormFigures prints, for docs/perf.md, how long each of 8
// sessions takes to handle a resize and draw while a heavy body is open
// and 40 resizes each arrive back to back (POLIS_MD_FIGURES=1).
func TestResizeStormFigures(t *testing.T) {
	if os.Getenv("POLIS_MD_FIGURES") != "1" {
		t.Skip("set POLIS_MD_FIGURES=1 to print the figures")
	}
	f, alice, _ := seeded(t)
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Heavy", Body: strings.Repeat("# h\n", 5000), Method: state.MethodYesNo})
	r := newMarkdownRenderer(defaultMarkdownConfig())
	var apps []*App
	for range 8 {
		a := New(f.hub, alice, WithSize(100, 30), pinned(propNow), withMarkdown(r)).(*App)
		press(a, "2", "enter")
		a.View()
		apps = append(apps, a)
	}
	var took []time.Duration
	start := time.Now()
	for round := range 40 {
		for _, a := range apps {
			t0 := time.Now()
			a.Update(tea.WindowSizeMsg{Width: 60 + round, Height: 30})
			a.View()
			took = append(took, time.Since(t0))
		}
	}
	storm := time.Since(start)
	slices.Sort(took)
	renders, cached, bytes, queued := r.stats()
	t.Logf("8 sessions x 40 resizes in %v: update+draw p50 %v, p99 %v, max %v; renders started %d (queued %d), cached %d (%d KB)",
		storm.Round(time.Millisecond), took[len(took)/2].Round(time.Microsecond), took[len(took)*99/100].Round(time.Microsecond),
		took[len(took)-1].Round(time.Microsecond), renders, queued, cached, bytes>>10)
}

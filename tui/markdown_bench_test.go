package tui

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"charm.land/glamour/v2"
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
// time, allocation and output at 80 columns (POLIS_MD_FIGURES=1).
func TestMarkdownFigures(t *testing.T) {
	if os.Getenv("POLIS_MD_FIGURES") != "1" {
		t.Skip("set POLIS_MD_FIGURES=1 to print the figures")
	}
	for _, h := range heavyBodies {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		out, err := renderGlamour(context.Background(), h.body, 80, "dark")
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		t.Logf("%-10s %6d B in: %8v, %6.1f MB allocated, %7d B out, err %v", h.name, len(h.body), took.Round(time.Millisecond),
			float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), len(out), err)
	}
}

package web

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var update = flag.Bool("update", false, "write the README's screenshot, docs/public-page.png")

// browser finds a Chromium to drive, or "".
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// A real browser loads every page, at a phone's width and a desktop's:
// the census figures and the checkpoint are there to be found, nothing
// breaks the CSP, and each page is photographed (into t.TempDir(); with
// -update, the census at desktop width into docs/public-page.png).
func TestBrowser(t *testing.T) {
	exe := browser()
	if exe == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH: install one (apt-get install -y chromium) to run the browser test")
	}
	w := newWorld(t)
	ts := newSite(t, w, Options{DossierSigner: w.mem.Signer()})
	head, _ := w.hub.Head()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("headless", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	var mu sync.Mutex
	var complaints []string
	err := chromedp.Listen(ctx, func(ev any) {
		var text string
		switch e := ev.(type) {
		case *log.EventEntryAdded:
			text = e.Entry.Text
		case *runtime.EventExceptionThrown:
			text = e.ExceptionDetails.Text
		}
		if text != "" {
			mu.Lock()
			complaints = append(complaints, text)
			mu.Unlock()
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, log.Enable, cdp.Empty{})
	}
	if err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}

	dir := t.TempDir()
	for _, width := range []int64{390, 1280} {
		for _, p := range pages {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(ts.URL+p.path),
				chromedp.WaitVisible(chromedp.CSS("main h1")),
			)
			if err != nil {
				t.Fatalf("%s at %dpx: %v", p.path, width, err)
			}
			title := run(t, ctx, chromedp.Title())
			checkpoint := run(t, ctx, chromedp.Text(chromedp.CSS("#footer-checkpoint")))
			shot := run(t, ctx, chromedp.FullScreenshot(100))
			if !strings.Contains(title, "Lakeside Commons") {
				t.Errorf("%s: title %q", p.path, title)
			}
			if checkpoint != strconv.FormatInt(head.Height, 10) {
				t.Errorf("%s: checkpoint %q, want %d", p.path, checkpoint, head.Height)
			}
			name := fmt.Sprintf("%s-%d.png", strings.Trim(strings.ReplaceAll(p.path, "/", "_"), "_"), width)
			if p.path == "/" {
				name = fmt.Sprintf("home-%d.png", width)
			}
			if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
				t.Fatal(err)
			}
			if *update && p.path == "/census" && width == 1280 {
				if err := os.WriteFile(filepath.Join("..", "docs", "public-page.png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if p.path != "/census" {
				continue
			}
			members := run(t, ctx, chromedp.Text(chromedp.CSS("#figure-members")))
			at := run(t, ctx, chromedp.Text(chromedp.CSS("section .at .checkpoint")))
			bars := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.bar rect").length`))
			overflow := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			if members != "4" || at != strconv.FormatInt(head.Height, 10) || bars < 3 {
				t.Errorf("census at %dpx: members %q at checkpoint %q, %d bars", width, members, at, bars)
			}
			if overflow {
				t.Errorf("census at %dpx scrolls sideways", width)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, c := range complaints {
		if strings.Contains(c, "Content Security Policy") || strings.Contains(c, "Refused") {
			t.Errorf("the browser complained: %s", c)
		}
	}
	t.Logf("screenshots in %s", dir)
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

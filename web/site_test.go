package web

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/polis-hub/polis/state"
)

func newSite(t testing.TB, w *world, o Options) *httptest.Server {
	t.Helper()
	if o.RatePerIP == 0 {
		o.RatePerIP = -1
	}
	ts := httptest.NewServer(New(w.hub, o))
	t.Cleanup(ts.Close)
	return ts
}

type resp struct {
	code int
	h    http.Header
	body string
}

func get(t testing.TB, ts *httptest.Server, path string, hdr ...string) resp {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	r, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{r.StatusCode, r.Header, string(b)}
}

func checkSecure(t testing.TB, path string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", path, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "script-src") {
		t.Errorf("%s: CSP lets script in: %q", path, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("%s: headers %v", path, h)
	}
}

// Every page and its JSON twin: served, secured, and showing what it is
// for, computed at the latest checkpoint.
func TestEveryPageAndTwin(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{})
	head, _ := w.hub.Head()
	marks := map[string][]string{
		"/":          {"Lakeside Commons", "We share what we have.", `id="members">4<`},
		"/census":    {`id="figure-members">4<`, "Alice Listed", "Erin Listed", "and 2 members who are not listed publicly", "2026-03", "<svg"},
		"/charter":   {"We share what we have.", "History", `href="/charter/1"`},
		"/dossier":   {"recognition dossier", "dossier.md", "Lake House"},
		"/decisions": {`id="decided">1<`, "passed"},
		"/treasury":  {"145.00 USD", "Contributed"},
		"/chain":     {head.Root, "Witnesses", w.hub.VerifierKey()},
		"/verify":    {"polis verify --since", "chain consistency", w.hub.VerifierKey()},
	}
	for _, p := range pages {
		r := get(t, ts, p.path)
		if r.code != 200 || r.h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("%s: %d %s", p.path, r.code, r.h.Get("Content-Type"))
		}
		checkSecure(t, p.path, r.h)
		for _, m := range append(marks[p.path], `<meta name="viewport"`, `<main id="main">`, `href="`+p.jsonPath()+`"`) {
			if !strings.Contains(html.UnescapeString(r.body), m) {
				t.Errorf("%s: no %q", p.path, m)
			}
		}
		if !regexp.MustCompile(`Latest signed checkpoint: <a href="/chain" id="footer-checkpoint">\d+</a>`).MatchString(r.body) {
			t.Errorf("%s: no checkpoint in the footer", p.path)
		}
		if strings.Contains(strings.ToLower(r.body), "<script") || strings.Contains(r.body, " style=") {
			t.Errorf("%s: script or inline style", p.path)
		}
		j := get(t, ts, p.jsonPath())
		if j.code != 200 || j.h.Get("Content-Type") != "application/json" || !json.Valid([]byte(j.body)) {
			t.Fatalf("%s: %d %s %.200s", p.jsonPath(), j.code, j.h.Get("Content-Type"), j.body)
		}
		checkSecure(t, p.jsonPath(), j.h)
	}
	// The census twin is what `ssh HUB census --json` tells a visitor.
	cs, _ := w.hub.Census(false)
	want, _ := json.MarshalIndent(cs, "", "  ")
	if got := get(t, ts, "/census.json").body; got != string(want)+"\n" {
		t.Fatalf("census.json:\n%s\nwant\n%s", got, want)
	}
	var c state.Census
	json.Unmarshal([]byte(get(t, ts, "/census.json").body), &c)
	if c.At == nil || c.At.At.Height != head.Height {
		t.Fatalf("census computed at %+v, head %d", c.At, head.Height)
	}
	if r := get(t, ts, "/static/style.css"); r.code != 200 || !strings.HasPrefix(r.h.Get("Content-Type"), "text/css") {
		t.Fatalf("style.css: %d %s", r.code, r.h.Get("Content-Type"))
	}
}

func TestEveryPageIsPublic(t *testing.T) {
	for _, p := range pages {
		if len(p.reads) == 0 || !public(p.reads) {
			t.Errorf("%s reads %v: not all public", p.path, p.reads)
		}
	}
	if public([]state.Readable{state.ReadCommunity}) || public([]state.Readable{state.ReadLog}) {
		t.Fatal("members' data counted as public")
	}
}

func TestCharterVersionsAndNotFound(t *testing.T) {
	w := newWorld(t)
	w.passCharter(t, "# Charter two\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n")
	ts := newSite(t, w, Options{})
	r := get(t, ts, "/charter/1")
	if r.code != 200 || !strings.Contains(r.body, "We share what we have.") || !strings.Contains(r.body, "not the one in force") {
		t.Fatalf("/charter/1: %d %s", r.code, r.body)
	}
	if r := get(t, ts, "/charter/1.json"); r.code != 200 || !strings.Contains(r.body, `"version": 1`) {
		t.Fatalf("/charter/1.json: %d %s", r.code, r.body)
	}
	cur := get(t, ts, "/charter").body
	if !strings.Contains(cur, "Charter two") || strings.Contains(cur, "<script>") || strings.Contains(cur, "javascript:") {
		t.Fatalf("charter rendered unsafely: %s", cur)
	}
	for _, p := range []string{"/static/", "/static/x.css", "/charter/3", "/charter/0", "/charter/01", "/charter/x", "/charter/1.xml", "/nope", "/census/", "/tile", "/index.html"} {
		if r := get(t, ts, p); r.code != 404 {
			t.Errorf("%s: %d", p, r.code)
		}
	}
	if r := get(t, ts, "/nope"); !strings.Contains(r.body, "Not found") {
		t.Errorf("404 page: %s", r.body)
	}
}

func TestReadOnlyAndRevalidation(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{})
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		req, _ := http.NewRequest(m, ts.URL+"/census", strings.NewReader("x"))
		r, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d", m, r.StatusCode)
		}
	}
	r := get(t, ts, "/census")
	etag := r.h.Get("ETag")
	if etag == "" || r.h.Get("Cache-Control") != "no-cache" {
		t.Fatalf("headers %v", r.h)
	}
	if r2 := get(t, ts, "/census", "If-None-Match", etag); r2.code != http.StatusNotModified || r2.body != "" {
		t.Fatalf("revalidation: %d", r2.code)
	}
	// A new checkpoint is a new version of the page.
	w.do(t, "alice", state.Contribute{Asset: "USD", Amount: 100})
	if r2 := get(t, ts, "/census", "If-None-Match", etag); r2.code != 200 || r2.h.Get("ETag") == etag {
		t.Fatalf("after a checkpoint: %d %s", r2.code, r2.h.Get("ETag"))
	}
}

// A member who stops being listed disappears from the next page served.
func TestUnlistingShowsAtOnce(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{})
	if !strings.Contains(get(t, ts, "/census").body, "Erin Listed") {
		t.Fatal("listed member not shown")
	}
	w.do(t, "erin", state.SetListed{Listed: false})
	for _, p := range []string{"/census", "/census.json", "/"} {
		if strings.Contains(get(t, ts, p).body, "Erin Listed") {
			t.Fatalf("%s: an unlisted member's name", p)
		}
	}
}

func TestRateLimit(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{RatePerIP: 0.001, BurstPerIP: 3})
	for i := 0; i < 3; i++ {
		if r := get(t, ts, "/chain"); r.code != 200 {
			t.Fatalf("request %d: %d", i, r.code)
		}
	}
	r := get(t, ts, "/chain")
	if r.code != http.StatusTooManyRequests || r.h.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d %v", r.code, r.h)
	}
	checkSecure(t, "429", r.h)
}

func TestLimiterCountsNetworks(t *testing.T) {
	l := newLimiter(1, 1)
	now := timeZero
	if _, ok := l.allow(ip("192.0.2.1"), now); !ok {
		t.Fatal("first refused")
	}
	if _, ok := l.allow(ip("192.0.2.77"), now); ok {
		t.Fatal("same /24 not limited")
	}
	if _, ok := l.allow(ip("198.51.100.1"), now); !ok {
		t.Fatal("another network limited")
	}
	if _, ok := l.allow(ip("2001:db8::1"), now); !ok {
		t.Fatal("v6 refused")
	}
	if _, ok := l.allow(ip("2001:db8::ffff:1"), now); ok {
		t.Fatal("same /64 not limited")
	}
	if _, ok := l.allow(ip("192.0.2.1"), now.Add(1100*1e6)); !ok {
		t.Fatal("not refilled")
	}
	if _, ok := newLimiter(-1, 0).allow(nil, now); !ok {
		t.Fatal("off refused")
	}
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]struct {
		addr   string
		public bool
	}{
		"8080": {"127.0.0.1:8080", false}, ":8080": {"127.0.0.1:8080", false}, "localhost:80": {"localhost:80", false},
		"0.0.0.0:8080": {"0.0.0.0:8080", true}, "[::1]:8080": {"[::1]:8080", false}, "example.org:443": {"example.org:443", true},
	} {
		addr, public, err := ListenAddr(in)
		if err != nil || addr != want.addr || public != want.public {
			t.Errorf("%s: %s %v %v", in, addr, public, err)
		}
	}
	for _, bad := range []string{"", "x", "host:", "99999999"} {
		if _, _, err := ListenAddr(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Pages are read while the hub writes and seals: every answer is whole
// (run with -race, this is the site's concurrency test).
func TestPagesWhileWriting(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{})
	done := make(chan struct{})
	errs := make(chan string, 64)
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				p := pages[i%len(pages)]
				resp, err := ts.Client().Get(ts.URL + p.jsonPath())
				if err != nil {
					errs <- err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !json.Valid(b) {
					errs <- fmt.Sprintf("%s: %d", p.jsonPath(), resp.StatusCode)
					return
				}
			}
		}()
	}
	for i := 0; i < 60; i++ {
		w.do(t, "alice", state.Contribute{Asset: "USD", Amount: 1})
	}
	close(done)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var tr treasuryJSON
	json.Unmarshal([]byte(get(t, ts, "/treasury.json").body), &tr)
	head, _ := w.hub.Head()
	if tr.Checkpoint == nil || tr.Checkpoint.Height != head.Height {
		t.Fatalf("treasury at %+v, head %d", tr.Checkpoint, head.Height)
	}
}

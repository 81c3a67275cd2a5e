package web

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/chain/tiletest"
	"github.com/polis-hub/polis/state"
)

var hrefs = regexp.MustCompile(`href="([^"]+)"`)

// The site shows exactly what a visitor may read: crawling every page, its
// twin, every link on it, the dossier's files and every tile finds no
// unlisted member's name, key or fingerprint, no draft, no proposal text,
// no dispute, no private note, no ledger memo, no application.
func TestVisitorSeesNothingPrivate(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{DossierSigner: w.mem.Signer()})
	queue := []string{"/", "/dossier.md", "/dossier.md.sig", "/dossier.json.sig", "/checkpoint", "/tile/0/000.p/1"}
	for _, p := range pages {
		queue = append(queue, p.path, p.jsonPath())
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		r := get(t, ts, p)
		if r.code != 200 {
			t.Errorf("%s: %d", p, r.code)
			continue
		}
		body := html.UnescapeString(r.body)
		if leaks := w.leaks(body); len(leaks) > 0 {
			t.Errorf("%s shows %s", p, strings.Join(leaks, ", "))
		}
		for _, m := range hrefs.FindAllStringSubmatch(r.body, -1) {
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err == nil && u.Host == "" && strings.HasPrefix(u.Path, "/") {
				queue = append(queue, u.Path)
			}
		}
	}
	if len(seen) < 20 {
		t.Fatalf("crawled only %d paths", len(seen))
	}
	// The hash tiles are public; the entries, which name every member, are not.
	head, _ := w.hub.Head()
	for n := int64(0); n*256 < head.Size; n++ {
		tl := chain.Tile{H: 8, L: 0, N: n, W: int(min(head.Size-n*256, 256))}
		if r := get(t, ts, "/"+chain.TilePath(tl)); r.code != 200 || len(w.leaks(r.body)) > 0 {
			t.Errorf("%s: %d %v", chain.TilePath(tl), r.code, w.leaks(r.body))
		}
		tl.L = -1
		r := get(t, ts, "/"+chain.TilePath(tl))
		if r.code != 403 || len(w.leaks(r.body)) > 0 {
			t.Errorf("%s: %d %.100s", chain.TilePath(tl), r.code, r.body)
		}
	}
}

// Standard tlog clients audit the log over HTTP: x/mod's tile reader
// proves every event's inclusion and an earlier size's consistency from
// /checkpoint and /tile/... alone.
func TestTilesOverHTTP(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{})
	for w.hub.Size() < 600 {
		w.do(t, "alice", state.Contribute{Asset: "USD", Amount: 1})
	}
	fetches := 0
	fetch := func(p string) ([]byte, error) {
		fetches++
		r := get(t, ts, "/"+p)
		if r.code != 200 {
			return nil, fmt.Errorf("%s: %d %s", p, r.code, r.body)
		}
		want := "application/octet-stream"
		if p == "checkpoint" {
			want = "text/plain; charset=utf-8"
		}
		if r.h.Get("Content-Type") != want {
			return nil, fmt.Errorf("%s: content type %s", p, r.h.Get("Content-Type"))
		}
		return []byte(r.body), nil
	}
	res, err := tiletest.Audit(fetch, w.hub.VerifierKey(), []int64{1, 10, 256, 300}, false)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := w.hub.Head()
	if res.Checkpoint.Size != head.Size || fetches == 0 {
		t.Fatalf("audited size %d, head %d", res.Checkpoint.Size, head.Size)
	}
	if r := get(t, ts, "/tile/0/000"); r.h.Get("Cache-Control") != "public, max-age=31536000, immutable" || len(r.body) != 256*32 {
		t.Fatalf("full tile: %v %d", r.h, len(r.body))
	}
	if r := get(t, ts, "/checkpoint"); r.h.Get("Cache-Control") != "no-cache" || r.body != head.Note {
		t.Fatalf("checkpoint: %v", r.h)
	}
	for p, code := range map[string]int{
		"/tile/0/009": 404, "/tile/0/0": 404, "/tile/entries/000": 403, "/tile/data/000": 404, "/tile/8/0/000": 404,
		fmt.Sprintf("/tile/0/002.p/%d", head.Size-512+1): 404,
	} {
		if r := get(t, ts, p); r.code != code {
			t.Errorf("%s: %d, want %d", p, r.code, code)
		}
	}
}

// The dossier's files are signed as `polis dossier` signs them, and check
// with the hub's key.
func TestDossierFilesCheck(t *testing.T) {
	w := newWorld(t)
	ts := newSite(t, w, Options{DossierSigner: w.mem.Signer()})
	head, _ := w.hub.Head()
	for _, f := range []string{"/dossier.md", "/dossier.json"} {
		content, sig := get(t, ts, f), get(t, ts, f+".sig")
		if content.code != 200 || sig.code != 200 {
			t.Fatalf("%s: %d %d", f, content.code, sig.code)
		}
		height, size, err := state.CheckDossierFile([]byte(content.body), []byte(sig.body), w.hub.VerifierKey())
		if err != nil || height != head.Height || size != head.Size {
			t.Fatalf("%s: %d %d %v (head %d)", f, height, size, err, head.Height)
		}
	}
	// Without a signer there are no signatures to serve.
	plain := newSite(t, w, Options{})
	if r := get(t, plain, "/dossier.md.sig"); r.code != 404 {
		t.Fatalf("unsigned site served a signature: %d", r.code)
	}
	if r := get(t, plain, "/dossier.md"); r.code != 200 {
		t.Fatalf("unsigned dossier.md: %d", r.code)
	}
}

package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// The site's tlog-witness add-checkpoint answers as the spec says, with
// the same witness as the SSH command: cosigns a watched log, 404 for
// another, 409 with the latest size as text/x.tlog.size.
func TestAddCheckpointOverHTTP(t *testing.T) {
	w := newWorld(t)
	skey, wkey, err := witness.GenerateKey("polis.test/web/witness")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.hub.StartWitness(skey, &witness.MemStore{}); err != nil {
		t.Fatal(err)
	}
	other, err := state.NewMemory(state.MemoryOptions{Origin: "other.test/log", CheckpointEvery: 1, Clock: func() time.Time { return time.Unix(1790000000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otherHub := state.NewHub(other)
	if _, err := otherHub.Submit(t.Context(), state.SystemActor, state.CreateHub{Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	ts := newSite(t, w, Options{})
	post := func(body []byte) (int, string, string) {
		r, err := ts.Client().Post(ts.URL+"/add-checkpoint", "text/plain", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, r.Header.Get("Content-Type"), string(b)
	}
	req, _, err := otherHub.AddCheckpointRequest(0)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := post(req); code != http.StatusNotFound {
		t.Fatalf("unwatched log: %d", code)
	}
	w.do(t, "alice", state.WatchLog{Key: otherHub.VerifierKey()})
	code, _, body := post(req)
	if code != http.StatusOK {
		t.Fatalf("watched log: %d %s", code, body)
	}
	head, _ := otherHub.Head()
	wv, _ := witness.NewVerifier(wkey)
	lv, _ := note.NewVerifier(otherHub.VerifierKey())
	if _, err := note.Open([]byte(head.Note+body), note.VerifierList(lv, wv)); err != nil {
		t.Fatalf("cosignature: %v", err)
	}
	code, ctype, body := post(req) // old 0 again
	if code != http.StatusConflict || ctype != "text/x.tlog.size" || strings.TrimSpace(body) != "1" {
		t.Fatalf("stale: %d %q %q", code, ctype, body)
	}
	if code, _, _ := post(bytes.Repeat([]byte("A"), 10<<20)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("10 MiB: %d", code)
	}
	if code, _, _ := post([]byte("garbage\x1b[31m\n")); code != http.StatusBadRequest {
		t.Fatalf("garbage: %d", code)
	}
	if r := get(t, ts, "/add-checkpoint"); r.code != http.StatusMethodNotAllowed && r.code != http.StatusNotFound {
		t.Fatalf("GET: %d", r.code)
	}
}

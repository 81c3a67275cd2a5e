package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// `polis serve --http ADDR` serves the public page next to the SSH door:
// the page names the community, /checkpoint is the bytes `chain tile
// checkpoint` writes, the dossier's files check with the hub's key, and a
// stop signal shuts both down cleanly.
func TestServeHTTP(t *testing.T) {
	data := t.TempDir()
	addr, waddr := freeAddr(t), freeAddr(t)
	h := startHub(t, data, addr, "--name", "Web Town", "--http", waddr, "--checkpoint-interval", "50ms")
	defer h.kill()
	h.waitOutput(t, "public web page")
	get := func(path string) (int, string) {
		t.Helper()
		var r *http.Response
		var err error
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if r, err = http.Get("http://" + waddr + path); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(body, "Web Town") {
		t.Fatalf("/: %d %.300s", code, body)
	}
	k := newKey(t)
	c, err := dial(t, addr, k)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var viaSSH, viaHTTP string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		out, _, code, err := run(c, "", "chain tile checkpoint")
		if err != nil {
			t.Fatal(err)
		}
		_, viaHTTP = get("/checkpoint")
		if viaSSH = out; code == 0 && viaSSH == viaHTTP {
			break
		}
	}
	if viaSSH == "" || viaSSH != viaHTTP {
		t.Fatalf("checkpoint over SSH %q, over HTTP %q", viaSSH, viaHTTP)
	}
	vkey, err := os.ReadFile(filepath.Join(data, "hub.pub"))
	if err != nil {
		t.Fatal(err)
	}
	_, md := get("/dossier.md")
	_, sig := get("/dossier.md.sig")
	if _, _, err := state.CheckDossierFile([]byte(md), []byte(sig), strings.TrimSpace(string(vkey))); err != nil {
		t.Fatalf("dossier: %v", err)
	}
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(20 * time.Second) {
		t.Fatalf("hub did not stop:\n%s", h.output())
	}
	if _, err := http.Get("http://" + waddr + "/"); err == nil {
		t.Fatal("web page still served after the hub stopped")
	}
}

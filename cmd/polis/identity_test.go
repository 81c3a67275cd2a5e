package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable"
	"github.com/polis-hub/polis/state/store"
)

// serve makes the SSH host key itself, durably, with the other identity
// files, before the store's first write: the door only reads it.
func TestServeIdentityFilesDurableFirst(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	type step struct {
		op, path  string
		badgerYet bool
	}
	var steps []step
	durable.Hook = func(op, path string) error {
		_, err := os.Stat(filepath.Join(dir, "db"))
		steps = append(steps, step{op, path, err == nil})
		return nil
	}
	defer func() { durable.Hook = nil }()
	var logBuf bytes.Buffer
	st, err := openData(store.Options{Dir: dir, Origin: "polis.test/hub"}, slog.New(slog.NewTextHandler(&logBuf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	durable.Hook = nil
	synced := map[string]bool{}
	for _, s := range steps {
		if s.badgerYet {
			t.Fatalf("%s %s after Badger's first write", s.op, s.path)
		}
		if s.op == "rename" {
			synced[filepath.Base(s.path)] = true
		}
	}
	for _, f := range []string{"FORMAT", "hub.key", "hub.pub", store.HostKeyFile, store.HostKeyFile + ".pub"} {
		if !synced[f] {
			t.Fatalf("%s was not written durably before the store opened: %v", f, steps)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "db")); err != nil {
		t.Fatal("the store never wrote: the test saw nothing")
	}
}

// An existing data dir readable by others, or a key readable by others, is
// tightened at start, and the log says so.
func TestServeTightensModes(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if _, err := store.PrepareDir(data, ""); err != nil {
		t.Fatal(err)
	}
	os.Chmod(data, 0o755)
	os.Chmod(filepath.Join(data, "hub.key"), 0o644)
	h := startHub(t, data, freeAddr(t))
	defer h.kill()
	out := h.output()
	if !strings.Contains(out, "data dir "+data+" was -rwxr-xr-x") || !strings.Contains(out, "hub.key was -rw-r--r--") {
		t.Fatalf("no warning for the modes:\n%s", out)
	}
	for p, want := range map[string]os.FileMode{data: 0o700, filepath.Join(data, "hub.key"): 0o600} {
		if fi, _ := os.Stat(p); fi.Mode().Perm() != want {
			t.Fatalf("%s is %v", p, fi.Mode().Perm())
		}
	}
}

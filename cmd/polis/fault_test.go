package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable"
	"github.com/polis-hub/polis/state/store"
)

// A commit that fails (as a failed fsync does: Badger applied the batch,
// then the commit reports an error) stops `polis serve`: it logs the
// failure at error level and exits non-zero by itself, for the supervisor
// to restart it. Every write it acknowledged is there after the restart.
func TestFailedCommitStopsServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	keys, authFile := stewards(t, 4)
	addr := freeAddr(t)
	h := startHubWith(t, polisFaultBinary(t), []string{"POLIS_FAULT_COMMIT=60"}, data, addr,
		"--admin-key", authFile, "--checkpoint-every", "20")
	storm := startInviteStorm(t, addr, keys, 16)
	if !h.wait(60 * time.Second) {
		h.kill()
		t.Fatalf("the hub kept serving after a failed commit:\n%s", h.output())
	}
	codes := storm.halt()
	if code := h.cmd.ProcessState.ExitCode(); code == 0 {
		t.Fatalf("exit status 0 after a failed commit:\n%s", h.output())
	}
	if out := h.output(); !strings.Contains(out, "ERROR storage failed") || !strings.Contains(out, "injected fault: fsync failed") {
		t.Fatalf("the failure was not logged at error level:\n%s", out)
	}
	if len(codes) == 0 {
		t.Fatalf("nothing acknowledged before the failure:\n%s", h.output())
	}

	n := restartAndVerify(t, data, addr, keys[0], codes)
	t.Logf("%d writes acknowledged before the failed commit, %d present after the restart", len(codes), n)
}

// The scrape says when the store has failed.
func TestMetricsReportStorageFailure(t *testing.T) {
	m := newMetrics()
	st, err := store.Open(store.Options{Dir: t.TempDir(), CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m.watchStore(st)
	durable.Hook = func(op, path string) error {
		if op == "sync" && strings.Contains(path, store.HeadFile) {
			return fmt.Errorf("injected: I/O error")
		}
		return nil
	}
	defer func() { durable.Hook = nil }()
	if _, err := st.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "x"}); err == nil {
		t.Fatal("the write survived a failed HEAD")
	}
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if !strings.Contains(string(body), "polis_storage_failed 1") {
		t.Fatalf("scrape after a failure lacks polis_storage_failed 1:\n%s", body)
	}
}

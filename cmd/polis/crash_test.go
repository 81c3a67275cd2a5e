package main

import (
	"path/filepath"
	"testing"
	"time"
)

// The promise: kill -9 at any moment during a storm of concurrent writes,
// and every write that was acknowledged is there after restart, and
// `polis verify` passes.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	keys, authFile := stewards(t, 4)
	addr := freeAddr(t)
	h := startHub(t, data, addr, "--admin-key", authFile, "--checkpoint-every", "50")

	storm := startInviteStorm(t, addr, keys, 16)
	// Let the storm run, then kill -9 in the middle of it.
	storm.waitAcked(300, 20*time.Second)
	h.kill()
	codes := storm.halt()
	if len(codes) == 0 {
		t.Fatalf("no write was acknowledged before the kill:\n%s", h.output())
	}

	n := restartAndVerify(t, data, addr, keys[0], codes)
	t.Logf("%d acknowledged writes before kill -9, %d present after restart", len(codes), n)
}

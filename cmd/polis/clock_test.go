package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// polis clock reads the serving hub's clock guard, and --confirm makes the
// clock's reading its reckoning; without a serving hub it says so.
func TestClockCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	if out, err := runPolis(t, "clock", "--data", data); err == nil || !strings.Contains(out, "no hub is serving") {
		t.Fatalf("clock without a hub: %v\n%s", err, out)
	}
	h := startHub(t, data, freeAddr(t))
	t.Cleanup(func() { h.kill() })
	out, err := runPolis(t, "clock", "--data", data)
	if err != nil || !strings.Contains(out, "writes    accepted (up to 24h0m0s ahead)") || !strings.Contains(out, "expected  ") {
		t.Fatalf("clock: %v\n%s", err, out)
	}
	out, err = runPolis(t, "clock", "--data", data, "--confirm")
	if err != nil || !strings.Contains(out, "accepted: events are stamped from") {
		t.Fatalf("clock --confirm: %v\n%s", err, out)
	}
	if !strings.Contains(h.waitOutput(t, "confirmed the clock"), "WARN") {
		t.Fatalf("the confirmation was not logged:\n%s", h.output())
	}
	// Off: the guard says so.
	h.kill()
	h = startHub(t, data, freeAddr(t), "--max-clock-step", "-1s")
	if out, err := runPolis(t, "clock", "--data", data); err != nil || !strings.Contains(out, "guard     off") {
		t.Fatalf("clock with the guard off: %v\n%s", err, out)
	}
}

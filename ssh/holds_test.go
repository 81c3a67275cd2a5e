package ssh

import (
	"strings"
	"testing"
)

// The stewards' application list comes a page at a time, and says how to
// read the next.
func TestApplicationsPaged(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")
	for _, n := range []string{"dora", "eve", "fay"} {
		mustRun(t, "apply", newUser(t, n).runIn(t, ts, "I cook.", "apply", "--name", n))
	}
	r := mustRun(t, "applications", alice.run(t, ts, "applications --limit 2"))
	if !strings.Contains(r.stdout, "dora") || !strings.Contains(r.stdout, "eve") || strings.Contains(r.stdout, "fay") ||
		lastLine(r.stdout) != "More: applications --limit 2 --after 2" {
		t.Fatalf("page 1: %q", r.stdout)
	}
	r = mustRun(t, "applications", alice.run(t, ts, "applications --limit 2 --after 2"))
	if !strings.Contains(r.stdout, "fay") || strings.Contains(r.stdout, "More:") {
		t.Fatalf("page 2: %q", r.stdout)
	}
}

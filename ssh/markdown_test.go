package ssh

import (
	"strings"
	"testing"
)

// Issue #16's render bomb is refused at the door's commands with the
// sequencer's one-line reason, and nothing is written.
func TestMarkdownBombRefusedOverSSH(t *testing.T) {
	hub := newHub(t)
	ts, alice, bob, _ := community(t, hub)
	bomb := strings.Repeat("> - ", 55)
	want := "nests at least 64 levels deep (block quotes and lists; at most 8)"

	r := bob.runIn(t, ts, bomb, "proposal", "new", "--title", "Bomb", "--kind", "text")
	checkFailure(t, "proposal new", r)
	if !strings.Contains(r.stderr, "body "+want) {
		t.Fatalf("proposal new: stderr %q", r.stderr)
	}
	if props, err := hub.ProposalsFor(0); err != nil || len(props) != 0 {
		t.Fatalf("a refused proposal was written: %v %v", props, err)
	}
	r = alice.runIn(t, ts, bomb, "charter", "set")
	checkFailure(t, "charter set", r)
	if !strings.Contains(r.stderr, "charter "+want) {
		t.Fatalf("charter set: stderr %q", r.stderr)
	}
	if _, ok, _ := hub.Charter(0); ok {
		t.Fatal("a refused charter was adopted")
	}
	// The same commands take a body within the limits.
	mustRun(t, "proposal new", bob.runIn(t, ts, "> - quoted\n> - list\n", "proposal", "new", "--title", "Fine", "--kind", "text"))
}

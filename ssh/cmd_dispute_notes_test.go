package ssh

import (
	"strings"
	"testing"

	"github.com/polis-hub/polis/state/store"
)

func TestPrivateNotesOverSSH(t *testing.T) {
	hub := newHubWith(t, store.Options{})
	ts, alice, bob, carol := community(t, hub)
	mustRun(t, "mod", alice.run(t, ts, "role grant 3 moderator"))
	mustRun(t, "mod", alice.run(t, ts, "role grant 2 moderator"))
	mustRun(t, "file", bob.runIn(t, ts, "stuff", "dispute", "file", "--against", "alice", "--title", "x"))
	r := mustRun(t, "note", carol.runIn(t, ts, "be gentle", "dispute", "note", "1"))
	if !strings.Contains(r.stdout, "only its hash") {
		t.Fatalf("note: %q", r.stdout)
	}
	r = mustRun(t, "notes", carol.run(t, ts, "dispute notes 1"))
	if !strings.Contains(r.stdout, "be gentle") {
		t.Fatalf("notes: %q", r.stdout)
	}
	for _, u := range []*user{alice, bob} { // alice: a party; bob: a party (and a moderator)
		r := u.run(t, ts, "dispute notes 1")
		checkFailure(t, "notes by "+u.name, r)
	}
	r = mustRun(t, "export", carol.run(t, ts, "chain export"))
	if strings.Contains(r.stdout, "be gentle") {
		t.Fatal("private note in the public export")
	}
}

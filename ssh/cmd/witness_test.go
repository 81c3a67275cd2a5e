package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// One hub witnesses another's log over the commands: the steward watches
// it, the log's add-checkpoint requests are cosigned as it grows, and
// each refusal has its exit status.
func TestWitnessCommands(t *testing.T) {
	wd := newWorld(t) // the witness
	logHub := hubtest.NewHub(t)
	alice := wd.People["alice"]
	hubtest.Admit(t, logHub, alice, "alice")

	run := func(as, stdin string, args ...string) (string, string, int) {
		var stdout, stderr bytes.Buffer
		code := Execute(context.Background(), wd.Hub, wd.who(as), args, strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String(), stderr.String(), code
	}
	request := func(old int64) string {
		body, _, err := logHub.AddCheckpointRequest(old)
		if err != nil {
			t.Fatal(err)
		}
		return string(body)
	}

	// Not watched yet: 404.
	if _, errOut, code := run("visitor", request(0), "witness", "add-checkpoint"); code != ExitNotFound {
		t.Fatalf("unwatched log: exit %d %s", code, errOut)
	}
	// Only a steward chooses; bob is one in the world, dora is no member.
	if _, _, code := run("dora", "", "witness", "watch", logHub.VerifierKey()); code == 0 {
		t.Fatal("a visitor chose what the hub witnesses")
	}
	if out, errOut, code := run("alice", "", "witness", "watch", logHub.VerifierKey()); code != 0 || !strings.Contains(out, "now cosigns") {
		t.Fatalf("watch: %d %s %s", code, out, errOut)
	}
	key, _, _ := run("visitor", "", "witness", "key")
	wv, err := witness.NewVerifier(strings.TrimSpace(key))
	if err != nil {
		t.Fatalf("witness key %q: %v", key, err)
	}
	lv, _ := note.NewVerifier(logHub.VerifierKey())

	line, errOut, code := run("visitor", request(0), "witness", "add-checkpoint")
	if code != 0 {
		t.Fatalf("first cosignature: exit %d %s", code, errOut)
	}
	head, _ := logHub.Head()
	if n, err := note.Open([]byte(head.Note+line), note.VerifierList(lv, wv)); err != nil || len(n.Sigs) != 2 {
		t.Fatalf("cosigned note: %v", err)
	}
	// The log grows; the witness cosigns the extension, given the proof.
	hubtest.SubmitAs(t, logHub, alice, state.Rename{Name: "Alicia"})
	if _, errOut, code := run("visitor", request(head.Size), "witness", "add-checkpoint"); code != 0 {
		t.Fatalf("extension: exit %d %s", code, errOut)
	}
	// A stale old size: 409, the latest size on stdout.
	latest, _ := logHub.Head()
	out, _, code := run("visitor", request(head.Size), "witness", "add-checkpoint")
	if code != ExitConflict || strings.TrimSpace(out) != itoa(latest.Size) {
		t.Fatalf("stale: exit %d, stdout %q", code, out)
	}
	// A forged signature: 43.
	forged := strings.Replace(request(latest.Size), "\u2014 ", "\u2014 x", 1)
	if _, _, code := run("visitor", forged, "witness", "add-checkpoint"); code != ExitForbidden && code != ExitBadRequest {
		t.Fatalf("forged: exit %d", code)
	}
	var list state.Witnessing
	out, _, _ = run("visitor", "", "witness", "list", "--json")
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Watched) != 1 || list.Watched[0].Key != logHub.VerifierKey() {
		t.Fatalf("list: %v %s", err, out)
	}
	// Unwatched, the log is unknown again.
	if _, errOut, code := run("alice", "", "witness", "unwatch", list.Watched[0].Origin); code != 0 {
		t.Fatalf("unwatch: %s", errOut)
	}
	if _, _, code := run("visitor", request(latest.Size), "witness", "add-checkpoint"); code != ExitNotFound {
		t.Fatalf("after unwatch: exit %d", code)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

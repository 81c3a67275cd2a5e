package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// The quorum verify asks of a checkpoint: named keys with --quorum, or a
// tlog-policy file; a witness that did not cosign never counts.
func TestCheckWitnesses(t *testing.T) {
	log, err := state.NewMemory(state.MemoryOptions{Origin: "a.example/hub", CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	hub := state.NewHub(log)
	if _, err := hub.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "A"}); err != nil {
		t.Fatal(err)
	}
	head, _ := hub.Head()
	lv, err := note.NewVerifier(hub.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	logs := func(o string) (note.Verifier, bool) { return lv, o == lv.Name() }
	req, _, err := hub.AddCheckpointRequest(0)
	if err != nil {
		t.Fatal(err)
	}
	var lines []byte
	var keys []string
	for _, name := range []string{"b.example/witness", "c.example/witness", "d.example/witness"} {
		skey, vkey, err := witness.GenerateKey(name)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, vkey)
		if name == "d.example/witness" {
			continue // d never cosigns
		}
		w, err := witness.New(skey, &witness.MemStore{}, logs)
		if err != nil {
			t.Fatal(err)
		}
		line, err := w.AddCheckpoint(req)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line...)
	}
	check := func(keys []string, quorum int, policy string) error {
		cmd := &cobra.Command{}
		cmd.SetOut(&bytes.Buffer{})
		return checkWitnesses(cmd, head, lines, keys, quorum, policy)
	}
	policyFile := func(text string) string {
		p := filepath.Join(t.TempDir(), "policy")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	witnessLines := "log " + hub.VerifierKey() + "\n" +
		"witness b " + keys[0] + " ssh://b.example\n" +
		"witness c " + keys[1] + " ssh://c.example\n" +
		"witness d " + keys[2] + " ssh://d.example\n"
	for _, tc := range []struct {
		keys   []string
		quorum int
		policy string
		ok     bool
	}{
		{keys[:2], 0, "", true},
		{keys, 0, "", false},
		{keys, 2, "", true},
		{keys, 3, "", false},
		{keys[2:], 1, "", false},
		{nil, 0, policyFile(witnessLines + "group g 2 b c d\nquorum g\n"), true},
		{nil, 0, policyFile(witnessLines + "group g all b c d\nquorum g\n"), false},
		{nil, 0, policyFile(witnessLines + "group g any d\nquorum g\n"), false},
	} {
		err := check(tc.keys, tc.quorum, tc.policy)
		if (err == nil) != tc.ok {
			t.Errorf("keys %d, quorum %d, policy %v: %v", len(tc.keys), tc.quorum, tc.policy != "", err)
		}
		if err != nil && tc.ok == false && !strings.Contains(err.Error(), "not cosigned by enough") {
			t.Errorf("the refusal does not say why: %v", err)
		}
	}
	if _, err := witnessGroup(keys, 4, ""); err == nil {
		t.Error("a quorum above the witnesses named")
	}
	if _, err := witnessGroup([]string{"nonsense"}, 0, ""); err == nil {
		t.Error("a malformed witness key")
	}
	if _, err := witnessGroup(keys, 0, policyFile("witness x\n")); err == nil {
		t.Error("--policy with --witness, or a malformed policy")
	}
}

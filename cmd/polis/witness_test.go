package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// sshDo runs one command as k on the hub at addr and fails the test on a
// non-zero exit.
func sshDo(t *testing.T, addr string, k testKey, stdin, args string) string {
	t.Helper()
	c, err := dial(t, addr, k)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, errOut, code, err := run(c, stdin, args)
	if err != nil || code != 0 {
		t.Fatalf("%s at %s: exit %d %v %s", args, addr, code, err, errOut)
	}
	return out
}

type headJSON struct {
	state.Head
	Cosignatures []state.CosignatureStatus `json:"cosignatures"`
}

func headOf(t *testing.T, addr string, k testKey) headJSON {
	t.Helper()
	var h headJSON
	if err := json.Unmarshal([]byte(sshDo(t, addr, k, "", "chain head --json")), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// waitCosigned waits until every named witness cosigned the hub's head, or
// until one refuses when refusal is what the test waits for.
func waitCosigned(t *testing.T, addr string, k testKey, names ...string) headJSON {
	t.Helper()
	// Everything written so far must be sealed first.
	var census struct {
		Events int64 `json:"events"`
	}
	if err := json.Unmarshal([]byte(sshDo(t, addr, k, "", "census --json")), &census); err != nil {
		t.Fatal(err)
	}
	var h headJSON
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		h = headOf(t, addr, k)
		n := 0
		for _, c := range h.Cosignatures {
			for _, name := range names {
				if c.Name == name && c.Height == h.Height && c.Error == "" {
					n++
				}
			}
		}
		if h.Height > 0 && h.Size >= census.Events && n == len(names) {
			return h
		}
	}
	t.Fatalf("the head was never cosigned by %v: %+v", names, h)
	return h
}

// Three real hubs on loopback over real SSH: A is witnessed by B and C, B
// by A. Every checkpoint of A is cosigned; an export verifies with a
// quorum of two and fails when a witness who never saw it is required; a
// fork of A (an old copy of its data dir, run elsewhere and diverging) is
// refused by both witnesses, and the hub says so; a witness restarted
// mid-stream catches up.
func TestThreeHubsWitnessEachOther(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	keys, auth := stewards(t, 1)
	alice := keys[0]
	fast := []string{"--admin-key", auth, "--checkpoint-every", "1000", "--checkpoint-interval", "100ms"}
	dirA, dirB, dirC := filepath.Join(tmp, "a"), filepath.Join(tmp, "b"), filepath.Join(tmp, "c")
	addrA, addrB, addrC := freeAddr(t), freeAddr(t), freeAddr(t)
	a := startHub(t, dirA, addrA, append([]string{"--origin", "a.example/hub"}, fast...)...)
	b := startHub(t, dirB, addrB, append([]string{"--origin", "b.example/hub"}, fast...)...)
	c := startHub(t, dirC, addrC, append([]string{"--origin", "c.example/hub"}, fast...)...)
	defer func() { a.kill(); b.kill(); c.kill() }()

	keyA := strings.TrimSpace(sshDo(t, addrA, alice, "", "chain key"))
	keyB := strings.TrimSpace(sshDo(t, addrB, alice, "", "chain key"))
	wA := strings.TrimSpace(sshDo(t, addrA, alice, "", "witness key"))
	wB := strings.TrimSpace(sshDo(t, addrB, alice, "", "witness key"))
	wC := strings.TrimSpace(sshDo(t, addrC, alice, "", "witness key"))
	sshDo(t, addrB, alice, "", "witness watch "+keyA)
	sshDo(t, addrC, alice, "", "witness watch "+keyA)
	sshDo(t, addrA, alice, "", "witness watch "+keyB)
	sshDo(t, addrA, alice, "", "witness use "+addrB+" "+wB)
	sshDo(t, addrA, alice, "", "witness use "+addrC+" "+wC)
	sshDo(t, addrB, alice, "", "witness use "+addrA+" "+wA)
	nameB, nameC := "b.example/hub/witness", "c.example/hub/witness"

	sshDo(t, addrA, alice, "", "rename Alice")
	waitCosigned(t, addrA, alice, nameB, nameC)
	waitCosigned(t, addrB, alice, "a.example/hub/witness")
	start := time.Now()
	sshDo(t, addrA, alice, "", "rename Alicia")
	head := waitCosigned(t, addrA, alice, nameB, nameC)
	// A figure for docs/perf.md, not a check: from the write's answer to
	// both cosignatures seen (the 100 ms seal interval included).
	t.Logf("write to both cosignatures on loopback: %v", time.Since(start).Round(time.Millisecond))

	// The head as printed carries the cosignatures, and still serves as a
	// kept checkpoint for verify --since.
	text := sshDo(t, addrA, alice, "", "chain head")
	if !strings.Contains(text, "witness "+nameB+": cosigned this checkpoint") || strings.Count(text, "\u2014 ") != 3 {
		t.Fatalf("chain head:\n%s", text)
	}
	kept := filepath.Join(tmp, "head.txt")
	os.WriteFile(kept, []byte(text), 0o600)

	export := filepath.Join(tmp, "a.polis")
	os.WriteFile(export, []byte(sshDo(t, addrA, alice, "", "chain export")), 0o600)
	if out, err := polis(t, "verify", "--file", export, "--key", keyA, "--witness", wB, "--witness", wC, "--quorum", "2", "--since", kept); err != nil || !strings.Contains(out, "witnessed: checkpoint") {
		t.Fatalf("verify with a quorum of 2: %v\n%s", err, out)
	}
	_, stranger, err := witness.GenerateKey("x.example/witness")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := polis(t, "verify", "--file", export, "--key", keyA, "--witness", wB, "--witness", wC, "--witness", stranger); err == nil || !strings.Contains(out+err.Error(), "not cosigned by enough") {
		t.Fatalf("a third, unknown witness required: %v\n%s", err, out)
	}

	// B restarted mid-stream: A seals meanwhile, and B catches up.
	stopHub(t, b)
	sshDo(t, addrA, alice, "", "rename Alice")
	b = startHub(t, dirB, addrB, append([]string{"--origin", "b.example/hub"}, fast...)...)
	sshDo(t, addrA, alice, "", "rename Alicia")
	waitCosigned(t, addrA, alice, nameB, nameC)

	// A fork: an old copy of A's data dir, started elsewhere, diverges.
	stopHub(t, a)
	dirFork := filepath.Join(tmp, "fork")
	if err := exec.Command("cp", "-a", dirA, dirFork).Run(); err != nil {
		t.Fatal(err)
	}
	a = startHub(t, dirA, addrA, append([]string{"--origin", "a.example/hub"}, fast...)...)
	for _, n := range []string{"Alice", "Alicia", "Alice"} {
		sshDo(t, addrA, alice, "", "rename "+n)
	}
	waitCosigned(t, addrA, alice, nameB, nameC)
	addrFork := freeAddr(t)
	fork := startHub(t, dirFork, addrFork, append([]string{"--origin", "a.example/hub"}, fast...)...)
	defer fork.kill()
	for _, n := range []string{"Mallory", "Mal", "M", "Mallory", "Mal"} {
		sshDo(t, addrFork, alice, "", "rename "+n)
	}
	var fh headJSON
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		fh = headOf(t, addrFork, alice)
		refused := 0
		for _, c := range fh.Cosignatures {
			if c.Refused {
				refused++
			}
		}
		if refused == 2 {
			break
		}
	}
	for _, c := range fh.Cosignatures {
		if !c.Refused || c.Height > fh.Height {
			t.Fatalf("the fork was not refused by every witness: %+v", fh.Cosignatures)
		}
	}
	if text := sshDo(t, addrFork, alice, "", "chain head"); !strings.Contains(text, "ALARM: witness") {
		t.Fatalf("the refusal is not shown:\n%s", text)
	}
	if head.Height < 1 {
		t.Fatal("no head")
	}
}

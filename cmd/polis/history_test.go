package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state/durable/durabletest"
)

// writeInvites has a steward create n invites over SSH.
func writeInvites(t *testing.T, addr string, k testKey, n int) {
	t.Helper()
	c, err := dial(t, addr, k)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < n; i++ {
		if _, stderr, code, err := run(c, "", "invite create --uses 1"); err != nil || code != 0 {
			t.Fatalf("invite create: %v %d %s", err, code, stderr)
		}
	}
}

func stopHub(t *testing.T, h *hubProc) {
	t.Helper()
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		h.kill()
		t.Fatalf("hub did not stop:\n%s", h.output())
	}
}

// `polis verify --data` and `polis checkpoint export --data` only read: the
// data dir is byte for byte as it was, whether stopped cleanly or killed
// (then they read a scratch copy rather than cut the database's tail off).
func TestReadOnlyToolsLeaveDataDirAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	keys, auth := stewards(t, 1)
	addr := freeAddr(t)
	h := startHub(t, data, addr, "--admin-key", auth, "--checkpoint-every", "4", "--checkpoint-interval", "1h")
	writeInvites(t, addr, keys[0], 10)
	stopHub(t, h)

	before := durabletest.Snapshot(t, data)
	if out, err := polis(t, "verify", "--data", data); err != nil || !strings.Contains(out, "verify ok") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	durabletest.Same(t, "verify --data", before, durabletest.Snapshot(t, data))
	export := filepath.Join(tmp, "chain.polis")
	if out, err := polis(t, "checkpoint", "export", "--data", data, "--out", export); err != nil || !strings.Contains(out, "wrote 13 events") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	durabletest.Same(t, "checkpoint export --data", before, durabletest.Snapshot(t, data))
	if out, err := polis(t, "verify", "--file", export); err != nil || !strings.Contains(out, "verify ok: 13 events") {
		t.Fatalf("verify of the export: %v\n%s", err, out)
	}

	// (The counts include hub.origin, which the first start writes.)

	// Killed with events after its last checkpoint: the tools read a
	// scratch copy, find every acknowledged write, say so, and leave the
	// dir as the crash left it (no seal, no truncation).
	h = startHub(t, data, addr, "--admin-key", auth, "--checkpoint-every", "1000", "--checkpoint-interval", "1h")
	writeInvites(t, addr, keys[0], 3)
	h.kill()
	before = durabletest.Snapshot(t, data)
	out, err := polis(t, "verify", "--data", data)
	if err != nil || !strings.Contains(out, "verify ok: 16 events") || !strings.Contains(out, "not stopped cleanly") {
		t.Fatalf("verify on a killed hub's dir: %v\n%s", err, out)
	}
	durabletest.Same(t, "verify after kill -9", before, durabletest.Snapshot(t, data))
	crashed := filepath.Join(tmp, "crashed.polis")
	if out, err := polis(t, "checkpoint", "export", "--data", data, "--out", crashed); err != nil || !strings.Contains(out, "wrote 16 events") {
		t.Fatalf("export on a killed hub's dir: %v\n%s", err, out)
	}
	durabletest.Same(t, "export after kill -9", before, durabletest.Snapshot(t, data))
	if es, _ := filepath.Glob(filepath.Join(os.TempDir(), "polis-scratch-*")); len(es) != 0 {
		t.Fatalf("scratch copies left behind: %v", es)
	}
	// As the message says: start and stop the hub, then verify.
	stopHub(t, startHub(t, data, addr))
	if out, err := polis(t, "verify", "--data", data); err != nil || !strings.Contains(out, "verify ok: 16 events") {
		es, _ := os.ReadDir(filepath.Join(data, "db"))
		for _, e := range es {
			fi, _ := e.Info()
			t.Logf("%s %d", e.Name(), fi.Size())
		}
		t.Fatalf("verify after a restart: %v\n%s", err, out)
	}
}

// chainHead saves what `ssh HUB chain head` prints, as a member would.
func chainHead(t *testing.T, addr string, k testKey, file string) string {
	t.Helper()
	c, err := dial(t, addr, k)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, stderr, code, err := run(c, "", "chain head")
	if err != nil || code != 0 {
		t.Fatalf("chain head: %v %d %s", err, code, stderr)
	}
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

var headLine = regexp.MustCompile(`head (\d+) at size (\d+)`)

// verifiedHead runs `polis verify --data` and returns the head it reports.
func verifiedHead(t *testing.T, data string) (height, size int, out string) {
	t.Helper()
	out, err := polis(t, "verify", "--data", data)
	m := headLine.FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("verify --data %s: %v\n%s", data, err, out)
	}
	height, _ = strconv.Atoi(m[1])
	size, _ = strconv.Atoi(m[2])
	return height, size, out
}

// The steward's and the members' side of issue 17, with the real binary:
// an old backup is refused without --rollback and, with it, resumes above
// every published height; members who kept a head find out with
// verify --since which hubs extend it and which forked or lost it.
func TestRestoreRollbackAndSince(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	file := func(name string) string { return filepath.Join(tmp, name) }
	data := file("data")
	keys, auth := stewards(t, 1)
	addr := freeAddr(t)
	serveArgs := []string{"--admin-key", auth, "--checkpoint-every", "2", "--checkpoint-interval", "1h"}
	h := startHub(t, data, addr, serveArgs...)
	writeInvites(t, addr, keys[0], 3)
	if out, err := polis(t, "backup", "--data", data, "--out", file("old.backup")); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	chainHead(t, addr, keys[0], file("kept-at-backup.txt"))
	writeInvites(t, addr, keys[0], 6)
	var published int
	fmt.Sscanf(chainHead(t, addr, keys[0], file("kept-later.txt")), "checkpoint %d:", &published)
	stopHub(t, h)

	// The ordinary restore still works, and says what it cannot know.
	out, err := polis(t, "restore", "--in", file("old.backup"), "--data", file("plain"))
	if err != nil || !strings.Contains(out, "restore knows of no checkpoint published after this backup's") {
		t.Fatalf("plain restore: %v\n%s", err, out)
	}
	kept, keptSize, _ := verifiedHead(t, file("plain"))

	// Told of the later head, restore refuses, naming both heights.
	out, err = polis(t, "restore", "--in", file("old.backup"), "--data", file("new"), "--head", file("kept-later.txt"))
	want := fmt.Sprintf("the backup ends at checkpoint %d (size %d), but --head is checkpoint %d", kept, keptSize, published)
	if err == nil || !strings.Contains(out, want) || !strings.Contains(out, "--rollback") {
		t.Fatalf("restore of an old backup: %v\n%s", err, out)
	}
	if _, err := os.Stat(file("new")); !os.IsNotExist(err) {
		t.Fatal("a refused restore left its dir")
	}
	// With --rollback it resumes above the published head...
	out, err = polis(t, "restore", "--in", file("old.backup"), "--data", file("new"), "--head", file("kept-later.txt"), "--rollback")
	if err != nil || !strings.Contains(out, fmt.Sprintf("ROLLBACK: checkpoints %d..%d were published", kept+1, published)) {
		t.Fatalf("restore --rollback: %v\n%s", err, out)
	}
	_, _, vout := verifiedHead(t, file("new"))
	if !strings.Contains(vout, fmt.Sprintf("rollback: checkpoints %d..%d were abandoned", kept+1, published)) {
		t.Fatalf("verify does not report the rollback:\n%s", vout)
	}
	// ...and, served again, seals the height after it: no published height
	// is ever signed twice.
	h = startHub(t, file("new"), addr, serveArgs...)
	writeInvites(t, addr, keys[0], 1)
	chainHead(t, addr, keys[0], file("kept-after-rollback.txt"))
	stopHub(t, h)
	if height, _, _ := verifiedHead(t, file("new")); height != published+2 {
		t.Fatalf("the rolled-back hub sealed height %d, want %d", height, published+2)
	}
	since := func(data, kept string) (string, error) {
		return polis(t, "verify", "--data", data, "--since", file(kept))
	}
	if out, err := since(file("new"), "kept-at-backup.txt"); err != nil || !strings.Contains(out, "since ok:") {
		t.Fatalf("since a head before the rollback: %v\n%s", err, out)
	}
	if out, err := since(file("new"), "kept-later.txt"); err == nil || !strings.Contains(out, "ALARM:") || !strings.Contains(out, "rolled back past it") {
		t.Fatalf("since a head the rollback lost: %v\n%s", err, out)
	}

	// Two hubs from one backup, diverging: a member who kept the head of
	// one is alarmed by the other, with the export or the data dir.
	for _, fork := range []string{"fork-a", "fork-b"} {
		if out, err := polis(t, "restore", "--in", file("old.backup"), "--data", file(fork)); err != nil {
			t.Fatalf("restore %s: %v\n%s", fork, err, out)
		}
		h := startHub(t, file(fork), addr, serveArgs...)
		writeInvites(t, addr, keys[0], 2)
		chainHead(t, addr, keys[0], file(fork+".txt"))
		stopHub(t, h)
	}
	if out, err := since(file("fork-a"), "fork-a.txt"); err != nil || !strings.Contains(out, "since ok:") {
		t.Fatalf("a hub extends its own head: %v\n%s", err, out)
	}
	if out, err := polis(t, "checkpoint", "export", "--data", file("fork-b"), "--out", file("fork-b.polis")); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"verify", "--data", file("fork-b"), "--since", file("fork-a.txt")},
		{"verify", "--file", file("fork-b.polis"), "--since", file("fork-a.txt")},
	} {
		out, err := polis(t, args...)
		if err == nil || !strings.Contains(out, "ALARM:") || !strings.Contains(out, "two histories") {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}

	// With only a consistency proof from the hub, no whole log.
	key, _ := os.ReadFile(filepath.Join(data, "hub.pub"))
	h = startHub(t, file("fork-a"), addr, serveArgs...)
	c, err := dial(t, addr, keys[0])
	if err != nil {
		t.Fatal(err)
	}
	var head struct{ Size int }
	jh, _, _, _ := run(c, "", "chain head --json")
	json.Unmarshal([]byte(jh), &head)
	proof, stderr, code, err := run(c, "", fmt.Sprintf("chain consistency %d %d --json", keptSize, head.Size))
	c.Close()
	stopHub(t, h)
	if err != nil || code != 0 {
		t.Fatalf("chain consistency: %v %s", err, stderr)
	}
	os.WriteFile(file("proof.json"), []byte(proof), 0o600)
	out, err = polis(t, "verify", "--since", file("kept-at-backup.txt"), "--consistency", file("proof.json"), "--key", strings.TrimSpace(string(key)))
	if err != nil || !strings.Contains(out, "since ok:") {
		t.Fatalf("verify --consistency: %v\n%s", err, out)
	}
}

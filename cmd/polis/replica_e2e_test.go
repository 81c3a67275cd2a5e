package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var tamperBuild builtBinary

// polisTamperBinary builds the binary with the polistamper tag: a node
// started with POLIS_TAMPER_APPLY=1 stamps its events a millisecond late
// (replica/tamper_on.go). Normal builds have no such path.
func polisTamperBinary(t *testing.T) string { return tamperBuild.get(t, "-tags", "polistamper") }

// replicaHub is a replicated hub of real `polis serve` processes, one per
// node, on loopback.
type replicaHub struct {
	t     *testing.T
	bin   string
	out   string
	base  int // node I's SSH door is base+I; its CometBFT RPC base+5+2I
	procs []*hubProc
}

// replicaHead is what the test compares of `chain head --json`.
type replicaHead struct {
	Height int64  `json:"height"`
	Size   int64  `json:"size"`
	Root   string `json:"root"`
	State  string `json:"state"`
}

// freePortRun finds n free loopback ports in a row, below the kernel's
// ephemeral range (32768 and up on Linux): the nodes restart on their
// ports, and a port the kernel may hand to an outgoing connection
// meanwhile would refuse the restart.
func freePortRun(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		base := 20000 + rand.IntN(12000-n)
		ok := true
		for p := base; p < base+n && ok; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if ok = err == nil; ok {
				l.Close()
			}
		}
		if ok {
			return base
		}
	}
	t.Fatal("no run of free ports")
	return 0
}

func newReplicaHub(t *testing.T, n int, adminFile string) *replicaHub {
	t.Helper()
	r := &replicaHub{t: t, bin: polisBinary(t), out: filepath.Join(t.TempDir(), "hub"), procs: make([]*hubProc, n)}
	// SSH doors, then a p2p and an RPC port per node.
	r.base = freePortRun(t, 3*n)
	out, err := exec.Command(r.bin, "replica", "init", "--nodes", fmt.Sprint(n), "--out", r.out,
		"--ssh-port-base", fmt.Sprint(r.base), "--admin-key", adminFile).CombinedOutput()
	if err != nil {
		t.Fatalf("replica init: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		for _, p := range r.procs {
			if p != nil {
				p.kill()
			}
		}
	})
	return r
}

func (r *replicaHub) dir(i int) string  { return filepath.Join(r.out, fmt.Sprintf("node%d", i)) }
func (r *replicaHub) addr(i int) string { return fmt.Sprintf("127.0.0.1:%d", r.base+i) }

// start runs node i from bin (the plain binary if ""), with env added.
func (r *replicaHub) start(i int, bin string, env ...string) {
	r.t.Helper()
	if bin == "" {
		bin = r.bin
	}
	r.procs[i] = startHubWith(r.t, bin, env, r.dir(i), r.addr(i))
}

// stop sends SIGTERM to the nodes and waits for each to exit cleanly.
func (r *replicaHub) stop(nodes ...int) {
	r.t.Helper()
	for _, i := range nodes {
		r.procs[i].cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, i := range nodes {
		p := r.procs[i]
		if !p.wait(60 * time.Second) {
			r.t.Fatalf("node %d did not stop on SIGTERM:\n%s", i, p.output())
		}
		if code := p.cmd.ProcessState.ExitCode(); code != 0 {
			r.t.Fatalf("node %d exited %d on SIGTERM:\n%s", i, code, p.output())
		}
		r.procs[i] = nil
	}
}

// ssh runs one command on node i's door as k, on a fresh connection.
func (r *replicaHub) ssh(i int, k testKey, stdin, command string) (string, string, int) {
	r.t.Helper()
	c, err := dial(r.t, r.addr(i), k)
	if err != nil {
		r.t.Fatalf("node %d: dial: %v", i, err)
	}
	defer c.Close()
	o, e, code, err := run(c, stdin, command)
	if err != nil {
		r.t.Fatalf("node %d: %s: %v", i, command, err)
	}
	return o, e, code
}

// must runs a command that must succeed and returns its stdout.
func (r *replicaHub) must(i int, k testKey, stdin, command string) string {
	r.t.Helper()
	o, e, code := r.ssh(i, k, stdin, command)
	if code != 0 {
		r.t.Fatalf("node %d: %s: exit %d: %s%s", i, command, code, o, e)
	}
	return o
}

func (r *replicaHub) head(i int, k testKey) replicaHead {
	r.t.Helper()
	var h replicaHead
	if err := json.Unmarshal([]byte(r.must(i, k, "", "chain head --json")), &h); err != nil {
		r.t.Fatalf("node %d: chain head --json: %v", i, err)
	}
	return h
}

// eventsPerWrite is what each write this test makes (a vote, an invite)
// adds to a replicated hub's log: its one event, led by the node.relayed
// event that names the node it came through.
const eventsPerWrite = 2

// agree waits until the running nodes among nodes hold the same head,
// covering at least size events, and returns it. Nodes catch up at their
// own pace: only the deadline is generous, nothing is timed.
func (r *replicaHub) agree(k testKey, size int64, nodes ...int) replicaHead {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		heads := make([]replicaHead, len(nodes))
		same := true
		for j, i := range nodes {
			heads[j] = r.head(i, k)
			same = same && heads[j] == heads[0] && heads[j].Size >= size
		}
		if same {
			return heads[0]
		}
		if time.Now().After(deadline) {
			for j, i := range nodes {
				r.t.Logf("node %d: %+v", i, heads[j])
			}
			r.t.Fatalf("nodes %v never agreed on a head of at least %d events", nodes, size)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tally is proposal id's count as node i shows it to k.
func (r *replicaHub) tally(i int, k testKey, id string) (count struct {
	Yes int `json:"yes"`
	No  int `json:"no"`
}, mine string) {
	r.t.Helper()
	var p struct {
		Tally  json.RawMessage `json:"tally"`
		MyVote struct {
			Choice string `json:"choice"`
		} `json:"my_vote"`
	}
	if err := json.Unmarshal([]byte(r.must(i, k, "", "proposal show "+id+" --json")), &p); err != nil {
		r.t.Fatalf("node %d: proposal show --json: %v", i, err)
	}
	if err := json.Unmarshal(p.Tally, &count); err != nil {
		r.t.Fatal(err)
	}
	return count, p.MyVote.Choice
}

// appHash is node i's last block's app hash, from CometBFT's own RPC.
func (r *replicaHub) appHash(i int) string {
	r.t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/status", r.base+5+2*i))
	if err != nil {
		r.t.Fatalf("node %d: RPC status: %v", i, err)
	}
	defer resp.Body.Close()
	var s struct {
		Result struct {
			SyncInfo struct {
				AppHash string `json:"latest_app_hash"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || s.Result.SyncInfo.AppHash == "" {
		r.t.Fatalf("node %d: RPC status: %v", i, err)
	}
	return s.Result.SyncInfo.AppHash
}

// The faults, with the real binary: four nodes, members acting
// through different ones, one node killed and caught up, no quorum and
// back, a full restart, offline verification, and a tampered node.
func TestReplicaEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs four consensus nodes")
	}
	tamperBin := polisTamperBinary(t)
	start := time.Now()
	phase := func(name string) { t.Logf("%5.1fs %s", time.Since(start).Seconds(), name) }
	adminKeys, adminFile := stewards(t, 1)
	alice, bob, carol := adminKeys[0], newKey(t), newKey(t)
	r := newReplicaHub(t, 4, adminFile)
	all := []int{0, 1, 2, 3}
	for _, i := range all {
		r.start(i, "")
	}

	phase("started")
	// Members join and vote through different nodes; the tally is the
	// same on every node. A node answers from what it has committed, and
	// may be a block behind the one that answered a write: a member who
	// acts through another node right away may not find what they just
	// made there yet, so each step waits for every node to hold it.
	code := lastLine(r.must(0, alice, "", "invite create --uses 2"))
	r.agree(alice, 0, all...)
	r.must(1, bob, "", "join "+code+" --name bob")
	r.must(2, carol, "", "join "+code+" --name carol")
	id := lastLine(r.must(2, alice, "Blue, this time.\n", "proposal new --title Paint --kind text"))
	r.agree(alice, 0, all...)
	r.must(3, bob, "", "vote "+id+" yes")
	r.must(0, alice, "", "vote "+id+" no")
	h := r.agree(alice, 0, all...)
	for _, i := range all {
		if c, _ := r.tally(i, alice, id); c.Yes != 1 || c.No != 1 {
			t.Fatalf("node %d counts %+v, want 1 yes, 1 no", i, c)
		}
	}

	phase("joined and voted through four nodes")
	// kill -9 one node: writes on the other three go on; back up, it
	// catches up to the same head and state digest.
	r.procs[3].kill()
	r.procs[3] = nil
	r.must(1, carol, "", "vote "+id+" yes")
	r.must(2, alice, "", "invite create")
	h = r.agree(alice, h.Size+2*eventsPerWrite, 0, 1, 2)
	r.start(3, "")
	if got := r.agree(alice, h.Size, all...); got != h {
		t.Fatalf("after its restart node 3 agrees on %+v, the others held %+v", got, h)
	}

	phase("killed, caught up")
	// A second node down with one already down: a write is not committed,
	// says so, and is applied once the nodes are back.
	r.stop(1)
	r.must(3, alice, "", "invite create") // three of four still commit
	r.stop(2)
	o, e, code2 := r.ssh(0, bob, "", "vote "+id+" no")
	if code2 == 0 || !strings.Contains(e, "not committed") || !strings.Contains(e, "two thirds") ||
		!strings.Contains(e, "your request will be applied if it is committed later") {
		t.Fatalf("a write without quorum: exit %d, %q %q", code2, o, e)
	}
	r.start(1, "")
	r.start(2, "")
	h = r.agree(alice, h.Size+2*eventsPerWrite, all...)
	for _, i := range all {
		if c, mine := r.tally(i, bob, id); c.Yes != 1 || c.No != 2 || mine != "no" {
			t.Fatalf("node %d: after the quorum came back, count %+v and bob's vote %q; want his vote of no applied", i, c, mine)
		}
	}

	phase("no quorum, and back")
	// An export of one node verifies offline, once the validators have
	// cosigned its head.
	export := filepath.Join(t.TempDir(), "export")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if err := os.WriteFile(export, []byte(r.must(1, alice, "", "chain export")), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(r.bin, "verify", "--file", export).CombinedOutput()
		if err != nil {
			t.Fatalf("verify --file of node 1's export: %v\n%s", err, out)
		}
		if strings.Contains(string(out), fmt.Sprintf("verify ok: %d events", h.Size)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node 1's export never covered its head of %d events: %s", h.Size, out)
		}
	}

	phase("export verified")
	// Every node stopped and restarted replays to the same app hash and
	// head; each stopped node's data dir verifies.
	hashes := make([]string, 4)
	for _, i := range all {
		hashes[i] = r.appHash(i)
	}
	r.stop(all...)
	for _, i := range all {
		out, err := exec.Command(r.bin, "verify", "--data", r.dir(i)).CombinedOutput()
		if err != nil || !strings.Contains(string(out), fmt.Sprintf("verify ok: %d events", h.Size)) {
			t.Fatalf("verify --data node %d: %v\n%s", i, err, out)
		}
	}
	for _, i := range all {
		r.start(i, "")
	}
	if got := r.agree(alice, h.Size, all...); got != h {
		t.Fatalf("after restarting every node they agree on %+v, before on %+v", got, h)
	}
	for _, i := range all {
		if got := r.appHash(i); got != hashes[i] || got != hashes[0] {
			t.Fatalf("node %d: app hash %s after the restart, %s before (node 0: %s)", i, got, hashes[i], hashes[0])
		}
	}

	phase("restarted, verified")
	// A node whose apply is tampered with diverges at its next block with
	// events and is caught by CometBFT at the block after (the next
	// header carries the app hash): its consensus halts, and the node
	// stops, non-zero, saying why. The others go on committing writes.
	r.stop(3)
	r.start(3, tamperBin, "POLIS_TAMPER_APPLY=1")
	tampered := r.procs[3]
	writes := 0
	for deadline := time.Now().Add(60 * time.Second); ; writes++ {
		select {
		case <-tampered.exited:
		default:
			if time.Now().After(deadline) {
				t.Fatalf("the tampered node still runs after %d writes:\n%s", writes, tampered.output())
			}
			r.must(writes%3, alice, "", "invite create")
			continue
		}
		break
	}
	r.procs[3] = nil
	out := tampered.output()
	if code := tampered.cmd.ProcessState.ExitCode(); code == 0 || !strings.Contains(out, "wrong Block.Header.AppHash") ||
		!strings.Contains(out, "consensus halted") {
		t.Fatalf("the tampered node exited %d, and its output does not name an app hash mismatch and a halt:\n%s", code, out)
	}
	r.must(0, alice, "", "invite create")
	r.must(1, alice, "", "invite create")
	good := r.agree(alice, h.Size+int64(writes+2)*eventsPerWrite, 0, 1, 2)
	// Its own data dir is consistent with itself, and a fork of the hub's.
	vout, err := exec.Command(r.bin, "verify", "--data", r.dir(3)).CombinedOutput()
	st, _ := base64.StdEncoding.DecodeString(good.State)
	if err != nil || strings.Contains(string(vout), hex.EncodeToString(st)[:12]) {
		t.Fatalf("verify --data of the tampered node: %v (the others' state %x)\n%s", err, st[:6], vout)
	}
	phase("tampered node caught")
	t.Logf("tampered node caught after %d writes; %s", writes, strings.TrimSpace(string(vout)))
}

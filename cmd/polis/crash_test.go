package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// The promise: kill -9 at any moment during a storm of concurrent writes,
// and every write that was acknowledged is there after restart, and
// `polis verify` passes.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	keys := make([]testKey, 4)
	var auth strings.Builder
	for i := range keys {
		keys[i] = newKey(t)
		auth.WriteString(keys[i].line + " steward" + string(rune('a'+i)) + "\n")
	}
	authFile := filepath.Join(t.TempDir(), "admins.pub")
	if err := os.WriteFile(authFile, []byte(auth.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	h := startHub(t, data, addr, "--admin-key", authFile, "--checkpoint-every", "50")

	var mu sync.Mutex
	var acked []string // invite codes whose creation was acknowledged
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, err := dial(t, addr, keys[w%len(keys)])
			if err != nil {
				return
			}
			defer c.Close()
			for {
				select {
				case <-stop:
					return
				default:
				}
				stdout, _, code, err := run(c, "", "invite create --uses 1")
				if err != nil {
					return // the hub died under us: not acknowledged
				}
				if code == 0 {
					mu.Lock()
					acked = append(acked, lastLine(stdout))
					mu.Unlock()
				}
			}
		}(w)
	}
	// Let the storm run, then kill -9 in the middle of it.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.kill()
	close(stop)
	wg.Wait()
	mu.Lock()
	codes := append([]string(nil), acked...)
	mu.Unlock()
	if len(codes) == 0 {
		t.Fatalf("no write was acknowledged before the kill:\n%s", h.output())
	}

	// Restart on the same data and check every acknowledged write.
	h2 := startHub(t, data, addr)
	c, err := dial(t, addr, keys[0])
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code, err := run(c, "", "invite list --json")
	c.Close()
	if err != nil || code != 0 {
		t.Fatalf("invite list: %v %d %s", err, code, stderr)
	}
	var invites []state.Invite
	if err := json.Unmarshal([]byte(stdout), &invites); err != nil {
		t.Fatalf("invite list json: %v\n%s", err, stdout)
	}
	have := map[string]bool{}
	for _, inv := range invites {
		have[inv.CodeHash] = true
	}
	for _, code := range codes {
		if !have[state.HashCode(code)] {
			t.Fatalf("acknowledged invite %q lost after kill -9 (%d acked, %d present)", code, len(codes), len(invites))
		}
	}
	t.Logf("%d acknowledged writes before kill -9, %d present after restart", len(codes), len(invites))

	// A clean stop, then the whole chain verifies.
	h2.cmd.Process.Signal(os.Interrupt)
	if !h2.wait(60 * time.Second) {
		t.Fatalf("hub did not stop on interrupt:\n%s", h2.output())
	}
	out, err := exec.Command(polisBinary(t), "verify", "--data", data).CombinedOutput()
	if err != nil {
		t.Fatalf("verify after crash: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "verify ok") {
		t.Fatalf("verify output: %s", out)
	}
}

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// inviteStorm is writers creating invites over SSH as fast as they are
// acknowledged, each on its own connection.
type inviteStorm struct {
	mu    sync.Mutex
	acked []string // invite codes whose creation was acknowledged
	stop  chan struct{}
	wg    sync.WaitGroup
}

func startInviteStorm(t *testing.T, addr string, keys []testKey, writers int) *inviteStorm {
	s := &inviteStorm{stop: make(chan struct{})}
	for w := 0; w < writers; w++ {
		s.wg.Add(1)
		go func(w int) {
			defer s.wg.Done()
			c, err := dial(t, addr, keys[w%len(keys)])
			if err != nil {
				return
			}
			defer c.Close()
			for {
				select {
				case <-s.stop:
					return
				default:
				}
				stdout, _, code, err := run(c, "", "invite create --uses 1")
				if err != nil {
					return // the hub died under us: not acknowledged
				}
				if code == 0 {
					s.mu.Lock()
					s.acked = append(s.acked, lastLine(stdout))
					s.mu.Unlock()
				}
			}
		}(w)
	}
	return s
}

// waitAcked waits until n writes are acknowledged, or d passes.
func (s *inviteStorm) waitAcked(n int, d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		s.mu.Lock()
		got := len(s.acked)
		s.mu.Unlock()
		if got >= n {
			return
		}
	}
}

// halt stops the writers and returns what was acknowledged.
func (s *inviteStorm) halt() []string {
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acked...)
}

// checkInvites fails unless every code in codes is an invite of the hub at
// addr; it returns how many invites the hub has.
func checkInvites(t *testing.T, addr string, k testKey, codes []string) int {
	t.Helper()
	c, err := dial(t, addr, k)
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
			t.Fatalf("acknowledged invite %q lost (%d acked, %d present)", code, len(codes), len(invites))
		}
	}
	return len(invites)
}

// restartAndVerify starts the hub again on data, checks that every invite
// in codes is there, stops it cleanly and runs polis verify on the dir; it
// returns how many invites the hub has.
func restartAndVerify(t *testing.T, data, addr string, k testKey, codes []string) int {
	t.Helper()
	h := startHub(t, data, addr)
	n := checkInvites(t, addr, k, codes)
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		t.Fatalf("hub did not stop on interrupt:\n%s", h.output())
	}
	out, err := exec.Command(polisBinary(t), "verify", "--data", data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "verify ok") {
		t.Fatalf("verify after the restart: %v\n%s", err, out)
	}
	return n
}

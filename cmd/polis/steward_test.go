package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// noLimits lets one test address storm the hub.
var noLimits = []string{"--conn-rate-per-ip", "-1", "--max-startups-per-ip", "-1", "--max-sessions-per-ip", "-1", "--max-sessions-per-key", "-1"}

// stewards writes an authorized_keys file for n new keys.
func stewards(t *testing.T, n int) ([]testKey, string) {
	t.Helper()
	keys := make([]testKey, n)
	var auth strings.Builder
	for i := range keys {
		keys[i] = newKey(t)
		auth.WriteString(keys[i].line + " steward" + string(rune('a'+i)) + "\n")
	}
	f := filepath.Join(t.TempDir(), "admins.pub")
	if err := os.WriteFile(f, []byte(auth.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return keys, f
}

// storm creates invites from many SSH clients until stopped, and keeps the
// codes of those acknowledged, in order. With fresh, each command dials its
// own connection, as `ssh hub invite create` does.
type storm struct {
	mu    sync.Mutex
	acked []string
	stop  chan struct{}
	wg    sync.WaitGroup
}

func startStorm(t *testing.T, addr string, keys []testKey, workers int, fresh bool) *storm {
	s := &storm{stop: make(chan struct{})}
	for w := 0; w < workers; w++ {
		s.wg.Add(1)
		go func(k testKey) {
			defer s.wg.Done()
			c, err := dial(t, addr, k)
			if err != nil {
				return
			}
			defer func() {
				if c != nil {
					c.Close()
				}
			}()
			for {
				select {
				case <-s.stop:
					return
				default:
				}
				if fresh {
					c.Close()
					if c, err = dial(t, addr, k); err != nil {
						return // the hub stopped listening
					}
				}
				out, _, code, err := run(c, "", "invite create --uses 1")
				if err != nil {
					return // the hub went away: not acknowledged
				}
				if code == 0 {
					s.mu.Lock()
					s.acked = append(s.acked, lastLine(out))
					s.mu.Unlock()
				}
			}
		}(keys[w%len(keys)])
	}
	return s
}

func (s *storm) codes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acked...)
}

// waitFor waits until at least n writes were acknowledged.
func (s *storm) waitFor(t *testing.T, n int, h *hubProc) {
	t.Helper()
	for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if len(s.codes()) >= n {
			return
		}
	}
	t.Fatalf("only %d writes acknowledged:\n%s", len(s.codes()), h.output())
}

func (s *storm) end() []string {
	close(s.stop)
	s.wg.Wait()
	return s.codes()
}

// inviteHashes opens a stopped hub's store and returns its invites' hashes.
func inviteHashes(t *testing.T, data string) (map[string]bool, store.Stats, state.Head) {
	t.Helper()
	st, err := store.Open(store.Options{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	invs, err := state.NewHub(st).Invites()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, inv := range invs {
		have[inv.CodeHash] = true
	}
	head, _ := st.Head()
	return have, st.Stats(), head
}

func polis(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(polisBinary(t), args...).CombinedOutput()
	return string(out), err
}

// SIGTERM in the middle of a storm of writes: the hub stops accepting,
// lets what runs finish, seals and exits 0; every acknowledged write is
// there after restart and the last checkpoint covers the whole log.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	keys, auth := stewards(t, 4)
	addr := freeAddr(t)
	h := startHub(t, data, addr, append([]string{"--admin-key", auth, "--checkpoint-every", "1000", "--checkpoint-interval", "1h"}, noLimits...)...)
	s := startStorm(t, addr, keys, 12, true)
	s.waitFor(t, 150, h)
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		h.kill()
		t.Fatalf("hub did not stop:\n%s", h.output())
	}
	codes := s.end()
	if code := h.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, h.output())
	}
	out := h.output()
	if !strings.Contains(out, "shutting down") || !regexp.MustCompile(`stopped .*unsealed=0`).MatchString(out) {
		t.Fatalf("shutdown log:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(data, controlSocket)); !os.IsNotExist(err) {
		t.Fatalf("control socket left behind: %v", err)
	}
	// With an hour between timed seals, only the shutdown can have sealed
	// the tail.
	vout, err := polis(t, "verify", "--data", data)
	if err != nil || !strings.Contains(vout, " 0 unsealed") {
		t.Fatalf("verify after shutdown: %v\n%s", err, vout)
	}
	have, stats, head := inviteHashes(t, data)
	for _, c := range codes {
		if !have[state.HashCode(c)] {
			t.Fatalf("acknowledged invite %q lost (%d acknowledged, %d present)", c, len(codes), len(have))
		}
	}
	if uint64(head.Size) != stats.Size {
		t.Fatalf("last checkpoint covers %d of %d events", head.Size, stats.Size)
	}
	t.Logf("%d writes acknowledged before and during the shutdown, all present; head %d at size %d", len(codes), head.Height, head.Size)
}

var backedUp = regexp.MustCompile(`backup of (\d+) events \(checkpoint (\d+)\)`)

// A backup taken over the control socket while writers keep going restores
// into a hub that verifies, has the chain head the backup names, and holds
// every write acknowledged before the backup began.
func TestBackupWhileServingRestores(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	data, file := filepath.Join(tmp, "data"), filepath.Join(tmp, "hub.backup")
	keys, auth := stewards(t, 4)
	addr := freeAddr(t)
	h := startHub(t, data, addr, append([]string{"--admin-key", auth, "--checkpoint-every", "40"}, noLimits...)...)
	defer h.kill()
	s := startStorm(t, addr, keys, 8, false)
	s.waitFor(t, 200, h)
	before := s.codes()
	out, err := polis(t, "backup", "--data", data, "--out", file)
	during := s.codes()
	if err != nil {
		s.end()
		t.Fatalf("backup: %v\n%s\n%s", err, out, h.output())
	}
	m := backedUp.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup output: %s", out)
	}
	size, _ := strconv.ParseUint(m[1], 10, 64)
	height, _ := strconv.ParseInt(m[2], 10, 64)
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", err, fi.Mode())
	}
	if !strings.Contains(h.output(), "backup done") {
		t.Fatalf("the hub did not serve the backup:\n%s", h.output())
	}
	// Never overwritten.
	if out, err := polis(t, "backup", "--data", data, "--out", file); err == nil || !strings.Contains(out, "never overwrites") {
		t.Fatalf("second backup to the same file: %v %s", err, out)
	}
	s.end()

	restored := filepath.Join(tmp, "restored")
	out, err = polis(t, "restore", "--in", file, "--data", restored)
	if err != nil || !strings.Contains(out, fmt.Sprintf("restored %d events (checkpoint %d", size, height)) || !strings.Contains(out, "verify ok") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	vout, err := polis(t, "verify", "--data", restored)
	if err != nil || !strings.Contains(vout, fmt.Sprintf("head %d", height)) {
		t.Fatalf("verify of the restored hub: %v\n%s", err, vout)
	}
	have, stats, head := inviteHashes(t, restored)
	if stats.Size != size || head.Height != height {
		t.Fatalf("restored %d events, head %d; the backup said %d, %d", stats.Size, head.Height, size, height)
	}
	for _, c := range before {
		if !have[state.HashCode(c)] {
			t.Fatalf("invite acknowledged before the backup is missing from it")
		}
	}
	// The head is the live hub's checkpoint of that height, byte for byte.
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		t.Fatalf("hub did not stop:\n%s", h.output())
	}
	var exp bytes.Buffer
	live, err := store.Open(store.Options{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	live.WriteExport(&exp)
	live.Close()
	x, err := state.ReadExport(&exp)
	if err != nil || int64(len(x.Checkpoints)) < height || string(x.Checkpoints[height-1]) != head.Note {
		t.Fatalf("restored head %d is not the live hub's checkpoint %d (%v)", head.Height, height, err)
	}
	t.Logf("backup of %d events (head %d) with %d acknowledged before it and %d by its end", size, height, len(before), len(during))

	// A stopped hub is read directly.
	offline := filepath.Join(tmp, "offline.backup")
	if out, err := polis(t, "backup", "--data", data, "--out", offline); err != nil || backedUp.FindStringSubmatch(out) == nil {
		t.Fatalf("offline backup: %v\n%s", err, out)
	}
}

func TestRestoreRefusals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	notBackup := filepath.Join(tmp, "notes.txt")
	os.WriteFile(notBackup, []byte("hello\n"), 0o600)
	full := filepath.Join(tmp, "full")
	os.MkdirAll(full, 0o700)
	os.WriteFile(filepath.Join(full, "x"), nil, 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"restore", "--in", notBackup, "--data", filepath.Join(tmp, "new")}, notBackup + ": not a polis backup"},
		{[]string{"restore", "--in", notBackup, "--data", full}, "is not empty"},
		{[]string{"restore", "--data", filepath.Join(tmp, "new")}, "--in FILE is required"},
		{[]string{"backup", "--data", tmp}, "--out FILE is required"},
		{[]string{"backup", "--data", tmp, "--out", filepath.Join(tmp, "x.backup")}, "inside the data dir"},
		{[]string{"backup", "--data", filepath.Join(tmp, "none"), "--out", filepath.Join(tmp, "b")}, "no polis data dir"},
	} {
		out, err := polis(t, c.args...)
		if err == nil || !strings.Contains(out, c.want) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("polis %q: %v\n%s", c.args, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "new")); !os.IsNotExist(err) {
		t.Error("a refused restore left a data dir behind")
	}
}

// A hub configured by file: JSON logs (and no banner), metrics that count
// what the SSH door did, a bad key refused by name.
func TestConfiguredHubLogsJSONAndServesMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	keys, auth := stewards(t, 1)
	maddr := freeAddr(t)
	cfg := filepath.Join(tmp, "polis.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("log-format = \"json\"\nmetrics = %q\nadmin-key = [%q]\nname = \"from the file\"\n", maddr, auth)), 0o600)
	addr := freeAddr(t)
	h := startHub(t, filepath.Join(tmp, "data"), addr, "--config", cfg)
	defer h.kill()
	c, err := dial(t, addr, keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, code, err := run(c, "", "whoami"); err != nil || code != 0 {
		t.Fatalf("whoami: %v %d %s", err, code, stderr)
	}
	run(c, "", "proposal show 999")
	c.Close()
	resp, err := http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`polis_commands_total{command="whoami",result="ok"} 1`,
		`polis_commands_total{command="proposal show",result="error"} 1`,
		`polis_sessions_total{kind="command"} 2`,
		"polis_log_size ",
		"polis_commit_batch_size_count",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(string(body), "polis_"))
		}
	}
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		t.Fatalf("hub did not stop:\n%s", h.output())
	}
	var serving map[string]any
	for _, line := range strings.Split(strings.TrimSpace(h.output()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if rec["msg"] == "serving" {
			serving = rec
		}
	}
	if serving == nil || serving["name"] != "from the file" || serving["level"] != "info" {
		t.Fatalf("serving record %v", serving)
	}

	// An unknown key is refused by name, before anything starts.
	os.WriteFile(cfg, []byte("listen = \"127.0.0.1:0\"\nlisten-addr = \"x\"\n"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, polisBinary(t), "serve", "--config", cfg, "--data", filepath.Join(tmp, "other")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), `unknown key "listen-addr"`) {
		t.Fatalf("unknown key: %v\n%s", err, out)
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

// roleEnv marks a process started as the hub child, so that a test binary
// re-executing itself knows to run the tool instead of the tests.
const roleEnv = "POLIS_LOAD_ROLE"

// hubProc is the hub child: a separate process so that its RSS, heap and
// CPU are the server's alone, not the load generator's.
type hubProc struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	ready readyMsg
	exec  time.Duration // from starting the process to its ready line

	mu     sync.Mutex // one request at a time
	exited chan struct{}
	err    error // the process's exit, once exited is closed
}

// startHub runs `polis-load hub` with args and waits for its ready line.
func startHub(logPath string, args ...string) (*hubProc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--hub-log: %w", err)
	}
	defer logf.Close() // the child holds its own copy
	cmd := exec.Command(self, append([]string{"hub"}, args...)...)
	cmd.Env = append(os.Environ(), roleEnv+"=hub")
	cmd.Stderr = logf
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &hubProc{cmd: cmd, in: in, out: bufio.NewReader(outp), exited: make(chan struct{})}
	line, rerr := h.out.ReadBytes('\n')
	h.exec = time.Since(start)
	if rerr != nil || json.Unmarshal(line, &h.ready) != nil || h.ready.Addr == "" {
		in.Close()
		werr := cmd.Wait()
		return nil, fmt.Errorf("the hub child did not start (%v; its log is in %s)", errors.Join(rerr, werr), logPath)
	}
	go func() {
		h.err = cmd.Wait()
		close(h.exited)
	}()
	return h, nil
}

// call sends one request and decodes its one-line answer into v.
func (h *hubProc) call(req string, v any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := io.WriteString(h.in, req+"\n"); err != nil {
		return fmt.Errorf("hub child: %w", err)
	}
	line, err := h.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("hub child: %w", err)
	}
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(line, &e) == nil && e.Error != "" {
		return fmt.Errorf("hub child: %s", e.Error)
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(line, v)
}

func (h *hubProc) mem() (memMsg, error) {
	var m memMsg
	err := h.call("mem", &m)
	return m, err
}

// rss is the child's resident set in bytes (VmRSS).
func (h *hubProc) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// clockTick is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux the tool targets.
const clockTick = 10 * time.Millisecond

// cpu is the child's user+system CPU time so far.
func (h *hubProc) cpu() (time.Duration, error) {
	return procCPU(h.cmd.Process.Pid)
}

func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields start after its ")".
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("odd /proc stat")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * clockTick, nil
}

// stop asks the child to close the hub and waits for it to exit.
func (h *hubProc) stop() error {
	_ = h.call("quit", nil)
	h.in.Close()
	select {
	case <-h.exited:
	case <-time.After(30 * time.Second):
		_ = h.cmd.Process.Kill()
		<-h.exited
		return errors.New("the hub child did not exit; killed it")
	}
	return h.err
}

// hostKeyCallback pins the child's host key.
func (h *hubProc) hostKeyCallback() (gossh.HostKeyCallback, error) {
	pk, _, _, _, err := gossh.ParseAuthorizedKey([]byte(h.ready.HostKey))
	if err != nil {
		return nil, fmt.Errorf("hub child host key: %w", err)
	}
	return gossh.FixedHostKey(pk), nil
}

// hostPublicKey is the authorized_keys form of a PEM private host key.
func hostPublicKey(pem []byte) (string, error) {
	k, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		return "", err
	}
	return state.KeyString(k.PublicKey()), nil
}

func hexSeed(b []byte) string { return hex.EncodeToString(b) }

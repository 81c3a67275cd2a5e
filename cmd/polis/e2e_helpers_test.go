package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A binary built once per test run, per set of build tags.
type builtBinary struct {
	once sync.Once
	path string
	err  error
}

var plainBuild, faultBuild builtBinary

// polisBinary builds the real binary once per test run.
func polisBinary(t *testing.T) string { return plainBuild.get(t) }

// polisFaultBinary builds the binary with the polisfault tag: it fails the
// Nth commit when POLIS_FAULT_COMMIT=N (state/store/fault_env.go). Normal builds
// have no such path.
func polisFaultBinary(t *testing.T) string { return faultBuild.get(t, "-tags", "polisfault") }

func (b *builtBinary) get(t *testing.T, flags ...string) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "polis-bin")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "polis")
		args := append(append([]string{"build"}, flags...), "-o", b.path, ".")
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

type testKey struct {
	signer gossh.Signer
	line   string
}

func newKey(t *testing.T) testKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{signer: s, line: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hubProc is a running `polis serve` child process.
type hubProc struct {
	cmd    *exec.Cmd
	addr   string
	out    *bytes.Buffer
	mu     *sync.Mutex
	exited chan struct{} // closed once the process has been waited for
}

// startHub runs `polis serve` and waits until it says it is serving.
func startHub(t *testing.T, data, addr string, args ...string) *hubProc {
	t.Helper()
	return startHubWith(t, polisBinary(t), nil, data, addr, args...)
}

// startHubWith runs `polis serve` from the binary bin with env added.
func startHubWith(t *testing.T, bin string, env []string, data, addr string, args ...string) *hubProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--data", data, "--listen", addr}, args...)...)
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &hubProc{cmd: cmd, addr: addr, out: &bytes.Buffer{}, mu: &sync.Mutex{}, exited: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			h.mu.Lock()
			h.out.WriteString(sc.Text() + "\n")
			h.mu.Unlock()
			// The banner, or its log record when logs are JSON.
			if strings.Contains(sc.Text(), "is serving on") || strings.Contains(sc.Text(), `"msg":"serving"`) {
				once.Do(func() { close(ready) })
			}
		}
	}()
	// The only Wait: tests use h.wait, never cmd.Wait.
	go func() { cmd.Wait(); pw.Close(); close(h.exited) }()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("hub did not start:\n%s", h.output())
	}
	return h
}

func (h *hubProc) output() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.out.String()
}

func dial(t testing.TB, addr string, k testKey) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "member",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(k.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
}

// run executes one SSH command and returns stdout, stderr and exit status.
func run(c *gossh.Client, stdin string, args string) (string, string, int, error) {
	s, err := c.NewSession()
	if err != nil {
		return "", "", -1, err
	}
	defer s.Close()
	var o, e bytes.Buffer
	s.Stdout, s.Stderr = &o, &e
	s.Stdin = strings.NewReader(stdin)
	err = s.Run(args)
	if ee, ok := err.(*gossh.ExitError); ok {
		return o.String(), e.String(), ee.ExitStatus(), nil
	}
	if err != nil {
		return o.String(), e.String(), -1, err
	}
	return o.String(), e.String(), 0, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// waitOutput waits until the hub has printed want.
func (h *hubProc) waitOutput(t *testing.T, want string) string {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if out := h.output(); strings.Contains(out, want) {
			return out
		}
	}
	t.Fatalf("hub never printed %q:\n%s", want, h.output())
	return ""
}

// wait waits for the process to exit, and says whether it did in time.
func (h *hubProc) wait(d time.Duration) bool {
	select {
	case <-h.exited:
		return true
	case <-time.After(d):
		return false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (h *hubProc) kill() {
	h.cmd.Process.Kill()
	h.wait(30 * time.Second)
}

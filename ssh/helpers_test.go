package ssh

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// newHub opens a fresh hub that seals a checkpoint with every commit, so
// chain commands see one without waiting on a timer.
func newHub(t testing.TB) *state.Hub {
	t.Helper()
	s, err := store.Open(store.Options{Dir: t.TempDir(), CheckpointEvery: 1, CheckpointInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "Test"}); err != nil {
		t.Fatal(err)
	}
	return state.NewHub(s)
}

// lockedBuffer collects server logs from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type testServer struct {
	*Server
	addr string
	logs *lockedBuffer
}

// startServer runs the real server on a random local port.
func startServer(t testing.TB, hub *state.Hub) *testServer {
	t.Helper()
	return startServerWith(t, hub, Config{})
}

// startServerWith is startServer with cfg's limits, timeouts and observer.
func startServerWith(t testing.TB, hub *state.Hub, cfg Config) *testServer {
	t.Helper()
	logs := &lockedBuffer{}
	cfg.HostKeyPath = filepath.Join(t.TempDir(), "ssh_host_ed25519")
	if cfg.FileLimit == 0 {
		cfg.FileLimit = -1 // the defaults, whatever this machine's limit
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := New(hub, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: srv, logs: logs}
	ts.addr = ts.listen(t, nil)
	return ts
}

// listen serves on one more local port and returns its address. With
// from set, every connection there claims to come from that IP: all test
// traffic is loopback, and this is how a test speaks from "another address"
// (a PROXY-protocol listener rewrites remote addresses the same way).
func (ts *testServer) listen(t testing.TB, from net.IP) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener = l
	if from != nil {
		ln = &fromListener{Listener: l, ip: from}
	}
	done := make(chan error, 1)
	go func() { done <- ts.Serve(ln) }()
	t.Cleanup(func() {
		ts.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String()
}

type fromListener struct {
	net.Listener
	ip net.IP
}

func (f *fromListener) Accept() (net.Conn, error) {
	c, err := f.Listener.Accept()
	if err != nil {
		return nil, err
	}
	port := c.RemoteAddr().(*net.TCPAddr).Port
	return fromConn{Conn: c, addr: &net.TCPAddr{IP: f.ip, Port: port}}, nil
}

type fromConn struct {
	net.Conn
	addr net.Addr
}

func (f fromConn) RemoteAddr() net.Addr { return f.addr }

// user is someone holding a real ed25519 key.
type user struct {
	name   string
	signer gossh.Signer
	priv   ed25519.PrivateKey
}

func newUser(t testing.TB, name string) *user {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return &user{name: name, signer: s, priv: priv}
}

func (u *user) authorizedKey() string { return state.KeyString(u.signer.PublicKey()) }
func (u *user) fingerprint() string   { return state.Fingerprint(u.signer.PublicKey()) }

// impostor offers victim's public key but can only sign with its own
// private key: the offered-key attack of CVE-2023-43809.
type impostor struct {
	victim gossh.PublicKey
	own    gossh.Signer
}

func (i impostor) PublicKey() gossh.PublicKey { return i.victim }
func (i impostor) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return i.own.Sign(r, data)
}

type result struct {
	stdout, stderr string
	code           int
}

// dial connects with the given auth methods.
func dial(addr string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "anyone",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // a fresh host key per test
		Timeout:         30 * time.Second,
	})
}

// exec runs one command line without a pty and returns its output and
// exit status.
func exec(t testing.TB, addr string, signers []gossh.Signer, cmdline, stdin string) result {
	t.Helper()
	r, err := tryExecIn(addr, signers, cmdline, stdin)
	if err != nil {
		t.Fatalf("%q: %v", cmdline, err)
	}
	return r
}

func tryExec(addr string, signers []gossh.Signer, cmdline string) (result, error) {
	return tryExecIn(addr, signers, cmdline, "")
}

// tryExecIn is exec that reports connection failures instead of failing.
func tryExecIn(addr string, signers []gossh.Signer, cmdline, stdin string) (result, error) {
	c, err := dial(addr, gossh.PublicKeys(signers...))
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return result{}, err
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	if stdin != "" {
		sess.Stdin = strings.NewReader(stdin)
	}
	err = sess.Run(cmdline)
	code := 0
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	case err != nil:
		return result{}, err
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}, nil
}

func (u *user) run(t testing.TB, ts *testServer, cmdline string) result {
	t.Helper()
	return exec(t, ts.addr, []gossh.Signer{u.signer}, cmdline, "")
}

// quote makes one argument one word of the hub's split (splitLine): as it
// is if it has no whitespace and starts with no quote, else in whichever
// quote it never has before whitespace.
func quote(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\n\r") && a[0] != '\'' && a[0] != '"' {
		return a
	}
	for _, q := range []string{`"`, "'"} {
		if ws := splitLine(q + a + q); len(ws) == 1 && ws[0].text == a {
			return q + a + q
		}
	}
	panic(fmt.Sprintf("%q cannot be one word of a command line", a))
}

func cmdline(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = quote(a)
	}
	return strings.Join(q, " ")
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// checkFailure asserts the error contract: exit 1, one line on stderr.
func checkFailure(t testing.TB, what string, r result) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("%s: exit %d, want 1 (stdout %q, stderr %q)", what, r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stderr, "\n"); n != 1 || !strings.HasPrefix(r.stderr, "polis: ") {
		t.Errorf("%s: stderr is not one 'polis: ' line: %q", what, r.stderr)
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07\x9b\x9d") {
		t.Errorf("%s: stderr carries control characters: %q", what, r.stderr)
	}
}

func fingerprintOf(s gossh.Signer) string { return gossh.FingerprintSHA256(s.PublicKey()) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func countLines(s, sub string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

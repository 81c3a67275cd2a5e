package ssh

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/tui"
)

// recorder is an Observer that counts what it is told.
type recorder struct {
	mu       sync.Mutex
	started  map[string]int
	ended    map[string]int
	commands map[string]int // "name exit"
	refused  map[string]int
}

func newRecorder() *recorder {
	return &recorder{started: map[string]int{}, ended: map[string]int{}, commands: map[string]int{}, refused: map[string]int{}}
}

func (r *recorder) SessionStarted(kind string) { r.mu.Lock(); r.started[kind]++; r.mu.Unlock() }
func (r *recorder) SessionEnded(kind string)   { r.mu.Lock(); r.ended[kind]++; r.mu.Unlock() }
func (r *recorder) ConnRefused(reason string)  { r.mu.Lock(); r.refused[reason]++; r.mu.Unlock() }
func (r *recorder) CommandDone(name string, code int) {
	r.mu.Lock()
	r.commands[fmt.Sprintf("%s %d", name, code)]++
	r.mu.Unlock()
}

func (r *recorder) get(m map[string]int, k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return m[k]
}

// eventually waits for cond. The deadline only bounds a hung test; nothing
// asserts on timing.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestFloodDoesNotLockOutMembers: one address holds every unauthenticated
// connection it can and keeps opening more; a member elsewhere still gets
// in, and runs commands, at once.
func TestFloodDoesNotLockOutMembers(t *testing.T) {
	hub := newHub(t)
	rec := newRecorder()
	ts := startServerWith(t, hub, Config{Observer: rec})
	flooder := ts.listen(t, net.ParseIP("203.0.113.66"))
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")

	var held []net.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	// Twice the total startup limit: connections that never say a word,
	// and ones that start the protocol and stall before authenticating.
	for i := 0; i < 2*DefaultMaxStartups; i++ {
		c, err := net.Dial("tcp", flooder)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			_, _ = io.WriteString(c, "SSH-2.0-flood\r\n")
		}
		held = append(held, c)
	}
	eventually(t, "the flood meets the startup and rate limits", func() bool {
		return rec.get(rec.refused, refuseStartups) > 0 && rec.get(rec.refused, refuseRate) > 0
	})
	if c := ts.lim.counts(); c.inFlight > DefaultMaxStartupsPerIP {
		t.Fatalf("%d connections from one address in flight, limit %d", c.inFlight, DefaultMaxStartupsPerIP)
	}
	for i := 0; i < 5; i++ {
		if r := alice.run(t, ts, "whoami"); r.code != 0 || !strings.Contains(r.stdout, "alice") {
			t.Fatalf("alice during the flood: %+v", r)
		}
	}
	// Refused connections are closed before a byte of SSH: the client sees
	// the connection end, not a banner.
	refused := 0
	for _, c := range held {
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("no flood connection was closed")
	}
}

// TestBurstOfCommands: a member's script runs 50 commands back to back, and
// a few at once, from one address under the default limits.
func TestBurstOfCommands(t *testing.T) {
	hub := newHub(t)
	rec := newRecorder()
	ts := startServerWith(t, hub, Config{Observer: rec})
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")
	for i := 0; i < 50; i++ {
		if r := alice.run(t, ts, "whoami --json"); r.code != 0 {
			t.Fatalf("command %d: %+v", i, r)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 50)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 12; i++ {
				r, err := tryExec(ts.addr, []gossh.Signer{alice.signer}, "census")
				if err != nil || r.code != 0 {
					errs <- fmt.Sprintf("%v %+v", err, r)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error("concurrent command:", e)
	}
	if n := len(rec.refused); n != 0 {
		t.Fatalf("refusals under the defaults: %v", rec.refused)
	}
	if rec.get(rec.commands, "whoami 0") != 50 || rec.get(rec.commands, "census 0") != 48 {
		t.Fatalf("observed commands: %v", rec.commands)
	}
	eventually(t, "every session ended", func() bool {
		return rec.get(rec.ended, kindCommand) == 98 && ts.lim.counts().sessions == 0
	})
}

// holdApp opens an app session running a probe and waits until it shows.
func holdApp(t *testing.T, ts *testServer, u *user) *ptyClient {
	t.Helper()
	p := openPTY(t, ts.addr, u.signer, 80, 24, nil)
	p.waitScreen("probe ready")
	return p
}

func probeApp(ts *testServer) {
	withModel(ts, func(*state.Hub, tui.Identity, ...tui.Option) tea.Model {
		return &probe{body: "probe ready", sizes: make(chan tea.WindowSizeMsg, 8)}
	})
}

func TestSessionLimits(t *testing.T) {
	hub := newHub(t)
	rec := newRecorder()
	ts := startServerWith(t, hub, Config{Observer: rec, MaxSessionsPerKey: 2, MaxSessionsPerIP: 3, MaxSessions: 4, MemberShare: -1})
	other := ts.listen(t, net.ParseIP("198.51.100.2"))
	probeApp(ts)
	a, b, c := newUser(t, "a"), newUser(t, "b"), newUser(t, "c")

	holdApp(t, ts, a)
	holdApp(t, ts, a)
	r := a.run(t, ts, "census")
	checkFailure(t, "third session of a key", r)
	if !strings.Contains(r.stderr, "too many open sessions for this key (at most 2)") {
		t.Fatalf("per-key refusal: %q", r.stderr)
	}
	holdApp(t, ts, b)
	r = c.run(t, ts, "census")
	checkFailure(t, "fourth session from a network", r)
	if !strings.Contains(r.stderr, "from your network (at most 3)") {
		t.Fatalf("per-address refusal: %q", r.stderr)
	}
	// Another address still has room, up to the total.
	if r := exec(t, other, []gossh.Signer{c.signer}, "census", ""); r.code != 0 {
		t.Fatalf("another address: %+v", r)
	}
	openPTY(t, other, c.signer, 80, 24, nil).waitScreen("probe ready")
	r = exec(t, other, []gossh.Signer{newUser(t, "d").signer}, "census", "")
	checkFailure(t, "fifth session overall", r)
	if !strings.Contains(r.stderr, "session limit (4)") {
		t.Fatalf("total refusal: %q", r.stderr)
	}
	for _, reason := range []string{refusePerKey, refusePerIP, refuseTotal} {
		if rec.get(rec.refused, reason) == 0 {
			t.Errorf("observer never saw a %q refusal: %v", reason, rec.refused)
		}
	}
	if rec.get(rec.started, kindApp) != 4 {
		t.Errorf("app sessions started: %v", rec.started)
	}
}

// TestSessionsPerConnection: one connection multiplexes at most
// maxSessionsPerConn sessions.
func TestSessionsPerConnection(t *testing.T) {
	ts := startServer(t, newHub(t))
	c, err := dial(ts.addr, gossh.PublicKeys(newUser(t, "u").signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var open []*gossh.Session
	for i := 0; i < maxSessionsPerConn; i++ {
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		open = append(open, s)
	}
	if _, err := c.NewSession(); err == nil || !strings.Contains(err.Error(), "too many sessions") {
		t.Fatalf("session %d on one connection: %v", maxSessionsPerConn+1, err)
	}
	open[0].Close()
	eventually(t, "a closed session frees its place", func() bool {
		s, err := c.NewSession()
		if err == nil {
			s.Close()
		}
		return err == nil
	})
}

// TestEnvBounded: the server keeps at most maxEnvVars variables, each of a
// bounded size, however many a client sends.
func TestEnvBounded(t *testing.T) {
	_, s := newSession(t, startServer(t, newHub(t)))
	defer s.Close()
	if err := s.Setenv("BIG", strings.Repeat("x", maxEnvBytes)); err == nil {
		t.Fatal("an oversized variable was taken")
	}
	accepted := 0
	for i := 0; i < 3*maxEnvVars; i++ {
		if s.Setenv(fmt.Sprintf("V%d", i), "1") == nil {
			accepted++
		}
	}
	if accepted != maxEnvVars-1 {
		t.Fatalf("%d variables taken, want %d", accepted, maxEnvVars-1)
	}
	var out strings.Builder
	s.Stdout = &out
	if err := s.Run("census"); err != nil {
		t.Fatalf("the session after refused variables: %v", err)
	}
}

// TestHandshakeTimeout: a connection that never authenticates is closed,
// and its startup place is given back.
func TestHandshakeTimeout(t *testing.T) {
	ts := startServerWith(t, newHub(t), Config{HandshakeTimeout: 100 * time.Millisecond})
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("the silent connection was not closed: %v", err)
	}
	eventually(t, "the startup place is released", func() bool { return ts.lim.counts().inFlight == 0 })
}

// TestIdleMeansNoInput: a session that only receives output (an app the hub
// keeps redrawing) still ends after the idle timeout without input.
func TestIdleMeansNoInput(t *testing.T) {
	ts := startServerWith(t, newHub(t), Config{IdleTimeout: 300 * time.Millisecond})
	withModel(ts, func(*state.Hub, tui.Identity, ...tui.Option) tea.Model { return &ticker{} })
	p := openPTY(t, ts.addr, newUser(t, "u").signer, 80, 24, nil)
	p.waitScreen("tick")
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("a session without input outlived the idle timeout; screen:\n%s", p.screen())
	}
	eventually(t, "the connection is released", func() bool { c := ts.lim.counts(); return c.idle == 0 && c.sessions == 0 })
}

// ticker redraws every few milliseconds forever.
type ticker struct{ n int }

type tickMsg struct{}

func tick() tea.Msg { time.Sleep(10 * time.Millisecond); return tickMsg{} }

func (m *ticker) Init() tea.Cmd { return tick }
func (m *ticker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tickMsg); ok {
		m.n++
		return m, tick
	}
	return m, nil
}
func (m *ticker) View() tea.View { return tea.NewView(fmt.Sprintf("tick %d", m.n)) }

// TestCommandPanic: a panic in one command ends that session with a line
// and exit status 1, is logged with the session, and touches nothing else:
// the session's place is given back and the next command runs.
func TestCommandPanic(t *testing.T) {
	rec := newRecorder()
	ts := startServerWith(t, newHub(t), Config{Observer: rec})
	ts.execute = func(ctx context.Context, hub *state.Hub, who cmd.Identity, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		if len(args) > 0 && args[0] == "census" {
			panic("command boom")
		}
		return cmd.Execute(ctx, hub, who, args, stdin, stdout, stderr)
	}
	u := newUser(t, "u")
	r := u.run(t, ts, "census")
	checkFailure(t, "panicking command", r)
	if !strings.Contains(r.stderr, "internal error") {
		t.Fatalf("stderr %q", r.stderr)
	}
	if !containsAll(ts.logs.String(), "command boom", "session=", "panic in session") {
		t.Fatalf("panic not logged with the session:\n%s", ts.logs.String())
	}
	if r := u.run(t, ts, "whoami"); r.code != 0 {
		t.Fatalf("after the panic: %+v", r)
	}
	if rec.get(rec.commands, "census 1") != 1 || rec.get(rec.commands, "whoami 0") != 1 {
		t.Fatalf("observed commands: %v", rec.commands)
	}
	eventually(t, "both sessions ended", func() bool {
		return rec.get(rec.ended, kindCommand) == 2 && ts.lim.counts().sessions == 0
	})
}

// TestObserverNames: commands are named by their path in the tree, never
// by what the client typed, so a metric's labels stay few.
func TestObserverNames(t *testing.T) {
	rec := newRecorder()
	ts := startServerWith(t, newHub(t), Config{Observer: rec})
	u := newUser(t, "u")
	for _, c := range []string{"proposal list --state x", "frobnicate" + strings.Repeat("z", 100), cmdline("x\x1b]0;t\x07"), "", "help census", "'unbalanced"} {
		u.run(t, ts, c)
	}
	want := map[string]int{"proposal list 1": 1, "unknown 1": 3, "help 0": 2}
	eventually(t, "every command observed", func() bool { return rec.get(rec.ended, kindCommand) == 6 })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.commands) != len(want) {
		t.Fatalf("observed %v, want %v", rec.commands, want)
	}
	for k, n := range want {
		if rec.commands[k] != n {
			t.Fatalf("observed %v, want %v", rec.commands, want)
		}
	}
}

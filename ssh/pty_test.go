package ssh

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/tui"
)

// ptyClient is a person at a terminal: an SSH session with a pty whose
// output feeds a virtual terminal, which answers the app's queries.
type ptyClient struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	term   *vt.SafeEmulator
	done   chan error

	mu     sync.Mutex
	titles []string
}

func openPTY(t testing.TB, addr string, signer gossh.Signer, w, h int, env map[string]string) *ptyClient {
	t.Helper()
	return openPTYAgent(t, addr, signer, nil, w, h, env)
}

// openPTYAgent is openPTY forwarding keyring as the client's agent (ssh
// -A), when it is not nil.
func openPTYAgent(t testing.TB, addr string, signer gossh.Signer, keyring agent.Agent, w, h int, env map[string]string) *ptyClient {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(signer))
	if err != nil {
		t.Fatal(err)
	}
	if keyring != nil {
		if err := agent.ForwardToAgent(c, keyring); err != nil {
			t.Fatal(err)
		}
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if keyring != nil {
		if err := agent.RequestAgentForwarding(sess); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	p := &ptyClient{t: t, client: c, sess: sess, term: vt.NewSafeEmulator(max(w, 1), max(h, 1)), done: make(chan error, 1)}
	p.term.SetCallbacks(vt.Callbacks{Title: func(s string) {
		p.mu.Lock()
		p.titles = append(p.titles, s)
		p.mu.Unlock()
	}})
	if p.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	sess.Stderr = &stderr
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(p.term, stdout); close(copied) }()
	// The terminal's replies to the app's queries. It keeps draining after
	// the session ends, since the emulator holds its lock while it replies.
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := p.term.Read(buf)
			if err != nil {
				return
			}
			_, _ = p.stdin.Write(buf[:n])
		}
	}()
	go func() {
		err := sess.Wait()
		<-copied
		p.done <- err
	}()
	t.Cleanup(func() {
		// Ends the reply copier; Emulator.Close would race with it.
		_ = p.term.InputPipe().(io.Closer).Close()
		sess.Close()
		c.Close()
	})
	return p
}

func (p *ptyClient) screen() string { return ansi.Strip(p.term.Render()) }

func (p *ptyClient) seenTitles() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.titles...)
}

// waitScreen waits until the screen shows want. The deadline only bounds a
// hung test; nothing asserts on timing.
func (p *ptyClient) waitScreen(want string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.screen(), want) {
		if time.Now().After(deadline) {
			p.t.Fatalf("screen never showed %q:\n%s", want, p.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *ptyClient) send(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, s); err != nil {
		p.t.Fatal(err)
	}
}

// exit waits for the session to end and returns its exit status.
func (p *ptyClient) exit() int {
	p.t.Helper()
	select {
	case err := <-p.done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		p.t.Fatalf("session: %v", err)
	case <-time.After(20 * time.Second):
		p.t.Fatalf("session never ended; screen:\n%s", p.screen())
	}
	return -1
}

// probe is a stand-in app: it shows body, sets title, reports window
// sizes, panics on "p" and quits on "q".
type probe struct {
	body, title string
	sizes       chan tea.WindowSizeMsg
}

func (p *probe) Init() tea.Cmd { return nil }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch m := msg.(type) {
	case tea.WindowSizeMsg:
		select {
		case p.sizes <- m:
		default:
		}
	case tea.KeyPressMsg:
		switch m.String() {
		case "p":
			panic("probe: boom in Update")
		case "q":
			return p, tea.Quit
		}
	}
	return p, nil
}

func (p *probe) View() tea.View {
	v := tea.NewView(p.body)
	v.WindowTitle = p.title
	return v
}

func withModel(ts *testServer, m func(*state.Hub, tui.Identity, ...tui.Option) tea.Model) {
	ts.Server.newModel = m
}

func TestAppConstructorPanic(t *testing.T) {
	ts := startServer(t, newHub(t))
	withModel(ts, func(*state.Hub, tui.Identity, ...tui.Option) tea.Model { panic("constructor boom") })
	u := newUser(t, "u")
	p := openPTY(t, ts.addr, u.signer, 80, 24, nil)
	if code := p.exit(); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(ts.logs.String(), "constructor boom") || !strings.Contains(ts.logs.String(), "session=") {
		t.Fatalf("panic not logged with the session:\n%s", ts.logs.String())
	}
	// The server survives and serves the next person.
	if r := u.run(t, ts, "census"); r.code != 0 {
		t.Fatalf("after panic: %+v", r)
	}
}

func TestAppUpdatePanic(t *testing.T) {
	ts := startServer(t, newHub(t))
	withModel(ts, func(*state.Hub, tui.Identity, ...tui.Option) tea.Model {
		return &probe{body: "probe ready", sizes: make(chan tea.WindowSizeMsg, 8)}
	})
	u := newUser(t, "u")
	p := openPTY(t, ts.addr, u.signer, 80, 24, nil)
	p.waitScreen("probe ready")
	p.send("p")
	if code := p.exit(); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(ts.logs.String(), "boom in Update") {
		t.Fatalf("panic not logged:\n%s", ts.logs.String())
	}
	if r := u.run(t, ts, "census"); r.code != 0 {
		t.Fatalf("after panic: %+v", r)
	}
}

func TestWindowClamp(t *testing.T) {
	ts := startServer(t, newHub(t))
	pr := &probe{body: "probe ready", sizes: make(chan tea.WindowSizeMsg, 8)}
	withModel(ts, func(*state.Hub, tui.Identity, ...tui.Option) tea.Model { return pr })
	p := openPTY(t, ts.addr, newUser(t, "u").signer, 1, 1, nil)
	next := func() tea.WindowSizeMsg {
		select {
		case m := <-pr.sizes:
			return m
		case <-time.After(20 * time.Second):
			t.Fatal("no window size reached the app")
		}
		return tea.WindowSizeMsg{}
	}
	if m := next(); m.Width != minWidth || m.Height != minHeight {
		t.Fatalf("1x1 reached the app as %dx%d", m.Width, m.Height)
	}
	if err := p.sess.WindowChange(65535, 65535); err != nil {
		t.Fatal(err)
	}
	for {
		m := next()
		if m.Width > maxWidth || m.Height > maxHeight {
			t.Fatalf("65535x65535 reached the app as %dx%d", m.Width, m.Height)
		}
		if m.Width == maxWidth && m.Height == maxHeight {
			break
		}
	}
	p.send("q")
	if code := p.exit(); code != 0 {
		t.Fatalf("exit %d\n%s", code, ts.logs.String())
	}
}

// TestTitleSanitized: even if the app put member text in the window title,
// the guard strips the escape that would end the title sequence early and
// smuggle in another.
func TestTitleSanitized(t *testing.T) {
	ts := startServer(t, newHub(t))
	withModel(ts, func(*state.Hub, tui.Identity, ...tui.Option) tea.Model {
		return &probe{body: "probe ready", title: "polis \x1b]0;pwned\x07 \x1b[2J", sizes: make(chan tea.WindowSizeMsg, 8)}
	})
	p := openPTY(t, ts.addr, newUser(t, "u").signer, 80, 24, nil)
	p.waitScreen("probe ready")
	p.send("q")
	p.exit()
	titles := p.seenTitles()
	if len(titles) == 0 {
		t.Fatal("the probe's title never arrived")
	}
	for _, s := range titles {
		if strings.Contains(s, "pwned") || strings.ContainsAny(s, "\x1b\x07") {
			t.Fatalf("hostile title reached the terminal: %q", s)
		}
	}
}

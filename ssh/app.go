package ssh

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"charm.land/wish/v2/bubbletea"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/tui"
)

// The app is only ever told window sizes in this range. Clients may claim
// 1x1 or 65535x65535; layout code should not have to survive the first or
// allocate screens for the second.
const (
	minWidth, maxWidth   = 20, 512
	minHeight, maxHeight = 6, 256
)

func clampWindow(w cssh.Window) cssh.Window {
	w.Width = min(max(w.Width, minWidth), maxWidth)
	w.Height = min(max(w.Height, minHeight), maxHeight)
	return w
}

// appSession is the session as the app sees it: the same channel, but with
// window sizes clamped.
type appSession struct {
	cssh.Session
	pty   cssh.Pty
	winch chan cssh.Window
}

func (a *appSession) Pty() (cssh.Pty, <-chan cssh.Window, bool) { return a.pty, a.winch, true }

// forwardWindows clamps window changes on their way to the app, the newest
// replacing any the app has not taken yet.
func forwardWindows(ctx context.Context, win *windows, out chan cssh.Window) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-win.ready:
			w, _ := win.latest()
			w = clampWindow(w)
			select {
			case <-out: // the app has not taken the last size: the newest wins
			default:
			}
			select {
			case out <- w:
			default:
			}
		}
	}
}

// runApp runs the terminal app through wish's bubbletea middleware and
// returns the exit status.
func (s *Server) runApp(sess cssh.Session, who cmd.Identity, log *slog.Logger, leaving func()) int {
	pty, _, _ := sess.Pty()
	win := windowsOf(sess.Context())
	if win == nil {
		win = &windows{ready: make(chan struct{}, 1)}
	}
	if w, ok := win.latest(); ok {
		pty.Window = w // the window changed before the app started
	}
	pty.Window = clampWindow(pty.Window)
	as := &appSession{Session: sess, pty: pty, winch: make(chan cssh.Window, 1)}
	as.winch <- pty.Window // as the library's channel starts, with the first size
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	go forwardWindows(ctx, win, as.winch)

	var failed bool
	scr := newScreen(sess, appEnv(sess, pty), pty.Window.Width, pty.Window.Height)
	go scr.run()
	defer scr.close()
	g := &guard{log: log, screen: scr}
	opts := []tui.Option{
		tui.WithContext(ctx),
		tui.WithSize(pty.Window.Width, pty.Window.Height),
		tui.WithNoColor(noColor(sess.Environ())),
		tui.WithSSHCommand(s.sshCommand(sess)),
		tui.WithLeaving(leaving),
	}
	if cssh.AgentRequested(sess) {
		// ssh -A: the member's acts are signed by their own agent, opened
		// for each act and closed after it.
		opts = append(opts, tui.WithSigner(cmd.AgentSigner(s.hub, who, agentOf(sess))))
	}
	programs := func(ss cssh.Session) *tea.Program {
		m, err := s.buildModel(who, opts...)
		if err != nil {
			log.Error("app failed to start", "err", err)
			failed = true
			return nil
		}
		g.m = m
		return tea.NewProgram(g, sessionProgramOptions(ss, scr)...)
	}
	bubbletea.MiddlewareWithProgramHandler(programs)(func(cssh.Session) {})(as)
	scr.close()
	if c, ok := g.m.(io.Closer); ok {
		_ = c.Close()
	}
	if failed {
		fmt.Fprintln(sess.Stderr(), "polis: the terminal app failed to start; scriptable commands still work (ssh HUB help)")
		return 1
	}
	if g.panicked() {
		fmt.Fprintln(sess.Stderr(), "polis: the terminal app hit an internal error and closed")
		return 1
	}
	return 0
}

// sessionProgramOptions are the options of a session's program: wish's,
// for the session's input, size and colours, then the screen's, which
// draws instead of Bubble Tea's renderer and takes what Bubble Tea still
// writes through its own writer (screen.go).
func sessionProgramOptions(ss cssh.Session, scr *screen) []tea.ProgramOption {
	// The hub's signals are the hub's: a program per session would set up
	// a signal handler of its own (a goroutine and a channel each), and a
	// SIGTERM would quit every app before the door can say why.
	opts := append(bubbletea.MakeOptions(ss), tea.WithoutSignalHandler())
	return append(opts, scr.programOptions()...)
}

// buildModel calls the app's constructor, turning a panic into an error.
func (s *Server) buildModel(who cmd.Identity, opts ...tui.Option) (m tea.Model, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	m = s.newModel(s.hub, who, opts...)
	if m == nil {
		return nil, fmt.Errorf("the app constructor returned no model")
	}
	return m, nil
}

// noColor follows no-color.org: NO_COLOR set to anything but "" disables
// colour.
func noColor(env []string) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}

// sshCommand is how members reach this hub, for the app's copyable recipes.
func (s *Server) sshCommand(sess cssh.Session) string {
	if s.cfg.SSHCommand != "" {
		return s.cfg.SSHCommand
	}
	host, port, err := net.SplitHostPort(sess.LocalAddr().String())
	if err != nil {
		return "ssh HOST"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

// guard wraps the app's model so a panic in Init, Update or View ends this
// session's program cleanly and is logged with the session, instead of
// Bubble Tea printing a stack trace on the server's stderr. It also hands
// each view, and the terminal's size and colour profile, to the session's
// screen, which draws in place of Bubble Tea's renderer.
type guard struct {
	m      tea.Model
	log    *slog.Logger
	screen *screen

	mu  sync.Mutex
	hit bool
}

func (g *guard) panicked() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hit
}

func (g *guard) caught(p any) {
	g.mu.Lock()
	g.hit = true
	g.mu.Unlock()
	g.log.Error("panic in app", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
}

func (g *guard) Init() (cmd tea.Cmd) {
	defer func() {
		if p := recover(); p != nil {
			g.caught(p)
			cmd = tea.Quit
		}
	}()
	return g.m.Init()
}

func (g *guard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if p := recover(); p != nil {
			g.caught(p)
			m, cmd = g, tea.Quit
		}
	}()
	if g.panicked() {
		return g, tea.Quit
	}
	if g.screen != nil {
		switch msg := msg.(type) {
		case tea.WindowSizeMsg:
			g.screen.resize(msg.Width, msg.Height)
		case tea.ColorProfileMsg:
			g.screen.setProfile(msg.Profile)
		case tea.ModeReportMsg:
			g.screen.report(msg)
		}
	}
	next, cmd := g.m.Update(msg)
	if next != nil {
		g.m = next
	}
	return g, cmd
}

func (g *guard) View() (v tea.View) {
	defer func() {
		if p := recover(); p != nil {
			g.caught(p)
			v = tea.NewView("")
		}
	}()
	if g.panicked() {
		return tea.NewView("")
	}
	v = g.m.View()
	// The title bar is outside the screen the app draws, so a stray
	// member-written title would be the one injection the app cannot see.
	v.WindowTitle = sanitize.Line(v.WindowTitle)
	if g.screen != nil {
		g.screen.set(v)
	}
	return v
}

// appEnv is the environment the terminal is described by, with the pty's
// TERM, as wish hands it to Bubble Tea.
func appEnv(sess cssh.Session, pty cssh.Pty) []string {
	return append(sess.Environ(), "TERM="+pty.Term)
}

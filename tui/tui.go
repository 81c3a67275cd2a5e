// Package tui is the full-screen terminal app members see over SSH.
//
// One App runs per session. It reads the hub through state.Hub only, draws a
// frame only when a message changed something on it (no tickers), and
// refreshes when the hub publishes a committed change. What every session
// reads or draws alike after a change is read or drawn once for all of them
// (see sharedRead and drawings). A member gets the shell with tabs; an unknown
// key gets the visitor screen, and the app switches between the two when the
// key joins or is removed.
package tui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/themes"
)

// Identity is who is at the keyboard: the SSH key that authenticated, as
// the command tree has it too.
type Identity = state.Identity

// Option adjusts a session's app.
type Option func(*options)

type options struct {
	ctx     context.Context
	width   int
	height  int
	noColor bool
	sshCmd  string
	timeout time.Duration
	clock   func() time.Time
	leaving func()
	signer  Signer
	md      *mdRenderer
}

// WithContext ties the app to the session: when ctx ends, the app stops
// listening for hub changes even if the program was killed without quitting.
// The SSH layer should pass the session's context.
func WithContext(ctx context.Context) Option {
	return func(o *options) {
		if ctx != nil {
			o.ctx = ctx
		}
	}
}

// WithSize sets the initial terminal size (the pty's), so the first frame is
// laid out before the first tea.WindowSizeMsg arrives.
func WithSize(width, height int) Option {
	return func(o *options) { o.width, o.height = width, height }
}

// WithNoColor drops all colour, whatever theme the member chose: pass true
// when the client sent NO_COLOR. ASCII colour profiles do the same on their
// own (see tea.ColorProfileMsg).
func WithNoColor(noColor bool) Option {
	return func(o *options) { o.noColor = noColor }
}

// WithSSHCommand is how members reach this hub, e.g. "ssh -p 23234
// hub.example.org"; the Chain tab uses it in the offline-verify recipe.
func WithSSHCommand(cmd string) Option {
	return func(o *options) {
		if cmd = sanitize.Line(cmd); cmd != "" {
			o.sshCmd = cmd
		}
	}
}

// WithSubmitTimeout bounds how long a command from this session may wait for
// the sequencer.
func WithSubmitTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// WithLeaving is called just before the member leaves from this session,
// so the SSH layer can let this one session outlive the key it stands on
// and show its goodbye (every other session of theirs closes at once).
func WithLeaving(f func()) Option {
	return func(o *options) { o.leaving = f }
}

// WithClock sets the clock the app measures time left with (tests pin it);
// the default is time.Now. Event times always come from the hub.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.clock = now
		}
	}
}

// New returns the app for one session. The returned model is an *App; call
// its Close when the program ends (or pass WithContext) so that it stops
// listening for hub changes.
func New(hub *state.Hub, who Identity, opts ...Option) tea.Model {
	o := options{ctx: context.Background(), width: 80, height: 24, sshCmd: "ssh HOST", timeout: 15 * time.Second, md: hubMarkdown}
	for _, opt := range opts {
		opt(&o)
	}
	c := &common{hub: hub, who: who, ctx: o.ctx, noColor: o.noColor, sshCmd: o.sshCmd,
		timeout: o.timeout, theme: themeNamed(themes.Default), clock: o.clock, leaving: o.leaving, signer: o.signer, md: o.md.client()}
	a := &App{c: c, sess: &session{done: make(chan struct{}), ctx: o.ctx, md: c.md}}
	a.width, a.height = clampSize(o.width, o.height)
	// The first snapshot is read here, not in a command, so the very first
	// frame already shows the right screen instead of a loading flash.
	a.applySnapshot(loadSnapshot(hub, who, 0, nil))
	return a
}

// App is one session's model.
type App struct {
	c       *common
	sess    *session
	width   int
	height  int
	gen     uint64 // last snapshot load asked for
	applied uint64 // generation of the snapshot on screen
	shell   *shell
	visitor *visitor
	bye     *goodbye // on screen after the member left in this session
	signing *signMsg // the act the member's agent is signing, on screen meanwhile

	// frame is the last frame drawn, and fresh says it still shows the
	// model. Bubble Tea asks for a frame after every message, and most
	// messages (a change notice before its snapshot arrives, the
	// terminal's replies at start-up) change nothing on screen.
	frame  tea.View
	fresh  bool
	frames int // frames drawn, for tests
}

// Close stops listening for hub changes. It is safe to call more than once
// and from any goroutine.
func (a *App) Close() error {
	a.sess.close()
	return nil
}

// Init starts listening for hub changes.
func (a *App) Init() tea.Cmd {
	a.sess.subscribe(a.c.hub)
	return a.sess.wait()
}

type (
	// changedMsg: the hub committed something; the log now has size events.
	changedMsg struct{ size uint64 }
	// snapshotMsg carries freshly read data.
	snapshotMsg struct {
		gen  uint64
		snap *snapshot
	}
	// resultMsg reports a submitted command.
	resultMsg struct {
		ok     string
		err    error
		theme  bool   // a refused theme choice must not stay on screen
		tag    string // set by the screen that sent it (common.submitAs)
		events []state.Event
		code   string // a new invite code, shown once
	}
	// reloadMsg asks for a fresh snapshot now, e.g. when a screen opens
	// something whose details are read with the snapshot.
	reloadMsg struct{}
	// renderedMsg: Markdown a screen waited for is rendered (or refused).
	renderedMsg struct{}
)

// Update routes messages: data and lifecycle here, keys to the screen.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	a.fresh = a.fresh && unseen(msg)
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w, h := clampSize(msg.Width, msg.Height)
		if w == a.width && h == a.height {
			// The program always reports the size it started with.
			return a, nil
		}
		a.width, a.height = w, h
		a.resize()
		return a, nil
	case tea.ColorProfileMsg:
		mono := msg.Profile == colorprofile.Ascii || msg.Profile == colorprofile.NoTTY
		if mono != a.c.profileMono {
			a.c.profileMono = mono
			a.restyle()
		}
		return a, nil
	case changedMsg:
		if a.sess.closed() {
			return a, nil
		}
		return a, tea.Batch(a.reload(), a.sess.wait())
	case snapshotMsg:
		if msg.gen > a.applied {
			a.applied = msg.gen
			a.applySnapshot(msg.snap)
		}
		return a, nil
	case signMsg:
		a.signing = &msg
		return a, a.c.signAndSubmit(msg)
	case resultMsg:
		a.signing = nil
		a.setStatus(msg.ok, msg.err)
		if msg.tag == "leave" && msg.err == nil && a.c.leftAs != "" {
			a.bye = newGoodbye(a.c.leftAs, leftAnonymously(msg.events))
		}
		var cmd tea.Cmd
		if a.visitor != nil {
			cmd = a.visitor.Update(msg) // closes the form it came from
		} else if a.shell != nil && msg.tag != "" {
			cmd = a.shell.result(msg)
		}
		if msg.err != nil {
			if msg.theme {
				a.c.override = ""
				a.restyle()
			}
			return a, cmd
		}
		return a, tea.Batch(cmd, a.reload())
	case reloadMsg:
		return a, a.reload()
	case renderedMsg:
		a.restyle() // every screen lays out again, with what arrived
		return a, a.sess.wait()
	case restyleMsg:
		a.restyle()
		return a, nil
	case quitMsg:
		a.sess.close()
		return a, tea.Quit
	}
	if a.bye != nil {
		return a, a.updateGoodbye(msg)
	}
	if a.signing != nil {
		// Keys wait for the agent's answer: the act on screen is the one
		// being signed, and nothing else may start meanwhile.
		if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "ctrl+c" {
			return a, quit
		}
		return a, nil
	}
	if a.shell != nil {
		return a, a.shell.Update(msg)
	}
	return a, a.visitor.Update(msg)
}

// quitMsg asks the app to stop listening and quit; screens send it instead
// of tea.Quit so the subscription is always released first.
type quitMsg struct{}

func quit() tea.Msg { return quitMsg{} }

// unseen reports whether msg leaves the screen as it is, whatever the
// model does with it: the app's own notices, which change the screen only
// through the calls they lead to (applySnapshot, restyle, resize), and the
// terminal's reports, which no screen draws anything from.
func unseen(msg tea.Msg) bool {
	switch msg.(type) {
	case changedMsg, snapshotMsg, reloadMsg, renderedMsg, tea.WindowSizeMsg, tea.ColorProfileMsg,
		tea.EnvMsg, tea.ModeReportMsg, tea.KeyboardEnhancementsMsg, tea.TerminalVersionMsg,
		tea.CapabilityMsg, tea.BackgroundColorMsg, tea.ForegroundColorMsg, tea.CursorColorMsg,
		tea.CursorPositionMsg:
		return true
	}
	return false
}

// View returns the screen, drawn again only if something changed since
// the last frame.
func (a *App) View() tea.View {
	if !a.fresh {
		a.frame, a.fresh = a.draw(), true
		a.frames++
	}
	return a.frame
}

func (a *App) draw() tea.View {
	var frame string
	switch {
	case a.bye != nil:
		frame = fit(a.goodbyeView(), a.width, a.height)
	case a.signing != nil:
		frame = a.signingFrame()
	case a.shell != nil:
		// The shell cuts every line it draws to the width already.
		frame = fitHeight(a.shell.View(), a.height)
	default:
		frame = fit(a.visitor.View(), a.width, a.height)
	}
	v := tea.NewView(frame)
	v.AltScreen = true
	if t := a.c.theme; !t.Mono {
		v.BackgroundColor = t.Palette.Base
		v.ForegroundColor = t.Palette.Text
	}
	if name := a.c.hubName(); name != "" {
		v.WindowTitle = "polis · " + name
	}
	return v
}

func (a *App) reload() tea.Cmd {
	a.gen++
	gen, hub, who, open, prev := a.gen, a.c.hub, a.c.who, a.c.openProp, a.c.snap
	return func() tea.Msg { return snapshotMsg{gen: gen, snap: loadSnapshot(hub, who, open, prev)} }
}

// applySnapshot installs new data and switches between the visitor screen
// and the shell when the key's membership changed.
func (a *App) applySnapshot(s *snapshot) {
	a.c.snap, a.c.snaps = s, a.c.snaps+1
	a.fresh = false
	if s.member && s.prefs.Theme == a.c.override {
		a.c.override = ""
	}
	if s.member {
		if a.shell == nil {
			a.visitor = nil
			a.shell = newShell(a.c)
			if s.err == nil {
				a.c.status, a.c.statusErr = "welcome, "+sanitize.Line(s.me.Name), false
			}
		}
	} else if a.visitor == nil {
		a.shell = nil
		a.visitor = newVisitor(a.c)
	}
	if s.err != nil {
		a.c.status, a.c.statusErr = "could not read the hub: "+s.err.Error(), true
	}
	a.restyle()
}

// restyle picks the theme and tells every screen that data or theme changed.
func (a *App) restyle() {
	name := themes.Default
	if a.c.snap != nil && a.c.snap.member && a.c.snap.prefs.Theme != "" {
		name = a.c.snap.prefs.Theme
	}
	if a.c.override != "" {
		name = a.c.override
	}
	if a.c.noColor || a.c.profileMono {
		name = "mono" // whatever was chosen
	}
	a.c.theme = themeNamed(name)
	a.fresh = false
	if a.shell != nil {
		a.shell.refresh()
	} else if a.visitor != nil {
		a.visitor.refresh()
	}
	a.resize()
}

func (a *App) resize() {
	a.fresh = false
	if a.shell != nil {
		a.shell.SetSize(a.width, a.height)
	} else if a.visitor != nil {
		a.visitor.SetSize(a.width, a.height)
	}
}

func (a *App) setStatus(ok string, err error) {
	if err != nil {
		a.c.status, a.c.statusErr = sanitize.Line(err.Error()), true
		return
	}
	a.c.status, a.c.statusErr = ok, false
}

func clampSize(w, h int) (int, int) {
	// The program already drops implausible sizes; these bounds only keep
	// arithmetic sane if a caller passes nonsense through WithSize.
	return min(max(w, 1), 10000), min(max(h, 1), 10000)
}

// session is the part of the app shared by every copy of it and by the
// goroutine waiting for hub changes.
type session struct {
	ctx    context.Context
	md     *mdClient
	mu     sync.Mutex
	ch     <-chan uint64
	cancel func()
	done   chan struct{}
	once   sync.Once
}

func (s *session) subscribe(hub *state.Hub) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil || s.closedLocked() {
		return
	}
	s.ch, s.cancel = hub.Subscribe()
}

func (s *session) closedLocked() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *session) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closedLocked()
}

func (s *session) close() {
	s.once.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.cancel != nil {
			s.cancel()
		}
		s.md.close() // renders nobody else waits for stop
		close(s.done)
	})
}

// wait is the one goroutine per session that listens for changes, and for
// Markdown renderings the session asked for. It ends when either arrives,
// the app closes or the session's context ends, so a dropped connection
// never leaves it behind.
func (s *session) wait() tea.Cmd {
	s.mu.Lock()
	ch, closed := s.ch, s.closedLocked()
	s.mu.Unlock()
	if ch == nil || closed {
		return nil
	}
	return func() tea.Msg {
		select {
		case n := <-ch:
			return changedMsg{size: n}
		case <-s.md.ready:
			return renderedMsg{}
		case <-s.done:
			return nil
		case <-s.ctx.Done():
			s.close()
			return nil
		}
	}
}

// builtThemes holds each theme once for every session, by name: a theme is
// some 22 KB of styles, and nothing changes one once built.
var builtThemes sync.Map

// themeNamed is themes.Get(name), built once.
func themeNamed(name string) *themes.Theme {
	if t, ok := builtThemes.Load(name); ok {
		return t.(*themes.Theme)
	}
	t := themes.Get(name)
	// Filed under the name it resolved to, so that unknown names (the
	// default stands in) cannot grow the map.
	got, _ := builtThemes.LoadOrStore(t.Name, &t)
	return got.(*themes.Theme)
}

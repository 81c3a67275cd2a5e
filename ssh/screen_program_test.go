package ssh

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
)

// Where the screen and Bubble Tea meet: one writer for both, the options
// a session's program runs with, and the views the screen depends on.

// packetSink stands in for the session's SSH channel: like x/crypto/ssh's,
// it cuts a write into packets and fills one packet buffer, reused without
// a lock, for each. Two writes at once would interleave their packets and
// mix bytes inside one, and the race detector would see the buffer shared.
type packetSink struct {
	packet []byte
	mu     sync.Mutex
	out    bytes.Buffer
}

func (c *packetSink) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), 32)
		c.packet = append(c.packet[:0], p[:k]...)
		runtime.Gosched() // let a second writer in, if it can get here
		c.mu.Lock()
		c.out.Write(c.packet)
		c.mu.Unlock()
		p = p[k:]
	}
	return n, nil
}

// emitter is a program that has Bubble Tea write marker once per
// emitMsg, and reports each once Bubble Tea has queued it.
type emitter struct{ queued chan struct{} }

type emitMsg struct{}

func (e emitter) Init() tea.Cmd { return nil }

func (e emitter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case emitMsg:
		return e, tea.Raw(marker)
	case tea.RawMsg: // Bubble Tea queued it before calling Update
		e.queued <- struct{}{}
	}
	return e, nil
}

func (e emitter) View() tea.View { return tea.NewView("") }

// marker is an escape sequence long enough to span many packets, of a
// letter the screen's frames below never contain.
var marker = "\x1b]9999;" + strings.Repeat("b", 1500) + "\a"

// The screen draws while Bubble Tea writes, both to one session: each
// write arrives whole, never split by the other's bytes.
func TestScreenAndProgramShareOneWriter(t *testing.T) {
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	sink := &packetSink{}
	s := newScreen(sink, env, 40, 10)
	frames := [2]string{strings.Repeat("\x1b[1maaaa aaaa\x1b[m aaaa\n", 10), strings.Repeat("cc \x1b[38;5;17mcccccccc\x1b[m\n", 10)}

	const emits = 30
	e := emitter{queued: make(chan struct{}, emits)}
	// Flushing at the highest frame rate Bubble Tea allows makes the two
	// writers meet more often than in a session (1 fps).
	opts := append(s.programOptions(), tea.WithInput(nil), tea.WithEnvironment(env), tea.WithWindowSize(40, 10),
		tea.WithoutSignalHandler(), tea.WithFPS(120))
	p := tea.NewProgram(e, opts...)
	ran := make(chan error, 1)
	go func() { _, err := p.Run(); ran <- err }()
	go func() {
		for range emits {
			p.Send(emitMsg{})
			<-e.queued
			time.Sleep(time.Second / 120) // one flush apart
		}
		p.Quit()
	}()

	s.start()
	drawn := 0
	for running := true; running; drawn++ {
		s.set(tea.View{Content: frames[drawn%2], AltScreen: true})
		s.draw()
		select {
		case err := <-ran:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
			// Drawing flat out would pile up megabytes; a frame is only
			// drawn now and then in a session, too.
			time.Sleep(50 * time.Microsecond)
		}
	}

	out := sink.out.String()
	if got := strings.Count(out, marker); got != emits {
		t.Fatalf("%d of Bubble Tea's %d writes arrived whole", got, emits)
	}
	// Without Bubble Tea's writes, what is left is exactly what the screen
	// writes for the same frames on its own.
	var alone bytes.Buffer
	ref := newScreen(&alone, env, 40, 10)
	ref.start()
	for i := range drawn {
		ref.set(tea.View{Content: frames[i%2], AltScreen: true})
		ref.draw()
	}
	if rest := strings.ReplaceAll(out, marker, ""); rest != alone.String() {
		i := 0
		for i < min(len(rest), alone.Len()) && rest[i] == alone.String()[i] {
			i++
		}
		t.Fatalf("the screen's %d frames came out split or mixed, from byte %d:\n got %q\nwant %q",
			drawn, i, rest[i:min(i+80, len(rest))], alone.String()[i:min(i+80, alone.Len())])
	}
	t.Logf("%d frames drawn while Bubble Tea wrote %d times", drawn, emits)
}

// stubSession is what a session's program uses of the session; a write
// straight to it, around the screen's writer, is counted.
type stubSession struct {
	cssh.Session
	in     io.Reader
	direct atomic.Int64
}

func (s *stubSession) Read(p []byte) (int, error) { return s.in.Read(p) }
func (s *stubSession) Write(p []byte) (int, error) {
	s.direct.Add(int64(len(p)))
	return len(p), nil
}
func (s *stubSession) Environ() []string { return []string{"TERM=xterm-256color"} }
func (s *stubSession) EmulatedPty() bool { return true }
func (s *stubSession) Pty() (cssh.Pty, <-chan cssh.Window, bool) {
	return cssh.Pty{Term: "xterm-256color", Window: cssh.Window{Width: 40, Height: 10}}, nil, true
}

// A session's program, built with the options runApp gives it, writes
// through the screen's writer only.
func TestSessionProgramWritesThroughTheScreen(t *testing.T) {
	in, typing := io.Pipe()
	defer typing.Close()
	ss := &stubSession{in: in}
	var out bytes.Buffer // written by the program only, read once it has ended
	scr := newScreen(&out, ss.Environ(), 40, 10)
	e := emitter{queued: make(chan struct{}, 1)}
	p := tea.NewProgram(e, append(sessionProgramOptions(ss, scr), tea.WithoutSignalHandler())...)
	go func() {
		p.Send(emitMsg{})
		<-e.queued
		p.Quit()
	}()
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	if n := ss.direct.Load(); n != 0 {
		t.Errorf("Bubble Tea wrote %d bytes to the session around the screen's writer", n)
	}
	if !strings.Contains(out.String(), marker) {
		t.Errorf("Bubble Tea's output did not come through the screen's writer: %q", out.String())
	}
}

// viewProbe is a model that logs each Update and each View, the view
// showing how many counts it has had.
type viewProbe struct {
	n     int
	calls []string
}

type countMsg struct{}

func (m *viewProbe) Init() tea.Cmd { return nil }

func (m *viewProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(countMsg); ok {
		m.n++
	}
	m.calls = append(m.calls, fmt.Sprintf("update %T", msg))
	return m, nil
}

func (m *viewProbe) View() tea.View {
	m.calls = append(m.calls, fmt.Sprintf("view %d", m.n))
	return tea.NewView(fmt.Sprintf("count %d", m.n))
}

// The screen draws what the program's View returns, and the program runs
// without a renderer: Bubble Tea must still ask for a view at start and
// after every update, or sessions would never see a change.
func TestProgramCallsViewWithoutRenderer(t *testing.T) {
	var out bytes.Buffer
	env := []string{"TERM=xterm-256color"}
	s := newScreen(&out, env, 20, 4)
	probe := &viewProbe{}
	g := &guard{m: probe, log: slog.New(slog.NewTextHandler(io.Discard, nil)), screen: s}
	opts := append(s.programOptions(), tea.WithInput(nil), tea.WithEnvironment(env), tea.WithWindowSize(20, 4),
		tea.WithoutSignalHandler())
	p := tea.NewProgram(g, opts...)
	go func() {
		for range 3 {
			p.Send(countMsg{})
		}
		p.Quit()
	}()
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}

	calls := probe.calls
	if len(calls) == 0 || calls[0] != "view 0" {
		t.Fatalf("no view before the first update: %q", calls)
	}
	counted := 0
	for i, c := range calls {
		if !strings.HasPrefix(c, "update ") {
			continue
		}
		if c == "update ssh.countMsg" {
			counted++
		}
		if want := fmt.Sprintf("view %d", counted); i+1 == len(calls) || calls[i+1] != want {
			t.Fatalf("call %d, %s, is not followed by %q: %q", i, c, want, calls)
		}
	}
	if counted != 3 {
		t.Fatalf("%d counts arrived: %q", counted, calls)
	}
	// And the screen was handed the last view.
	s.draw()
	if !strings.Contains(out.String(), "count 3") {
		t.Fatalf("the screen drew %q", out.String())
	}
}

package ssh

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/tui"
)

// appDriver runs the real app as a session does (the guard, a screen, the
// program options runApp uses) in process, and records every view the
// program asks for.
type appDriver struct {
	t    *testing.T
	prog *tea.Program
	done chan struct{}

	mu       sync.Mutex
	views    int
	coloured int      // views with the theme's default colours
	misfit   []string // the first few views the screen would not draw as asked
	seen     strings.Builder
	last     string
}

// barrier is a message that, once the program has taken it, shows that
// every message sent before it was handled and its view asked for.
type barrier chan struct{}

type viewRecorder struct {
	m tea.Model
	d *appDriver
}

func (r viewRecorder) Init() tea.Cmd { return r.m.Init() }

func (r viewRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if b, ok := msg.(barrier); ok {
		close(b)
		return r, nil
	}
	_, cmd := r.m.Update(msg)
	return r, cmd
}

func (r viewRecorder) View() tea.View {
	v := r.m.View()
	text := ansi.Strip(v.Content)
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	r.d.views++
	if v.BackgroundColor != nil && v.ForegroundColor != nil {
		r.d.coloured++
	}
	if bad := viewMisfits(v); len(bad) > 0 && len(r.d.misfit) < 5 {
		top := strings.SplitN(text, "\n", 5)
		r.d.misfit = append(r.d.misfit, fmt.Sprintf("%v in the view beginning:\n%s", bad, strings.Join(top[:min(len(top), 4)], "\n")))
	}
	if text != r.d.last {
		r.d.last = text
		r.d.seen.WriteString(text)
		r.d.seen.WriteByte('\n')
	}
	return v
}

func driveApp(t *testing.T, hub *state.Hub, who *user, w, h int, opts ...tui.Option) *appDriver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	m := tui.New(hub, tui.Identity{Key: who.authorizedKey(), Fingerprint: who.fingerprint()},
		append([]tui.Option{tui.WithContext(ctx), tui.WithSize(w, h)}, opts...)...)
	scr := newScreen(io.Discard, env, w, h)
	go scr.run()
	d := &appDriver{t: t, done: make(chan struct{})}
	g := &guard{m: m, log: slog.New(slog.NewTextHandler(io.Discard, nil)), screen: scr}
	popts := append([]tea.ProgramOption{tea.WithInput(nil), tea.WithEnvironment(env), tea.WithWindowSize(w, h),
		tea.WithColorProfile(colorprofile.Env(env)), tea.WithContext(ctx), tea.WithoutSignalHandler()},
		scr.programOptions()...)
	d.prog = tea.NewProgram(viewRecorder{m: g, d: d}, popts...)
	go func() {
		defer close(d.done)
		_, _ = d.prog.Run()
	}()
	t.Cleanup(func() {
		cancel()
		<-d.done
		scr.close()
		_ = m.(io.Closer).Close()
	})
	return d
}

// press sends keys one by one, each handled before the next is sent.
func (d *appDriver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.prog.Send(keyPress(k))
		b := make(barrier)
		d.prog.Send(b)
		select {
		case <-b:
		case <-d.done:
			d.t.Fatalf("the app ended at key %q:\n%s", k, d.screen())
		}
	}
}

var specialKeys = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
}

func keyPress(k string) tea.KeyPressMsg {
	if c, ok := specialKeys[k]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic("keyPress: " + k)
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

func (d *appDriver) screen() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// wait waits until the app has drawn want. The deadline only bounds a hung
// test.
func (d *appDriver) wait(want string) {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(d.screen(), want) {
		if time.Now().After(deadline) {
			d.t.Fatalf("the app never showed %q:\n%s", want, d.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// check fails if any view so far would not be drawn as the app asked, or
// if the walk never reached a screen showing each of wants.
func (d *appDriver) check(wants ...string) {
	d.t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, m := range d.misfit {
		d.t.Errorf("the app set a field of tea.View the screen does not draw: %s", m)
	}
	for _, w := range wants {
		if !strings.Contains(d.seen.String(), w) {
			d.t.Errorf("the walk never reached a screen showing %q; last:\n%s", w, d.last)
		}
	}
	d.t.Logf("%d views", d.views)
}

// walk visits every tab and opens what each offers: details, forms,
// filters, full help. Keys that would quit or leave are never pressed.
var walk = [][]string{
	{"1", "?", "?"},
	{"2", "?", "?", "enter", "c", "esc", "esc", "n", "tab", "esc", "/", "k", "esc"},
	{"3", "enter", "esc", "n", "esc", "/", "esc", "j", "enter", "esc"},
	{"4", "enter", "b", "esc", "right", "esc", "esc"},
	{"5", "f", "esc", "enter", "esc"},
	{"6", "/", "a", "esc", "c", "c"},
	{"7", "f", "b", "C", "esc"},
	{"8", "r", "esc", "j", "k", "?", "?"},
	{"tab", "tab"},
}

// TestAppViewsFitTheScreen drives the real app through its tabs, screens
// and forms at three sizes, in colour and without, as a member and as a
// visitor, and fails if any view it produces sets a field of tea.View the
// screen does not draw: the screen would ignore it without a word, and the
// member would not see what the app meant.
func TestAppViewsFitTheScreen(t *testing.T) {
	hub := newHub(t)
	alice, bob := newUser(t, "alice"), newUser(t, "bob")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	as := func(u *user, c state.Command) {
		t.Helper()
		if _, err := hub.Submit(context.Background(), state.Actor{Key: u.authorizedKey(), Fingerprint: u.fingerprint()}, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	as(alice, state.NewProposal{Kind: state.KindText, Title: "Buy a kettle", Body: "A **shared** kettle."})
	as(alice, state.AddSpace{Space: state.Space{Name: "Attic", Beds: 2, Rules: "Quiet after ten."}})

	for _, size := range [][2]int{{80, 24}, {200, 60}, {minWidth, minHeight}} {
		for _, mono := range []bool{false, true} {
			t.Run(fmt.Sprintf("member %dx%d mono=%v", size[0], size[1], mono), func(t *testing.T) {
				d := driveApp(t, hub, bob, size[0], size[1], tui.WithNoColor(mono))
				d.wait("Home") // the member shell, on the first snapshot
				for _, keys := range walk {
					d.press(keys...)
				}
				d.mu.Lock()
				if d.coloured == 0 != mono {
					t.Errorf("%d of %d views in colour", d.coloured, d.views)
				}
				d.mu.Unlock()
				if size[0] >= 80 {
					d.check("Good to see you", "Buy a kettle", "Attic", "press r to change it", "enter to save")
				} else {
					d.check()
				}
			})
		}
	}
	t.Run("visitor", func(t *testing.T) {
		d := driveApp(t, hub, newUser(t, "mallory"), 80, 24)
		d.wait("Welcome to Test")
		d.press("tab", "enter", "esc", "?", "j", "k")
		d.check("Welcome to Test")
	})
}

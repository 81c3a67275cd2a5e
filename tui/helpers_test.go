package tui

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// testClock is a pinned, slowly advancing clock so event times and
// checkpoint times are the same on every run.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

type fixture struct {
	t     testing.TB
	store interface {
		Submit(context.Context, state.Actor, state.Command) ([]state.Event, error)
	}
	hub *state.Hub
	clk *testClock
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clk := &testClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	s, err := store.Open(store.Options{Dir: t.TempDir(), Clock: clk.now, CheckpointInterval: time.Hour, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &fixture{t: t, store: s, hub: state.NewHub(s), clk: clk}
	f.system(state.CreateHub{Name: "Test Hub"})
	return f
}

// newMemFixture is newFixture on the in-memory engine: the same log and
// rules without a disk, for tests that build many hubs.
func newMemFixture(t testing.TB) *fixture {
	t.Helper()
	clk := &testClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	m, err := state.NewMemory(state.MemoryOptions{Clock: clk.now, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	f := &fixture{t: t, store: m, hub: state.NewHub(m), clk: clk}
	f.system(state.CreateHub{Name: "Test Hub"})
	return f
}

func (f *fixture) system(c state.Command) []state.Event {
	f.t.Helper()
	evs, err := f.store.Submit(context.Background(), state.SystemActor, c)
	if err != nil {
		f.t.Fatalf("%T: %v", c, err)
	}
	return evs
}

func (f *fixture) as(who Identity, c state.Command) {
	f.t.Helper()
	if _, err := f.hub.Submit(context.Background(), who.Actor(), c); err != nil {
		f.t.Fatalf("%T: %v", c, err)
	}
}

// steward admits a steward with a stable key derived from name.
func (f *fixture) steward(name string) Identity {
	id := testIdentity(f.t, name)
	f.system(state.AdmitAdmin{Key: id.Key, Name: name})
	return id
}

// member invites and joins a plain member.
func (f *fixture) member(by Identity, name string) Identity {
	f.t.Helper()
	// A fixed code keeps the log, and so the chain root, the same every run.
	code := "code-for-" + name
	f.as(by, state.CreateInvite{CodeHash: state.HashCode(code), Uses: 1})
	id := testIdentity(f.t, name)
	// Once the hub has a charter, joining consents to the version in force.
	consent := 0
	if ch, ok, _ := f.hub.Charter(0); ok {
		consent = ch.Version
	}
	f.as(id, state.Join{CodeHash: state.HashCode(code), Name: name, Consent: consent})
	return id
}

func testIdentity(t testing.TB, name string) Identity {
	seed := sha256.Sum256([]byte("polis-tui-test-" + name))
	pk, err := gossh.NewPublicKey(ed25519.NewKeyFromSeed(seed[:]).Public())
	if err != nil {
		t.Fatal(err)
	}
	return Identity{Key: state.KeyString(pk), Fingerprint: state.Fingerprint(pk)}
}

// screen is what a person would read: the view without styling.
func screen(m tea.Model) string {
	return ansi.Strip(m.View().Content)
}

// press feeds keys straight into a model, for tests that need no program,
// and runs the commands they return (submits included) to completion.
func press(m tea.Model, keys ...string) tea.Model {
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg(k))
		m = drain(m, cmd)
	}
	return m
}

// drain runs cmd and every command that follows from it, feeding the
// messages back. Models built by New without Init never subscribe, so no
// command here blocks on the hub.
func drain(m tea.Model, cmd tea.Cmd) tea.Model {
	queue := []tea.Cmd{cmd}
	for i := 0; len(queue) > 0 && i < 1000; i++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			var next tea.Cmd
			m, next = m.Update(msg)
			queue = append(queue, next)
		}
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok && len(rest) == 1 {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

func typeText(m tea.Model, s string) tea.Model {
	for _, r := range s {
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		m = drain(m, cmd)
	}
	return m
}

func mustContain(t testing.TB, view string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(view, w) {
			t.Fatalf("screen lacks %q:\n%s", w, view)
		}
	}
}

func stateApply(name, text string) state.Command { return state.ApplyToJoin{Name: name, Text: text} }

package tui

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// counting wraps a session's app as a program runs it, and publishes how
// often the program asked for a frame, how many the app actually drew, and
// the last one.
type counting struct {
	a             *App
	views, frames *atomic.Int64
	last          *atomic.Pointer[string]
	started       *atomic.Int32 // start-up messages seen, as bits
}

func (c counting) Init() tea.Cmd { return c.a.Init() }

func (c counting) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case tea.ColorProfileMsg:
		c.started.Or(1)
	case tea.WindowSizeMsg:
		c.started.Or(2)
	case tea.EnvMsg:
		c.started.Or(4)
	}
	_, cmd := c.a.Update(msg)
	return c, cmd
}

func (c counting) View() tea.View {
	v := c.a.View()
	c.views.Add(1)
	c.frames.Store(int64(c.a.frames))
	text := ansi.Strip(v.Content)
	c.last.Store(&text)
	return v
}

func newCounting(m tea.Model) counting {
	return counting{a: m.(*App), views: new(atomic.Int64), frames: new(atomic.Int64), last: new(atomic.Pointer[string]),
		started: new(atomic.Int32)}
}

// waitStarted waits until the program has delivered the messages it sends
// every model as it starts, which it sends from goroutines of its own.
func (c counting) waitStarted(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func([]byte) bool { return c.started.Load() == 7 },
		teatest.WithDuration(5*time.Second))
}

// waitFrame waits until the app has given the program a frame showing
// text. The deadline only bounds a hung test.
func (c counting) waitFrame(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func([]byte) bool {
		last := c.last.Load()
		return last != nil && strings.Contains(*last, text)
	}, teatest.WithDuration(5*time.Second))
}

// Every open screen draws a vote once: the change notice that comes first
// draws nothing, the snapshot that follows draws the frame.
func TestOneFramePerVotePerSession(t *testing.T) {
	f, alice, ids := benchHub(t, 3, 2)
	type session struct {
		tm *teatest.TestModel
		c  counting
	}
	var ss []session
	for _, id := range ids {
		c := newCounting(New(f.hub, id, WithContext(t.Context()), pinned(propNow)))
		tm := teatest.NewTestModel(t, c, teatest.WithInitialTermSize(80, 24))
		c.waitStarted(t, tm)
		tm.Send(keyMsg("2"))
		c.waitFrame(t, tm, "Needs your vote (2)")
		ss = append(ss, session{tm, c})
	}
	for round := range 3 {
		before := make([][2]int64, len(ss))
		for i, s := range ss {
			before[i] = [2]int64{s.c.views.Load(), s.c.frames.Load()}
		}
		vote(t, f, alice, round)
		want := map[bool]string{true: "1 yes 0 no", false: "0 yes 1 no"}[round%2 == 0]
		for i, s := range ss {
			s.c.waitFrame(t, s.tm, want)
			views, frames := s.c.views.Load()-before[i][0], s.c.frames.Load()-before[i][1]
			if frames != 1 {
				t.Errorf("vote %d, session %d: %d frames drawn, want 1 (%d asked for)", round, i, frames, views)
			}
			if views < 2 {
				t.Errorf("vote %d, session %d: the program asked for %d frames; the notice and the snapshot should each ask", round, i, views)
			}
		}
	}
	for _, s := range ss {
		s.tm.Send(keyMsg("q"))
		s.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}
}

// Opening a session draws its first frame once for the whole burst of
// start-up messages, and once more for the member's first key.
func TestOpeningDrawsOnce(t *testing.T) {
	f, _, ids := benchHub(t, 1, 1)
	a := New(f.hub, ids[0], WithSize(80, 24), pinned(propNow)).(*App)
	s := &sim{m: a}
	a.View()
	s.send(startup(80, 24)...)
	if a.frames != 1 || s.views != len(startup(80, 24)) {
		t.Fatalf("%d frames for %d views at start-up, want 1", a.frames, s.views)
	}
	s.send(keyMsg("2"))
	if a.frames != 2 {
		t.Fatalf("%d frames after the first key, want 2", a.frames)
	}
	mustContain(t, screen(a), "Needs your vote (1)")
	// A size the program reports again changes nothing; a new one redraws.
	s.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	s.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if a.frames != 3 {
		t.Fatalf("%d frames after two size reports, want 3", a.frames)
	}
	checkFitsFor(t, screen(a), 100, 30, "m000")
}

// The messages the app treats as leaving the screen as it is (see unseen)
// must do so on every screen: the frame kept must be the frame a full
// redraw gives.
func TestUnseenMessagesChangeNothing(t *testing.T) {
	f, alice, bob := chartered(t)
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Paint the shed green",
		Body: "The shed is grey.", Method: state.MethodYesNo})
	f.as(bob, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "no"}})
	amend(f, alice, bob)
	msgs := append(startup(80, 24), changedMsg{size: 1}, snapshotMsg{}, tea.KeyboardEnhancementsMsg{},
		tea.TerminalVersionMsg{Name: "xterm"}, tea.BackgroundColorMsg{}, tea.ForegroundColorMsg{},
		tea.CursorColorMsg{}, tea.CursorPositionMsg{X: 3, Y: 4}, tea.CapabilityMsg{Content: "RGB"})
	screens := []struct {
		name string
		who  Identity
		keys []string
	}{
		{"charter prompt", bob, nil},
		{"charter read", alice, []string{"C"}},
		{"visitor", testIdentity(t, "nobody"), nil},
		{"help", alice, []string{"?"}},
		{"proposal", alice, []string{"2", "enter"}},
		{"comment", alice, []string{"2", "enter", "c", "h", "i"}},
		{"filter", alice, []string{"2", "/", "p"}},
		{"new proposal", alice, []string{"2", "n", "x"}},
		{"leaving", alice, []string{"8"}},
	}
	for i := range tabKinds {
		screens = append(screens, struct {
			name string
			who  Identity
			keys []string
		}{tabKinds[i].name, alice, []string{fmt.Sprint(i + 1)}})
	}
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			a := press(New(f.hub, sc.who, WithSize(80, 24), pinned(propNow)), sc.keys...).(*App)
			for _, msg := range msgs {
				a.Update(msg)
				kept := a.View().Content
				a.fresh = false
				if drawn := a.View().Content; kept != drawn {
					t.Fatalf("%T changed the screen:\nkept:\n%s\ndrawn:\n%s", msg, kept, drawn)
				}
			}
		})
	}
}

// Tabs are built on first visit, and named in the tab bar as they name
// themselves.
func TestTabsBuiltOnFirstVisit(t *testing.T) {
	f, alice, _ := seeded(t)
	a := New(f.hub, alice, WithSize(80, 24)).(*App)
	a.View()
	for i, tab := range a.shell.tabs {
		if (tab != nil) != (i == tabHome) {
			t.Fatalf("tab %d built: %v, want only Home", i, tab != nil)
		}
	}
	press(a, "6")
	mustContain(t, screen(a), "Members  2 members")
	if a.shell.tabs[tabMembers] == nil || a.shell.tabs[tabTreasury] != nil {
		t.Fatal("visiting Members built the wrong tabs")
	}
	for i, kind := range tabKinds {
		if got := a.shell.tab(i).TabName(); got != kind.name {
			t.Errorf("tab %d is named %q in the bar and %q by itself", i, kind.name, got)
		}
	}
}

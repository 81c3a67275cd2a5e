package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// evil is member-written text that tries to retitle the window, clear the
// screen, recolour text and reverse it. State refuses it on the way in; the
// renderer must make it inert anyway, for old logs and for text that arrives
// by any other path.
const evil = "\x1b]0;PWNED\x07mallory\x1b[2J\x1b[31m\x9b1m\u202eevil\x1bP+q\x1b\\"

// styling is the only kind of escape sequence the app itself draws.
var styling = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

func assertInert(t *testing.T, where, view string) {
	t.Helper()
	rest := styling.ReplaceAllString(view, "")
	for _, bad := range []string{"\x1b", "\x07", "\x9b", "\u202e", "\x9d"} {
		if i := strings.Index(rest, bad); i >= 0 {
			t.Fatalf("%s: hostile byte %q survives near %q", where, bad, rest[max(i-20, 0):min(i+20, len(rest))])
		}
	}
	if !strings.Contains(view, "mallory") {
		t.Fatalf("%s: the name itself should still show:\n%s", where, view)
	}
}

func TestHostileTextIsInert(t *testing.T) {
	f, alice, _ := seeded(t)
	head := state.Head{Height: 1, Size: 1, Root: evil, State: evil, Prev: evil, Origin: evil, Time: 1, Note: "note " + evil + "\n"}
	member := &snapshot{
		info:     state.HubInfo{Name: "Hub " + evil},
		member:   true,
		me:       state.Member{ID: 1, Name: evil, Roles: []string{state.RoleMember, state.RoleSteward, evil}, Keys: []state.Key{{Name: evil}}},
		members:  []state.Member{{ID: 1, Name: evil, Roles: []string{evil}}, {ID: 2, Name: "b" + evil}},
		roster:   []state.Member{{ID: 1, Name: evil, Roles: []string{evil}, Country: evil}, {ID: 2, Name: "b" + evil}},
		count:    2,
		pending:  []state.Application{{ID: 1, Name: evil, Text: "hello " + evil + "\nsecond line"}},
		head:     head,
		hasHead:  true,
		size:     2,
		verifier: evil,
	}
	a := New(f.hub, alice, WithSize(120, 40)).(*App)
	a.applySnapshot(member)
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "?"} {
		press(a, k)
		v := a.View()
		assertInert(t, "tab "+k, v.Content)
		if strings.ContainsAny(v.WindowTitle, "\x1b\x07") {
			t.Fatalf("window title carries escapes: %q", v.WindowTitle)
		}
	}
	press(a, "8", "r") // the rename box starts with the raw name
	assertInert(t, "rename", a.View().Content)

	visitorSnap := &snapshot{
		info:   state.HubInfo{Name: evil},
		census: []state.CensusMember{{ID: 1, Name: evil, Joined: "2026-11-25"}},
		ownApp: &state.Application{ID: 3, Name: evil, Status: state.AppPending},
		size:   2,
	}
	v := New(f.hub, testIdentity(t, "stranger"), WithSize(120, 40)).(*App)
	v.applySnapshot(visitorSnap)
	assertInert(t, "visitor", v.View().Content)
	press(v, "i")
	assertInert(t, "visitor form", v.View().Content)

	// Errors from the hub quote member text; they are cleaned too.
	v.Update(resultMsg{err: errorString("name " + evil + " is taken")})
	assertInert(t, "status", v.View().Content)
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestSubscriptionEndsWithSession(t *testing.T) {
	f, alice, _ := seeded(t)
	for _, stop := range []string{"close", "context", "quit"} {
		t.Run(stop, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a := New(f.hub, alice, WithContext(ctx)).(*App)
			wait := a.Init()
			got := make(chan tea.Msg, 1)
			go func() { got <- wait() }()
			switch stop {
			case "close":
				a.Close()
			case "context":
				cancel()
			case "quit":
				press(a, "q")
			}
			select {
			case msg := <-got:
				if msg != nil {
					t.Fatalf("got %T after %s", msg, stop)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("the waiting goroutine outlived the session (%s)", stop)
			}
			if !a.sess.closed() {
				t.Fatal("session not closed")
			}
			if a.Init() != nil {
				t.Fatal("a closed session subscribed again")
			}
		})
	}

	// A committed change wakes the session, which then reads fresh data.
	a := New(f.hub, alice).(*App)
	defer a.Close()
	wait := a.Init()
	got := make(chan tea.Msg, 1)
	go func() { got <- wait() }()
	f.member(alice, "gina")
	select {
	case msg := <-got:
		if _, ok := msg.(changedMsg); !ok {
			t.Fatalf("got %T, want changedMsg", msg)
		}
		_, cmd := a.Update(msg)
		// The batch holds the reload and the next wait; run only the reload.
		for _, c := range cmd().(tea.BatchMsg) {
			go func() {
				if m, ok := c().(snapshotMsg); ok {
					got <- m
				}
			}()
		}
		m := (<-got).(snapshotMsg)
		a.Update(m)
		mustContain(t, screen(press(a, "6")), "gina")
	case <-time.After(5 * time.Second):
		t.Fatal("no change notification")
	}
}

func BenchmarkView(b *testing.B) {
	f := newFixture(b)
	alice := f.steward("alice")
	for i := range 50 {
		f.member(alice, "member"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	a := New(f.hub, alice, WithSize(120, 40)).(*App)
	for _, tab := range []string{"1", "6", "7"} {
		press(a, tab)
		b.Run("tab"+tab, func(b *testing.B) {
			for b.Loop() {
				a.fresh = false // a redraw, not the kept frame
				_ = a.View()
			}
		})
	}
	b.Run("reload", func(b *testing.B) {
		for b.Loop() {
			a.applySnapshot(loadSnapshot(f.hub, alice, 0, nil))
		}
	})
}

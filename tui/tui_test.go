package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/polis-hub/polis/state"
)

// seeded is a hub with a steward, a member and a pending application.
func seeded(t *testing.T) (*fixture, Identity, Identity) {
	f := newFixture(t)
	alice := f.steward("alice")
	bob := f.member(alice, "bob")
	f.as(testIdentity(t, "carol"), state.ApplyToJoin{Name: "carol", Text: "I run the bakery on the corner."})
	return f, alice, bob
}

// runKeys drives a real program with teatest: it types keys, quits with q
// and returns the final model.
func runKeys(t *testing.T, m tea.Model, w, h int, keys ...string) *App {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
	tm.Send(keyMsg("q"))
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
}

func TestTabsByNumberAndCycle(t *testing.T) {
	f, alice, _ := seeded(t)
	cases := []struct {
		keys []string
		tab  int
		want string
	}{
		{[]string{"6"}, tabMembers, "Members  2 members"},
		{[]string{"7"}, tabChain, "Verify it yourself"},
		{[]string{"2"}, tabProposals, "No proposals yet."},
		{[]string{"tab", "tab"}, tabTreasury, "treasury is the money"},
		{[]string{"shift+tab"}, tabSettings, "Theme"},
		{[]string{"8", "tab"}, tabHome, "Good to see you, alice"},
		{[]string{"3", "shift+tab", "shift+tab"}, tabHome, "Needs your attention"},
		{[]string{"9", "0"}, tabHome, "Good to see you"}, // not tabs: ignored
	}
	for _, c := range cases {
		t.Run(strings.Join(c.keys, ","), func(t *testing.T) {
			a := runKeys(t, New(f.hub, alice), 80, 24, c.keys...)
			if a.shell == nil || a.shell.active != c.tab {
				t.Fatalf("active tab %d, want %d", a.shell.active, c.tab)
			}
			mustContain(t, screen(a), c.want)
			if !a.sess.closed() {
				t.Fatal("quitting did not release the subscription")
			}
		})
	}
}

func TestHelpToggles(t *testing.T) {
	f, alice, _ := seeded(t)
	a := runKeys(t, New(f.hub, alice), 80, 24, "?")
	mustContain(t, screen(a), "go to tab", "previous tab")
	a = runKeys(t, New(f.hub, alice), 80, 24, "?", "?")
	if v := screen(a); strings.Contains(v, "go to tab") {
		t.Fatalf("full help still shown:\n%s", v)
	}
	mustContain(t, screen(a), "? more help")
}

func TestResize(t *testing.T) {
	f, alice, _ := seeded(t)
	m := New(f.hub, alice)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	// Resize only once the first frame is out, so the program's own initial
	// size message cannot arrive after ours.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Good to see you")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(tea.WindowSizeMsg{Width: 200, Height: 60})
	tm.Send(keyMsg("q"))
	a := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	checkFits(t, screen(a), 200, 60)
	mustContain(t, screen(a), "1 Home  2 Proposals", "Chain", "chain #")

	for _, sz := range [][2]int{{200, 60}, {80, 24}, {120, 40}, {80, 24}} {
		a.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, k := range []string{"1", "6", "7", "8", "?", "2", "?"} {
			press(a, k)
			checkFits(t, screen(a), sz[0], sz[1])
		}
	}
	// At 80 columns everything a member needs first is on screen.
	press(a, "1")
	mustContain(t, screen(a), "Home", "Settings", "You", "Needs your attention", "Chain", "alice")
}

func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	checkFitsFor(t, view, w, h, "alice")
}

// checkFitsFor is checkFits for a session of member who (or a visitor).
func checkFitsFor(t *testing.T, view string, w, h int, who string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), h, view)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("line %d is %d wide, want <= %d: %q", i, n, w, l)
		}
	}
	if !strings.Contains(lines[h-1], who) && !strings.Contains(lines[h-1], "visitor") {
		t.Fatalf("status bar not at the bottom:\n%s", view)
	}
}

func TestTinyAndHugeSizes(t *testing.T) {
	f, alice, _ := seeded(t)
	for _, who := range []Identity{alice, testIdentity(t, "stranger")} {
		m := New(f.hub, who)
		for _, sz := range [][2]int{{1, 1}, {2, 2}, {0, 0}, {-5, -5}, {10, 3}, {30, 8}, {5000, 2}, {3, 4000}, {1000, 1000}} {
			m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			for _, k := range []string{"1", "2", "6", "/", "x", "esc", "7", "8", "r", "esc", "?", "i", "esc", "a"} {
				m = press(m, k)
				v := m.View().Content
				w, h := max(sz[0], 1), max(sz[1], 1)
				if got := strings.Count(v, "\n") + 1; got > h {
					t.Fatalf("%dx%d: %d lines", sz[0], sz[1], got)
				}
				for _, l := range strings.Split(v, "\n") {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%dx%d: line too wide: %q", sz[0], sz[1], l)
					}
				}
			}
		}
	}
}

func TestVisitorSeesCensusAndWaysIn(t *testing.T) {
	f, _, _ := seeded(t)
	// Only members who chose to be listed are named to visitors.
	f.as(testIdentity(t, "bob"), state.SetListed{Listed: true})
	dave := testIdentity(t, "dave")
	a := runKeys(t, New(f.hub, dave), 80, 24)
	v := screen(a)
	mustContain(t, v, "Welcome to Test Hub", "Census", "2 members", "bob", "1 not listed by name",
		"redeem an invite code", "apply to join", "visitor")
	for _, secret := range []string{"alice", "bakery", "carol", "Applications", "Members  "} {
		if strings.Contains(v, secret) {
			t.Fatalf("visitor sees %q:\n%s", secret, v)
		}
	}
	if a.shell != nil {
		t.Fatal("visitor got the member shell")
	}
}

func TestVisitorRedeemsInvite(t *testing.T) {
	f, alice, _ := seeded(t)
	code, _, err := f.hub.CreateInviteCode(context.Background(), state.Actor{Key: alice.Key, Fingerprint: alice.Fingerprint}, 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	dave := testIdentity(t, "dave")
	m := New(f.hub, dave)
	m = press(m, "i")
	mustContain(t, screen(m), "Redeem an invite", "Invite code", "Your name")
	m = typeText(m, "wrong-code")
	m = press(m, "tab")
	m = typeText(m, "dave")
	m = press(m, "enter")
	mustContain(t, screen(m), "no such invite code", "Redeem an invite")

	m = press(m, "shift+tab")
	for range len("wrong-code") {
		m = press(m, "backspace")
	}
	m = typeText(m, strings.ToUpper(code))
	m = press(m, "enter", "enter")
	a := m.(*App)
	if a.shell == nil {
		t.Fatalf("still a visitor after redeeming:\n%s", screen(a))
	}
	mustContain(t, screen(a), "Good to see you, dave", "welcome")
	if me, ok, _ := f.hub.Whoami(dave.Fingerprint); !ok || me.Name != "dave" {
		t.Fatalf("whoami %+v %v", me, ok)
	}
}

func TestVisitorApplies(t *testing.T) {
	f, _, _ := seeded(t)
	erin := testIdentity(t, "erin")
	m := press(New(f.hub, erin), "a")
	mustContain(t, screen(m), "Apply to join", "A few words")
	m = press(m, "enter", "enter") // empty fields are refused here, not sent
	mustContain(t, screen(m), "please fill in both fields")
	m = press(m, "shift+tab")
	m = typeText(m, "erin")
	m = press(m, "tab")
	m = typeText(m, "I fix bicycles.")
	m = press(m, "enter")
	v := screen(m)
	mustContain(t, v, "Your application #2 is waiting", "application sent")
	if strings.Contains(v, "a  apply to join") {
		t.Fatalf("can apply twice:\n%s", v)
	}
	var apps []state.Application
	_ = f.hub.View(func(r state.Reader) error { apps = state.PendingApplications(r); return nil })
	if len(apps) != 2 || apps[1].Name != "erin" || apps[1].Text != "I fix bicycles." {
		t.Fatalf("applications %+v", apps)
	}
}

func TestQuitKeys(t *testing.T) {
	f, alice, _ := seeded(t)
	for _, k := range []string{"q", "ctrl+c"} {
		for _, who := range []Identity{alice, testIdentity(t, "x")} {
			tm := teatest.NewTestModel(t, New(f.hub, who))
			tm.Send(keyMsg(k))
			tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		}
	}
	// q typed into the filter is text, not a quit.
	a := runKeys(t, New(f.hub, alice), 80, 24, "6", "/", "q", "enter")
	if a.shell.active != tabMembers || !strings.Contains(screen(a), "/ q") {
		t.Fatalf("filter did not take q:\n%s", screen(a))
	}
}

func TestMembersFilter(t *testing.T) {
	f, alice, _ := seeded(t)
	m := press(New(f.hub, alice, WithSize(80, 24)), "6", "/")
	m = typeText(m, "bo")
	v := screen(m)
	mustContain(t, v, "bob", "1 of 2 members match")
	if strings.Contains(v, "#1      alice") {
		t.Fatalf("filter kept alice:\n%s", v)
	}
	m = press(m, "enter")
	mustContain(t, screen(m), "1 of 2 members match")
	m = press(m, "esc")
	mustContain(t, screen(m), "alice", "bob", "Members  2 members")
	// Stewards see applications; plain members do not.
	mustContain(t, screen(m), "Applications waiting (1)", "carol", "bakery")
	bob := testIdentity(t, "bob")
	if v := screen(press(New(f.hub, bob), "6")); strings.Contains(v, "bakery") {
		t.Fatalf("member sees applications:\n%s", v)
	}
}

func TestLiveRefresh(t *testing.T) {
	f, alice, _ := seeded(t)
	tm := teatest.NewTestModel(t, New(f.hub, alice, WithContext(t.Context())), teatest.WithInitialTermSize(100, 30))
	tm.Send(keyMsg("6"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("bob")) },
		teatest.WithDuration(5*time.Second))
	f.member(alice, "frank")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("frank")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyMsg("q"))
	a := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	mustContain(t, screen(a), "frank", "3 members")
}

func TestSettingsThemeAndRename(t *testing.T) {
	f, alice, _ := seeded(t)
	m := press(New(f.hub, alice), "8", "down", "enter")
	a := m.(*App)
	if a.c.theme.Name != "light" {
		t.Fatalf("theme %q after choosing light", a.c.theme.Name)
	}
	me, _, _ := f.hub.Whoami(alice.Fingerprint)
	if p, _ := f.hub.Preferences(state.Reading{Member: &me}); p.Theme != "light" {
		t.Fatalf("theme not remembered: %q", p.Theme)
	}
	// It is alice's preference, not the community's: the log has no trace.
	var b bytes.Buffer
	if err := f.hub.WriteExport(&b, true); err != nil || bytes.Contains(b.Bytes(), []byte("light")) {
		t.Fatalf("the export holds the theme (%v)", err)
	}
	// A new session of the same member starts in the chosen theme.
	if b := New(f.hub, alice).(*App); b.c.theme.Name != "light" {
		t.Fatalf("new session theme %q", b.c.theme.Name)
	}
	m = press(m, "r")
	for range 5 {
		m = press(m, "backspace")
	}
	m = typeText(m, "alicia")
	m = press(m, "enter")
	mustContain(t, screen(m), "you are now alicia", "Name      alicia")
	// A taken name is refused with the hub's own words.
	m = press(m, "r")
	for range 6 {
		m = press(m, "backspace")
	}
	m = press(typeText(m, "bob"), "enter")
	mustContain(t, screen(m), `name "bob" is taken`)
}

func TestNoColor(t *testing.T) {
	f, alice, _ := seeded(t)
	for _, m := range []tea.Model{
		New(f.hub, alice, WithNoColor(true)),
		func() tea.Model {
			m, _ := New(f.hub, alice).Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
			return m
		}(),
	} {
		for _, k := range []string{"1", "6", "7", "8"} {
			v := press(m, k).View()
			if strings.Contains(v.Content, "38;") || strings.Contains(v.Content, "48;") {
				t.Fatalf("colour in a no-colour view: %q", v.Content)
			}
			if v.BackgroundColor != nil || v.ForegroundColor != nil {
				t.Fatal("no-colour view sets terminal colours")
			}
		}
	}
}

func TestHomeGolden(t *testing.T) {
	f, alice, _ := seeded(t)
	golden.RequireEqual(t, screen(New(f.hub, alice, WithSize(80, 24))))
}

package tui

import (
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
)

func memberByID(t *testing.T, f *fixture, id uint64) state.Member {
	t.Helper()
	ms, err := f.hub.Members()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no member %d", id)
	return state.Member{}
}

func TestSettingsLeave(t *testing.T) {
	f, _, bob := seeded(t)
	m := press(New(f.hub, bob, WithSize(80, 24), WithSSHCommand("ssh -p 23234 hub.example")), "8")
	mustContain(t, screen(m), "Leaving", "press L to leave the community")
	m = press(m, "L")
	v := screen(m)
	// How to take the record comes before any question.
	mustContain(t, v, "Leave the community", "Take your record first",
		"ssh -p 23234 hub.example record --json", "How should the record name you afterwards?",
		`as "former member"`, "by my name", "Leave Test Hub now?", "Stay")
	if strings.Index(v, "Take your record first") > strings.Index(v, "How should the record") {
		t.Fatalf("the record line comes after the questions:\n%s", v)
	}
	checkFitsFor(t, v, 80, 24, "bob")

	// q is not a way out of the questions, and "Stay" is the default.
	m = press(m, "q", "y", "enter")
	mustContain(t, screen(m), "good: you are staying")
	if memberByID(t, f, 2).Gone() {
		t.Fatal("bob left by staying")
	}
	m = press(m, "L", "esc")
	if memberByID(t, f, 2).Gone() || m.(*App).shell.tab(tabSettings).Capturing() {
		t.Fatal("esc did not close the questions")
	}

	// Former member, then Leave.
	m = press(m, "L", "y", "y")
	a := m.(*App)
	v = screen(a)
	mustContain(t, v, "Goodbye, bob.", "You have left Test Hub", "history is not rewritten",
		`names you as "former member"`, "chain head", "enter visitor screen")
	checkFitsFor(t, v, 80, 24, "visitor")
	gone := memberByID(t, f, 2)
	if !gone.Gone() || gone.Name != state.FormerMember {
		t.Fatalf("after leaving: %+v", gone)
	}
	if _, ok, _ := f.hub.Whoami(bob.Fingerprint); ok {
		t.Fatal("the key still opens the member app")
	}
	// enter goes on to the visitor screen; the member lists forget bob.
	a = press(a, "enter").(*App)
	mustContain(t, screen(a), "Welcome to Test Hub", "1 member")
	alice := testIdentity(t, "alice")
	v = screen(press(New(f.hub, alice, WithSize(80, 24)), "6"))
	mustContain(t, v, "Members  1 member")
	if strings.Contains(v, "former member") || strings.Contains(v, "#2 ") {
		t.Fatalf("a member who left is listed:\n%s", v)
	}
}

func TestSettingsLeaveByName(t *testing.T) {
	f, _, bob := seeded(t)
	told := false
	m := press(New(f.hub, bob, WithLeaving(func() { told = !memberByID(t, f, 2).Gone() })), "8", "L", "n", "left", "enter")
	if !told {
		t.Fatal("the SSH layer was not told before the member left")
	}
	mustContain(t, screen(m), "Goodbye, bob.", "name stays on what you did.")
	if gone := memberByID(t, f, 2); !gone.Gone() || gone.Name != "bob" {
		t.Fatalf("after leaving by name: %+v", gone)
	}
	if m = press(m, "q"); m.(*App).sess.closed() != true {
		t.Fatal("q on the goodbye did not quit")
	}
}

func TestOnlyStewardCannotLeave(t *testing.T) {
	f, alice, _ := seeded(t)
	m := press(New(f.hub, alice), "8", "L", "y", "left", "enter")
	mustContain(t, statusLineOf(m), "you are the only steward")
	mustContain(t, screen(m), "Leave the community")
	if memberByID(t, f, 1).Gone() {
		t.Fatal("the only steward left")
	}
	// The refusal leaves the questions answerable, and esc still stays.
	if strings.Contains(screen(m), "leaving…") {
		t.Fatalf("still sending after the refusal:\n%s", screen(m))
	}
	m = press(m, "esc")
	mustContain(t, screen(m), "Theme", "press L to leave")
}

func TestSettingsListedAndCountry(t *testing.T) {
	f, _, bob := seeded(t)
	m := press(New(f.hub, bob, WithSize(80, 24)), "8")
	mustContain(t, screen(m), "Visitors  see you counted, not named", "Country   not declared")
	m = press(m, "v")
	mustContain(t, screen(m), "visitors now see your name", "Visitors  see your name")
	if !memberByID(t, f, 2).Listed {
		t.Fatal("v did not list bob")
	}
	m = press(m, "v")
	if memberByID(t, f, 2).Listed {
		t.Fatal("second v did not unlist bob")
	}

	// Lower case is fine; the hub's own words refuse a bad code.
	m = typeText(press(m, "o"), "pt")
	m = press(m, "enter")
	mustContain(t, screen(m), "your country is now PT", "Country   PT")
	if c := memberByID(t, f, 2).Country; c != "PT" {
		t.Fatalf("country %q", c)
	}
	m = typeText(press(m, "o", "backspace", "backspace"), "XX")
	m = press(m, "enter")
	mustContain(t, statusLineOf(m), "country must be a two-letter ISO 3166 code")
	if c := memberByID(t, f, 2).Country; c != "PT" {
		t.Fatalf("a bad code changed the country to %q", c)
	}
	// The refused code stays in the open box, to be fixed.
	if st := m.(*App).shell.tab(tabSettings).(*settings); !st.placing || st.country.Value() != "XX" {
		t.Fatalf("the refused code was not kept: open %v, %q", st.placing, st.country.Value())
	}
	// q while typing is a letter, not a quit; empty clears.
	m = press(m, "backspace", "backspace", "q")
	if m.(*App).sess.closed() {
		t.Fatal("q in the country input quit")
	}
	m = press(m, "backspace", "enter")
	mustContain(t, screen(m), "your country is cleared")
	if c := memberByID(t, f, 2).Country; c != "" {
		t.Fatalf("country %q after clearing", c)
	}
	// ? lists the keys.
	mustContain(t, screen(press(m, "?")), "v visible to visitors", "o country", "L leave the community")
}

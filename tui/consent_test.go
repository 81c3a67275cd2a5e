package tui

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

const (
	charterV1 = "# House rules\n\nWe share **rooms**, money and decisions.\n\n1. Be kind.\n2. Pay your share."
	charterV2 = "# House rules\n\nWe share rooms, money and decisions.\n\n1. Be kind.\n2. Pay your share.\n3. Quiet after ten."
)

// chartered is the seeded hub with charter v1, which alice (the steward
// who set it) consented to; bob joined before it and has not.
func chartered(t *testing.T) (*fixture, Identity, Identity) {
	f, alice, bob := seeded(t)
	f.as(alice, state.SetCharter{Text: charterV1})
	return f, alice, bob
}

// amend passes a charter proposal, so version 2 is in force.
func amend(f *fixture, alice, bob Identity) {
	f.as(alice, state.NewProposal{Kind: state.KindCharter, Title: "Quiet hours", Body: charterV2, Method: state.MethodYesNo})
	props, err := f.hub.ProposalsFor(1)
	if err != nil || len(props) == 0 {
		f.t.Fatalf("proposals %v %v", props, err)
	}
	id := props[len(props)-1].ID
	for _, who := range []Identity{alice, bob} {
		f.as(who, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.advance(15 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())
	if c, ok, _ := f.hub.Charter(0); !ok || c.Version != 2 {
		f.t.Fatalf("charter after the amendment: %+v %v", c, ok)
	}
}

func TestJoinNeedsConsentToTheCharter(t *testing.T) {
	f, alice, _ := chartered(t)
	code, _, err := f.hub.CreateInviteCode(context.Background(), state.Actor{Key: alice.Key, Fingerprint: alice.Fingerprint}, 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	dave := testIdentity(t, "dave")
	m := press(New(f.hub, dave, WithSize(80, 24)), "i")
	m = typeText(m, code)
	m = press(m, "tab")
	m = typeText(m, "dave")
	m = press(m, "enter")
	v := screen(m)
	mustContain(t, v, "Charter v1", "House rules", "Be kind.", "Do you consent to this charter?", "type consent and press enter")
	checkFits(t, v, 80, 24)

	// Without the word nothing is sent, whatever else is typed.
	for _, typed := range []string{"", "n", "y", "yes", "I consent"} {
		m = press(typeText(m, typed), "enter")
		mustContain(t, screen(m), "joining needs your consent to the charter", "Charter v1")
		if _, ok, _ := f.hub.Whoami(dave.Fingerprint); ok {
			t.Fatalf("%q joined without consent", typed)
		}
		for range typed {
			m = press(m, "backspace")
		}
	}
	// esc goes back to the form, which keeps what was typed.
	m = press(m, "esc")
	mustContain(t, screen(m), "Redeem an invite", "dave")
	m = press(m, "enter")
	mustContain(t, screen(m), "Do you consent to this charter?")

	// The word and enter join, with the version shown.
	m = press(typeText(m, "Consent"), "enter")
	a := m.(*App)
	if a.shell == nil {
		t.Fatalf("still a visitor after consenting:\n%s", screen(a))
	}
	me, ok, _ := f.hub.Whoami(dave.Fingerprint)
	if !ok || me.Consent != 1 || me.Name != "dave" {
		t.Fatalf("member after joining: %+v %v", me, ok)
	}
	// A member who consented is not asked again.
	v = screen(a)
	mustContain(t, v, "Good to see you, dave")
	if strings.Contains(v, "awaits your consent") {
		t.Fatalf("asked again after consenting:\n%s", v)
	}
}

func TestApplyWithConsent(t *testing.T) {
	f, alice, _ := chartered(t)
	erin := testIdentity(t, "erin")
	m := press(New(f.hub, erin, WithSize(100, 30)), "a")
	m = typeText(m, "erin")
	m = press(m, "tab")
	m = typeText(m, "I fix bicycles.")
	m = press(m, "enter")
	mustContain(t, screen(m), "Do you consent to this charter?")
	m = press(typeText(m, "consent"), "enter")
	mustContain(t, screen(m), "application sent", "Your application #2 is waiting")
	f.as(alice, state.DecideApplication{ID: 2, Approve: true})
	if me, ok, _ := f.hub.Whoami(erin.Fingerprint); !ok || me.Consent != 1 {
		t.Fatalf("approved applicant %+v %v", me, ok)
	}
}

func TestJoinWithoutCharterIsUnchanged(t *testing.T) {
	f, alice, _ := seeded(t)
	code, _, err := f.hub.CreateInviteCode(context.Background(), state.Actor{Key: alice.Key, Fingerprint: alice.Fingerprint}, 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	dave := testIdentity(t, "dave")
	m := typeText(press(New(f.hub, dave), "i"), code)
	m = typeText(press(m, "tab"), "dave")
	m = press(m, "enter")
	if m.(*App).shell == nil {
		t.Fatalf("no charter, yet joining did not go straight in:\n%s", screen(m))
	}
}

func TestReconsentAtLoginAfterAmendment(t *testing.T) {
	f, alice, bob := chartered(t)
	f.as(bob, state.Consent{Version: 1})
	amend(f, alice, bob)

	m := New(f.hub, bob, WithSize(80, 24))
	v := screen(m)
	mustContain(t, v, "Charter v2", "adopted 2026-12-10 by proposal #1", "Quiet after ten.",
		"Do you consent to charter v2?", "type consent and press enter", "Not now")
	checkFitsFor(t, v, 80, 24, "bob")
	// The prompt is a modal: tab numbers do not leave it.
	m = press(m, "6")
	mustContain(t, screen(m), "Do you consent to charter v2?")

	// Not now: the whole app stays open, with a calm reminder.
	m = press(m, "esc")
	v = screen(m)
	mustContain(t, v, "Members", "charter v2 awaits your consent — press C")
	if strings.Contains(v, "Do you consent") {
		t.Fatalf("prompt still open after not now:\n%s", v)
	}
	m = press(m, "1")
	mustContain(t, statusLineOf(m), "charter v2 awaits your consent")
	mustContain(t, screen(m), "● charter v2 awaits your", "press C to read it")
	// A refresh does not ask again in the same session.
	m = refresh(m)
	if strings.Contains(screen(m), "Do you consent") {
		t.Fatalf("asked again after not now:\n%s", screen(m))
	}
	// ? lists the key.
	if v := screen(press(m, "?")); !regexp.MustCompile(`C +charter`).MatchString(v) {
		t.Fatalf("full help lacks the charter key:\n%s", v)
	}
	m = press(m, "?")

	m = press(m, "C")
	mustContain(t, screen(m), "Do you consent to charter v2?")
	m = press(typeText(m, "consent"), "enter")
	if me, _, _ := f.hub.Whoami(bob.Fingerprint); me.Consent != 2 {
		t.Fatalf("consent after yes: %d", me.Consent)
	}
	v = screen(m)
	mustContain(t, v, "thank you: you consented to charter v2")
	if strings.Contains(v, "awaits your consent") || strings.Contains(v, "Do you consent") {
		t.Fatalf("still asking after consent:\n%s", v)
	}
	// C now shows the charter to read, with no question.
	v = screen(press(m, "C"))
	mustContain(t, v, "Charter v2", "✓ you consented to charter v2")
	if strings.Contains(v, "type consent") {
		t.Fatalf("asks again when rereading:\n%s", v)
	}
}

// A version adopted while the member is in the app never opens a prompt
// over what they are doing: keys they were typing stay theirs, and a line in
// the status bar tells them; C answers.
func TestReconsentWhileLoggedIn(t *testing.T) {
	f, alice, bob := chartered(t)
	f.as(bob, state.Consent{Version: 1})
	tm := teatest.NewTestModel(t, New(f.hub, bob, WithContext(t.Context())), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Good to see you")) },
		teatest.WithDuration(5*time.Second))
	amend(f, alice, bob)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("charter v2 awaits your")) },
		teatest.WithDuration(5*time.Second))
	// What a member types next is not an answer: y, enter, even the word.
	for _, k := range []string{"y", "enter", "c", "o", "n", "s", "e", "n", "t", "enter"} {
		tm.Send(keyMsg(k))
	}
	// Back out of whatever those keys opened, then answer with C.
	for _, k := range []string{"esc", "esc", "1", "C"} {
		tm.Send(keyMsg(k))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Do you consent to charter v2?")) },
		teatest.WithDuration(5*time.Second))
	if me, _, _ := f.hub.Whoami(bob.Fingerprint); me.Consent != 1 {
		t.Fatalf("stray keys recorded consent to v%d", me.Consent)
	}
	for _, k := range []string{"c", "o", "n", "s", "e", "n", "t", "enter"} {
		tm.Send(keyMsg(k))
	}
	// Quitting at once could end the program before the consent is
	// submitted; a person sees the thanks first.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("you consented to charter v2")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyMsg("q"))
	a := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if me, _, _ := f.hub.Whoami(bob.Fingerprint); me.Consent != 2 {
		t.Fatalf("consent %d, want 2:\n%s", me.Consent, screen(a))
	}
}

// Keys a person might press by habit or by accident never consent: the old
// prompt took y, and → then enter, as a yes.
func TestStrayKeysNeverConsent(t *testing.T) {
	f, alice, bob := chartered(t)
	f.as(bob, state.Consent{Version: 1})
	amend(f, alice, bob)
	m := New(f.hub, bob, WithSize(80, 24))
	mustContain(t, screen(m), "Do you consent to charter v2?")
	for _, keys := range [][]string{{"y"}, {"enter"}, {"right", "enter"}, {"left", "enter"}, {"tab", "enter"}, {"space", "enter"}} {
		m = press(m, keys...)
		if me, _, _ := f.hub.Whoami(bob.Fingerprint); me.Consent != 1 {
			t.Fatalf("%v recorded consent to v%d", keys, me.Consent)
		}
	}
	// The prompt is still open, and says what would consent.
	mustContain(t, screen(m), "Do you consent to charter v2?", "Only the word consent")
	m = typeText(m, "the key")
	m = press(m, "enter")
	if me, _, _ := f.hub.Whoami(bob.Fingerprint); me.Consent != 1 {
		t.Fatalf("typing recorded consent to v%d", me.Consent)
	}
}

func TestConsentPromptSizes(t *testing.T) {
	f, _, bob := chartered(t)
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {40, 12}} {
		m := New(f.hub, bob, WithSize(sz[0], sz[1]))
		checkFitsFor(t, screen(m), sz[0], sz[1], "bob")
		for _, k := range []string{"down", "down", "pgdown", "c", "enter", "?"} {
			m = press(m, k)
			checkFitsFor(t, screen(m), sz[0], sz[1], "bob")
		}
	}
	// A mono terminal gets no colour from the prompt either.
	v := New(f.hub, bob, WithNoColor(true)).View().Content
	if strings.Contains(v, "38;") || strings.Contains(v, "48;") {
		t.Fatalf("colour in a no-colour prompt: %q", v)
	}
}

// An amendment shows what changed since the version the member consented
// to before it asks again.
func TestAmendmentShowsWhatChanged(t *testing.T) {
	f, alice, bob := chartered(t)
	f.as(bob, state.Consent{Version: 1})
	amend(f, alice, bob)
	m := New(f.hub, bob, WithSize(100, 40))
	v := screen(m)
	mustContain(t, v, "What changed since v1", "-We share **rooms**, money and decisions.", "+We share rooms, money and decisions.",
		"+3. Quiet after ten.", "The whole of v2", "Do you consent to charter v2?")
	checkFitsFor(t, v, 100, 40, "bob")
	// Once consented, rereading the charter shows it plain.
	m = press(typeText(m, "consent"), "enter", "C")
	mustContain(t, screen(m), "you consented to charter v2")
	if strings.Contains(screen(m), "What changed") {
		t.Fatalf("a reread shows the diff:\n%s", screen(m))
	}
}

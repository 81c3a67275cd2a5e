package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
)

// logTail is every event from seq on, as actor and body: what a form and
// the command it stands for must agree on (times differ by when each ran).
func logTail(t *testing.T, hub *state.Hub, seq uint64) []string {
	t.Helper()
	var out []string
	err := hub.EventsOfKind([]string{""}, func(ev state.Event) error {
		if ev.Seq >= seq {
			b, err := json.Marshal(ev.Body)
			if err != nil {
				return err
			}
			out = append(out, fmt.Sprint(ev.Actor)+" "+string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func logSize(t *testing.T, hub *state.Hub) uint64 {
	return uint64(len(logTail(t, hub, 0)))
}

// parity runs the same act twice on two copies of one hub: through the
// app (keys pressed as who) and through the SSH command (args as who), and
// fails unless both wrote the same events.
func parity(t *testing.T, build func(t *testing.T) (*fixture, Identity), app func(m tea.Model) tea.Model, args ...string) []string {
	t.Helper()
	return parityIn(t, build, app, "", args...)
}

// parityIn is parity with stdin for the command (a proposal's body).
func parityIn(t *testing.T, build func(t *testing.T) (*fixture, Identity), app func(m tea.Model) tea.Model, stdin string, args ...string) []string {
	t.Helper()
	fa, who := build(t)
	fc, _ := build(t)
	na, nc := logSize(t, fa.hub), logSize(t, fc.hub)
	if na != nc {
		t.Fatalf("the two hubs differ before the act: %d and %d events", na, nc)
	}
	m := app(New(fa.hub, who, WithSize(100, 30), WithClock(fa.clk.peek)))
	var stdout, stderr bytes.Buffer
	if code := cmd.Execute(context.Background(), fc.hub, cmd.Identity{Key: who.Key, Fingerprint: who.Fingerprint}, args, strings.NewReader(stdin), &stdout, &stderr); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
	}
	viaApp, viaCmd := logTail(t, fa.hub, na), logTail(t, fc.hub, nc)
	if len(viaCmd) == 0 {
		t.Fatalf("%v wrote nothing", args)
	}
	if len(viaApp) != len(viaCmd) {
		t.Fatalf("the app wrote %d events, %v wrote %d:\napp: %v\ncmd: %v\n%s", len(viaApp), args, len(viaCmd), viaApp, viaCmd, screen(m))
	}
	for i := range viaApp {
		if viaApp[i] != viaCmd[i] {
			t.Fatalf("event %d differs:\napp: %s\ncmd: %s", i, viaApp[i], viaCmd[i])
		}
	}
	return viaApp
}

func TestParityDecideApplications(t *testing.T) {
	// rich has one application waiting, #1; a second one makes the pick
	// matter.
	build := func(t *testing.T) (*fixture, Identity) {
		f, erin := rich(t)
		f.as(testIdentity(t, "second-applicant"), state.ApplyToJoin{Name: "Zoë", Text: "Hello!"})
		return f, erin
	}
	parity(t, build, func(m tea.Model) tea.Model { return press(m, "6", "a", "a") }, "approve", "1")
	parity(t, build, func(m tea.Model) tea.Model { return press(m, "6", "]", "x", "x") }, "reject", "2")
	evs := parity(t, build, func(m tea.Model) tea.Model { return press(m, "6", "]", "a", "a") }, "approve", "2")
	if len(evs) < 2 {
		t.Fatalf("approving did not admit: %v", evs)
	}
	// One press only asks.
	f, erin := build(t)
	n := logSize(t, f.hub)
	m := press(New(f.hub, erin, WithSize(100, 30)), "6", "a")
	mustContain(t, statusLineOf(m), "press a again to approve application #1 from Bartholomew")
	if logSize(t, f.hub) != n {
		t.Fatal("one press approved")
	}
	// A plain member has no such keys.
	noa := testIdentity(t, rtlName)
	n = logSize(t, f.hub)
	press(New(f.hub, noa, WithSize(100, 30)), "6", "a", "a")
	if logSize(t, f.hub) != n {
		t.Fatal("a member decided an application")
	}
}

// keys is a list of keys and text to type: an entry of more than one
// character that is not a key name is typed.
func keys(m tea.Model, ks ...string) tea.Model {
	for _, k := range ks {
		switch {
		case len([]rune(k)) == 1, k == "tab", k == "shift+tab", k == "enter", k == "esc", k == "left", k == "right",
			k == "up", k == "down", k == "backspace", strings.HasPrefix(k, "ctrl+"):
			m = press(m, k)
		default:
			m = typeText(m, k)
		}
	}
	return m
}

// withCharter is rich with a charter in force, so it can be amended.
func withCharter(t *testing.T) (*fixture, Identity) {
	f, erin := rich(t)
	f.as(erin, state.SetCharter{Text: "# Our charter\n\nWe share what we have."})
	return f, erin
}

// Every kind and method of `proposal new`, from the form.
func TestParityNewProposal(t *testing.T) {
	cases := []struct {
		name  string
		keys  []string
		stdin string
		args  []string
	}{
		{"text", []string{"Paint the shed", "tab", "Green is nicer.", "enter", "Really."},
			"Green is nicer.\nReally.", []string{"--kind", "text", "--title", "Paint the shed"}},
		{"approval", []string{"shift+tab", "right", "tab", "Where to meet", "tab", "Lisbon, Porto ,東京"},
			"", []string{"--kind", "text", "--title", "Where to meet", "--method", "approval", "--options", "Lisbon, Porto ,東京"}},
		{"ranked", []string{"shift+tab", "right", "right", "tab", "Rank them", "tab", "a,b,c"},
			"", []string{"--kind", "text", "--title", "Rank them", "--method", "ranked", "--options", "a,b,c"}},
		{"score", []string{"shift+tab", "right", "right", "right", "tab", "Score them", "tab", "x, y"},
			"", []string{"--kind", "text", "--title", "Score them", "--method", "score", "--options", "x, y"}},
		{"spend", []string{"shift+tab", "shift+tab", "right", "right", "tab", "Pay the roofer", "tab", "2", "tab", "12.50", "tab", "right", "tab", "roof", "tab", "right"},
			"", []string{"--kind", "spend", "--title", "Pay the roofer", "--to", "2", "--amount", "12.50", "--asset", "EUR", "--memo", "roof", "--every", "week"}},
		{"spend by name", []string{"shift+tab", "shift+tab", "right", "right", "tab", "Pay Noa", "tab", rtlName, "tab", "3", "tab", "right"},
			"", []string{"--kind", "spend", "--title", "Pay Noa", "--to", rtlName, "--amount", "3", "--asset", "EUR"}},
		{"space", []string{"shift+tab", "shift+tab", "right", "right", "right", "tab", "A flat in Porto", "tab", "tab", "Casa Verde", "tab", "Porto", "tab", "pt", "tab", "3", "tab", "Europe/Lisbon", "tab", "right"},
			"", []string{"--kind", "space", "--title", "A flat in Porto", "--space-name", "Casa Verde", "--city", "Porto", "--country", "pt", "--beds", "3", "--tz", "Europe/Lisbon", "--approval"}},
		{"retire space", []string{"shift+tab", "shift+tab", "right", "right", "right", "tab", "Close Tokyo", "tab", "right", "tab", "2"},
			"", []string{"--kind", "space", "--title", "Close Tokyo", "--retire", "2"}},
		{"role", []string{"shift+tab", "shift+tab", "right", "tab", "Noa stewards", "tab", rtlName, "tab", "right", "right", "tab"},
			"", []string{"--kind", "role", "--title", "Noa stewards", "--member", rtlName, "--role", "steward"}},
		{"revoke role", []string{"shift+tab", "shift+tab", "right", "tab", "Yamada steps down", "tab", "#3", "tab", "tab", "right"},
			"", []string{"--kind", "role", "--title", "Yamada steps down", "--member", "3", "--role", "moderator", "--revoke"}},
		{"rules", []string{"shift+tab", "shift+tab", "right", "right", "right", "right", "tab", "Faster text votes", "tab", "right", "tab", "3d", "tab", "25%", "tab", "66.67"},
			"", []string{"--kind", "rules", "--title", "Faster text votes", "--rules-kind", "role", "--period", "3d", "--quorum", "25%", "--threshold", "66.67"}},
		{"signers", []string{"shift+tab", "shift+tab", "right", "right", "right", "right", "tab", "Two signers", "tab", "left", "tab", "2"},
			"", []string{"--kind", "rules", "--title", "Two signers", "--signers", "2"}},
		{"charter", []string{"shift+tab", "shift+tab", "left", "left", "tab", "Our charter", "tab", "# Charter", "enter", "We share."},
			"# Charter\nWe share.", []string{"--kind", "charter", "--title", "Our charter"}},
		{"expel", []string{"shift+tab", "shift+tab", "left", "tab", "Expel sunny", "tab", "#4"},
			"", []string{"--kind", "expel", "--title", "Expel sunny", "--member", "4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs := parityIn(t, withCharter, func(m tea.Model) tea.Model {
				m = keys(press(m, "2", "n"), c.keys...)
				return press(m, "ctrl+s")
			}, c.stdin, append([]string{"proposal", "new"}, c.args...)...)
			if !strings.Contains(evs[0], `"proposal":6`) {
				t.Fatalf("not a proposal: %v", evs)
			}
		})
	}
}

// A field the hub or the form refuses keeps what was typed, and one esc
// does not throw a half-written proposal away.
func TestNewProposalKeepsWhatWasTyped(t *testing.T) {
	f, erin := rich(t)
	m := keys(press(New(f.hub, erin, WithSize(100, 30), WithClock(f.clk.peek)), "2", "n"),
		"shift+tab", "shift+tab", "right", "right", "tab", "Pay the roofer", "tab", "nobody-by-that-name", "tab", "12.50")
	m = press(m, "ctrl+s")
	v := screen(m)
	mustContain(t, statusLineOf(m), `no member named "nobody-by-that-name"`)
	mustContain(t, v, "Pay the roofer", "nobody-by-that-name", "12.50")
	m = press(m, "esc")
	mustContain(t, screen(m), "New proposal", "press esc again to discard")
	m = press(m, "tab", "esc")
	mustContain(t, screen(m), "New proposal")
	m = press(m, "esc")
	mustContain(t, screen(m), "Needs your vote")
}

// Ballots marked with the keys are the ballots `vote ID CHOICE` casts.
func TestParityBallots(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		args []string
	}{
		{"approval", []string{"2", "g", "enter", "v", "space", "down", "down", "space", "enter"}, []string{"vote", "2", "1,3"}},
		{"approval by toggling off", []string{"2", "g", "enter", "v", "space", "down", "space", "up", "space", "enter"}, []string{"vote", "2", "2"}},
		{"ranked", []string{"2", "g", "down", "enter", "v", "down", "down", "K", "enter"}, []string{"vote", "3", "1,3,2"}},
		{"ranked, one left out", []string{"2", "g", "down", "enter", "v", "space", "enter"}, []string{"vote", "3", "2,3"}},
		{"ranked, moved down", []string{"2", "g", "down", "enter", "v", "J", "J", "enter"}, []string{"vote", "3", "2,3,1"}},
		{"score", []string{"2", "g", "down", "down", "enter", "v", "5", "down", "right", "right", "down", "0", "enter"}, []string{"vote", "4", "5,2,0"}},
		{"yes/no", []string{"2", "G", "enter", "n"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if args == nil {
				// erin already voted yes on #1: a change of mind.
				args = []string{"vote", "1", "no"}
			}
			parity(t, rich, func(m tea.Model) tea.Model { return press(m, c.keys...) }, args...)
		})
	}
}

// Filing a case with the category picked is `dispute file`.
func TestParityFileCase(t *testing.T) {
	parityIn(t, rich, func(m tea.Model) tea.Model {
		return keys(press(m, "5", "f"), rtlName, "enter", "h", "enter", "The dishes", "enter", "Left for a week.", "enter")
	}, "Left for a week.", "dispute", "file", "--against", "2", "--category", "housing", "--title", "The dishes")
	parityIn(t, rich, func(m tea.Model) tea.Model {
		return keys(press(m, "5", "f"), rtlName, "enter", "enter", "Other things", "enter", "Hm.", "enter")
	}, "Hm.", "dispute", "file", "--against", "2", "--title", "Other things")
	parityIn(t, rich, func(m tea.Model) tea.Model {
		return keys(press(m, "5", "f"), rtlName, "enter", "right", "right", "right", "enter", "Money", "enter", "Where did it go?", "enter")
	}, "Where did it go?", "dispute", "file", "--against", "2", "--category", "treasury", "--title", "Money")
}

// An invite made in the Members tab is `invite create` with its defaults:
// one use, a week. The code is random and the command's week starts at
// the wall clock, so those two are left out of the comparison.
func TestParityInvite(t *testing.T) {
	fa, erin := rich(t)
	fc, _ := rich(t)
	na, nc := logSize(t, fa.hub), logSize(t, fc.hub)
	m := press(New(fa.hub, erin, WithSize(120, 30), WithClock(fa.clk.peek)), "6", "i")
	code := m.(*App).shell.tab(tabMembers).(*membersTab).invite
	if len(code) < 10 || !strings.Contains(screen(m), code) {
		t.Fatalf("the code %q is not on screen:\n%s", code, screen(m))
	}
	var out, errb bytes.Buffer
	if rc := cmd.Execute(context.Background(), fc.hub, cmd.Identity{Key: erin.Key, Fingerprint: erin.Fingerprint},
		[]string{"invite", "create"}, strings.NewReader(""), &out, &errb); rc != 0 {
		t.Fatal(errb.String())
	}
	mask := regexp.MustCompile(`"(code_hash|expires)":("[^"]*"|\d+)`)
	a, c := logTail(t, fa.hub, na), logTail(t, fc.hub, nc)
	if len(a) != 1 || len(c) != 1 || mask.ReplaceAllString(a[0], "") != mask.ReplaceAllString(c[0], "") {
		t.Fatalf("app: %v\ncmd: %v", a, c)
	}
	// The code works: someone joins with it.
	f := fa
	f.as(testIdentity(t, "newcomer"), state.Join{CodeHash: state.HashCode(code), Name: "Newcomer"})
	m = refresh(press(m, "esc"))
	mustContain(t, screen(m), "Members  5 members")
	if strings.Contains(screen(m), code) {
		t.Fatal("esc did not hide the code")
	}
}

// Keys: offered, confirmed from the new key, and removed in Settings, as
// `keys add`, `keys confirm` and `keys remove` do (the offer's code is
// random, so its hash is left out of the comparison).
func TestParityKeys(t *testing.T) {
	laptop := testIdentity(t, "erin-laptop")
	keyLine := laptop.Key + " laptop-comment"
	fa, erin := rich(t)
	fc, _ := rich(t)
	na, nc := logSize(t, fa.hub), logSize(t, fc.hub)
	m := keys(press(New(fa.hub, erin, WithSize(120, 30), WithClock(fa.clk.peek)), "8", "K", "a"), keyLine, "tab", "laptop", "enter")
	v := screen(m)
	mustContain(t, v, "Your keys", "Confirm the new key", "keys confirm ")
	code := m.(*App).shell.tab(tabSettings).(*settings).keys.code
	var out, errb bytes.Buffer
	if rc := cmd.Execute(context.Background(), fc.hub, cmd.Identity{Key: erin.Key, Fingerprint: erin.Fingerprint},
		[]string{"keys", "add", "--name", "laptop", keyLine}, strings.NewReader(""), &out, &errb); rc != 0 {
		t.Fatal(errb.String())
	}
	mask := regexp.MustCompile(`"code_hash":"[^"]*"`)
	a, c := logTail(t, fa.hub, na), logTail(t, fc.hub, nc)
	if len(a) != 1 || len(c) != 1 || mask.ReplaceAllString(a[0], "") != mask.ReplaceAllString(c[0], "") {
		t.Fatalf("app: %v\ncmd: %v", a, c)
	}
	// The code confirms from the laptop, and the key is erin's.
	fa.as(laptop, state.ConfirmKey{CodeHash: state.HashKeyCode(code)})
	m = refresh(m)
	mustContain(t, screen(m), "laptop", "(this key)")

	// Removing it takes two presses, and is `keys remove FP`.
	printed := strings.Split(strings.TrimSpace(out.String()), "\n") // the code is the last line
	fc.as(laptop, state.ConfirmKey{CodeHash: state.HashKeyCode(printed[len(printed)-1])})
	na, nc = logSize(t, fa.hub), logSize(t, fc.hub)
	i := 0
	for j, k := range m.(*App).c.snap.me.Keys {
		if k.Fingerprint == laptop.Fingerprint {
			i = j
		}
	}
	for range i {
		m = press(m, "down")
	}
	m = press(m, "x")
	if logSize(t, fa.hub) != na {
		t.Fatal("one x removed the key")
	}
	parityTail := func() {
		if rc := cmd.Execute(context.Background(), fc.hub, cmd.Identity{Key: erin.Key, Fingerprint: erin.Fingerprint},
			[]string{"keys", "remove", laptop.Fingerprint}, strings.NewReader(""), &out, &errb); rc != 0 {
			t.Fatal(errb.String())
		}
	}
	press(m, "x")
	parityTail()
	a, c = logTail(t, fa.hub, na), logTail(t, fc.hub, nc)
	if len(a) != 1 || len(c) != 1 || a[0] != c[0] {
		t.Fatalf("app: %v\ncmd: %v", a, c)
	}
}

// A restitution ruled in the form is `dispute resolve` with its amount,
// asset and booking.
func TestParityRestitution(t *testing.T) {
	claimed := func(t *testing.T) (*fixture, Identity) {
		f, _ := rich(t)
		yam := testIdentity(t, cjkName)
		f.as(yam, state.CaseAction{ID: 1, Action: "claim"})
		return f, yam
	}
	parity(t, claimed, func(m tea.Model) tea.Model {
		return keys(press(m, "5", "r"), "right", "right", "tab", "12.50", "tab", "right", "tab", "tab", "Too loud, too late.", "enter")
	}, "dispute", "resolve", "1", "--outcome", "restitution", "--amount", "12.50", "--asset", "EUR", "--reason", "Too loud, too late.")
	parity(t, claimed, func(m tea.Model) tea.Model {
		return keys(press(m, "5", "r"), "right", "right", "right", "tab", "3", "enter", "Again.", "enter")
	}, "dispute", "resolve", "1", "--outcome", "suspension", "--days", "3", "--reason", "Again.")
	// A bad amount keeps the form and what was typed.
	f, yam := claimed(t)
	m := keys(press(New(f.hub, yam, WithSize(100, 30), WithClock(f.clk.peek)), "5", "r"), "right", "right", "tab", "1.2.3", "tab", "tab", "tab", "Why.", "enter")
	mustContain(t, screen(m), "Rule on case #1", "1.2.3", "Why.")
	if !m.(*App).c.statusErr {
		t.Fatalf("a bad amount was not refused:\n%s", screen(m))
	}
}

// A private note written in the case view is `dispute note` (the note is
// salted, so its hash is left out of the comparison), and its moderator
// reads it there.
func TestParityPrivateNote(t *testing.T) {
	fa, _ := rich(t)
	fc, _ := rich(t)
	yam := testIdentity(t, cjkName)
	na, nc := logSize(t, fa.hub), logSize(t, fc.hub)
	m := keys(press(New(fa.hub, yam, WithSize(100, 30), WithClock(fa.clk.peek)), "5", "enter", "P"), "Spoke to both.", "enter")
	var out, errb bytes.Buffer
	if rc := cmd.Execute(context.Background(), fc.hub, cmd.Identity{Key: yam.Key, Fingerprint: yam.Fingerprint},
		[]string{"dispute", "note", "1"}, strings.NewReader("Spoke to both."), &out, &errb); rc != 0 {
		t.Fatal(errb.String())
	}
	mask := regexp.MustCompile(`"hash":"[^"]*"`)
	a, c := logTail(t, fa.hub, na), logTail(t, fc.hub, nc)
	if len(a) != 1 || len(c) != 1 || mask.ReplaceAllString(a[0], "") != mask.ReplaceAllString(c[0], "") {
		t.Fatalf("app: %v\ncmd: %v\n%s", a, c, screen(m))
	}
	mustContain(t, screen(refresh(m)), "Private notes (1)", "Spoke to both.")
}

package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	fa, who := build(t)
	fc, _ := build(t)
	na, nc := logSize(t, fa.hub), logSize(t, fc.hub)
	if na != nc {
		t.Fatalf("the two hubs differ before the act: %d and %d events", na, nc)
	}
	m := app(New(fa.hub, who, WithSize(100, 30), WithClock(fa.clk.peek)))
	var stdout, stderr bytes.Buffer
	if code := cmd.Execute(context.Background(), fc.hub, cmd.Identity{Key: who.Key, Fingerprint: who.Fingerprint}, args, nil, &stdout, &stderr); code != 0 {
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

package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// Each standing of a witness reads as what it is, fits the width, and a
// refusal says ALARM.
func TestWitnessLine(t *testing.T) {
	th := themes.Get("")
	for _, tc := range []struct {
		st   state.CosignatureStatus
		want string
	}{
		{state.CosignatureStatus{Name: "b.example/hub/witness", Height: 7}, "cosigned this checkpoint"},
		{state.CosignatureStatus{Name: "b.example/hub/witness", Height: 6, Error: "unreachable: connection refused"}, "cosigned checkpoint 6, not this one yet"},
		{state.CosignatureStatus{Name: "c\x1b[31m.example", Refused: true, Error: "it refused checkpoint 7"}, "ALARM"},
		{state.CosignatureStatus{Name: "d.example"}, "nothing cosigned yet"},
	} {
		for _, w := range []int{30, 80, 200} {
			got := witnessLine(&th, tc.st, 7, w)
			if ansi.StringWidth(got) > w || strings.Contains(ansi.Strip(got), "\x1b") {
				t.Errorf("width %d: %q", w, got)
			}
			if w == 200 && !strings.Contains(ansi.Strip(got), tc.want) {
				t.Errorf("%+v: %q, want %q", tc.st, ansi.Strip(got), tc.want)
			}
		}
	}
}

// On a replicated hub the Chain tab names the validators as what makes a
// checkpoint count, and does not offer the checkpoints' own key as proof.
func TestChainTabNamesValidators(t *testing.T) {
	for _, tc := range []struct {
		validator bool
		want, not string
	}{
		{true, "Validators", "other hubs that cosign"},
		{false, "other hubs that cosign", "Validators"},
	} {
		f := newFixture(t)
		alice := f.steward("alice")
		f.hub.SetCosignatures(func() []state.CosignatureStatus {
			return []state.CosignatureStatus{{Name: "node0.example/hub", Height: 1, Validator: tc.validator}}
		})
		a := New(f.hub, alice, WithSize(200, 60)).(*App)
		got := screen(press(a, "7"))
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) || !strings.Contains(got, "node0.example/hub") {
			t.Errorf("validator %v: the Chain tab reads\n%s", tc.validator, got)
		}
		if tc.validator && strings.Contains(got, "signed by this hub's key") {
			t.Errorf("a replicated hub's Chain tab offers the checkpoints' key as proof:\n%s", got)
		}
	}
}

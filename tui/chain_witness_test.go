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

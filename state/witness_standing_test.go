package state

import (
	"strings"
	"testing"
)

// One rule for where a witness stands; every door shows its words.
func TestCosignatureStanding(t *testing.T) {
	for _, tc := range []struct {
		c    CosignatureStatus
		st   Standing
		text string
	}{
		{CosignatureStatus{Height: 7}, StandingCosigned, "cosigned this checkpoint"},
		{CosignatureStatus{Height: 6}, StandingBehind, "cosigned checkpoint 6, not this one yet"},
		{CosignatureStatus{Height: 7, Error: "unreachable"}, StandingBehind, "(unreachable)"},
		{CosignatureStatus{Height: 7, Refused: true, Error: "fork"}, StandingAlarm, "refuses this history: fork"},
		{CosignatureStatus{Error: "unreachable"}, StandingNone, "nothing cosigned yet (unreachable)"},
		{CosignatureStatus{}, StandingNone, "nothing cosigned yet"},
	} {
		st, text := tc.c.Standing(7)
		if st != tc.st || !strings.Contains(text, tc.text) {
			t.Errorf("%+v: %v %q, want %v %q", tc.c, st, text, tc.st, tc.text)
		}
	}
}

package tui

import (
	"testing"

	"github.com/polis-hub/polis/state"
)

// A steward's change that weakens the treasury's controls is shown to
// every member while it waits out its time lock: on Home and in the
// Treasury tab.
func TestScheduledChangeShows(t *testing.T) {
	f, alice, bob := seeded(t)
	f.as(alice, state.SetPolicy{Signers: 1})
	m := New(f.hub, bob, WithSize(100, 30))
	mustContain(t, screen(m), "1 rule change scheduled", "first in force 2026-12-02")
	mustContain(t, screen(press(m, "3")), "from 2026-12-02 payouts need 1 signatures (scheduled)")
}

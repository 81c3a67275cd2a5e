package cmd

import (
	"testing"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// newHub opens a fresh hub that seals a checkpoint with every commit.
func newHub(t testing.TB) *state.Hub {
	t.Helper()
	return hubtest.NewHub(t)
}

// identityOf is u as Execute takes them.
func identityOf(u *hubtest.User) Identity {
	return Identity{Key: u.AuthorizedKey(), Fingerprint: u.Fingerprint()}
}

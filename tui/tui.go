// Package tui is the full-screen terminal app members see over SSH.
package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// Identity is who is at the keyboard: the SSH key that authenticated.
type Identity struct {
	Key         string // canonical authorized_keys form
	Fingerprint string
}

// New returns the app for one session. (Placeholder: being built.)
func New(hub *state.Hub, who Identity) tea.Model {
	panic("tui: not built yet")
}

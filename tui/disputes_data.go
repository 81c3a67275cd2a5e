package tui

import (
	"cmp"
	"slices"

	"github.com/polis-hub/polis/state"
)

// readDisputes returns every case by id. The slice is shared by every
// session (see sharedRead), so nothing may modify it.
func readDisputes(hub *state.Hub) ([]state.Case, error) {
	cs, err := hub.Cases()
	if err != nil {
		return nil, err
	}
	if cs == nil {
		cs = []state.Case{}
	}
	slices.SortFunc(cs, func(a, b state.Case) int { return cmp.Compare(a.ID, b.ID) })
	return cs, nil
}

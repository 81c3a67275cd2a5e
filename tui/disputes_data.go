package tui

import (
	"cmp"
	"slices"
	"sync"

	"github.com/polis-hub/polis/state"
)

// disputesShared is the last read of every case, keyed by hub and log
// size like housingShared, so many sessions share one read per change.
// Nothing may modify the slice it holds.
var disputesShared struct {
	mu    sync.Mutex
	hub   *state.Hub
	size  uint64
	cases []state.Case
}

// loadDisputes returns every case by id, or the shared copy read at the
// same log size.
func loadDisputes(hub *state.Hub) ([]state.Case, error) {
	size := hub.Store().Size()
	ds := &disputesShared
	ds.mu.Lock()
	if ds.hub == hub && ds.size == size && ds.cases != nil {
		cs := ds.cases
		ds.mu.Unlock()
		return cs, nil
	}
	ds.mu.Unlock()
	cs, err := hub.Cases()
	if err != nil {
		return nil, err
	}
	if cs == nil {
		cs = []state.Case{}
	}
	slices.SortFunc(cs, func(a, b state.Case) int { return cmp.Compare(a.ID, b.ID) })
	ds.mu.Lock()
	if ds.hub != hub || size >= ds.size {
		ds.hub, ds.size, ds.cases = hub, size, cs
	}
	ds.mu.Unlock()
	return cs, nil
}

package tui

import (
	"sync"

	"github.com/polis-hub/polis/state"
)

// campaignData is every campaign with its pledges, as one consistent read.
// It is shared by every session (see loadCampaigns), so nothing may modify
// it.
type campaignData struct {
	list    []state.Campaign          // oldest first
	pledges map[uint64][]state.Pledge // per campaign, in member order
}

// campaignsShared is the last read, keyed by hub and log size, as
// treasuryShared is.
var campaignsShared struct {
	mu   sync.Mutex
	hub  *state.Hub
	size uint64
	data *campaignData
}

// loadCampaigns reads the campaigns and their pledges, or returns the
// shared copy read at the same log size.
func loadCampaigns(hub *state.Hub) (*campaignData, error) {
	size := hub.Store().Size()
	cs := &campaignsShared
	cs.mu.Lock()
	if cs.hub == hub && cs.size == size && cs.data != nil {
		d := cs.data
		cs.mu.Unlock()
		return d, nil
	}
	cs.mu.Unlock()
	d := &campaignData{pledges: map[uint64][]state.Pledge{}}
	err := hub.View(func(r state.Reader) error {
		d.list = state.ListCampaigns(r)
		for _, c := range d.list {
			if c.Pledgers > 0 {
				d.pledges[c.ID] = state.ListPledges(r, c.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	if cs.hub != hub || size >= cs.size {
		cs.hub, cs.size, cs.data = hub, size, d
	}
	cs.mu.Unlock()
	return d, nil
}

// pledgeOf is member's pledge to campaign id, 0 if none.
func (d *campaignData) pledgeOf(id, member uint64) int64 {
	for _, p := range d.pledges[id] {
		if p.Member == member {
			return p.Amount
		}
	}
	return 0
}

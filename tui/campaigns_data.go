package tui

import "github.com/polis-hub/polis/state"

// campaignData is every campaign with its pledges, as one consistent read.
// It is shared by every session (see sharedRead), so nothing may modify
// it.
type campaignData struct {
	list    []state.Campaign          // oldest first
	pledges map[uint64][]state.Pledge // per campaign, in member order
}

// readCampaigns reads the campaigns and their pledges in one view.
func readCampaigns(hub *state.Hub) (*campaignData, error) {
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

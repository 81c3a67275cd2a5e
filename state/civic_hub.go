package state

// Queries for the civic parts: charter, campaigns, a member's own record.

// Charter returns charter version v, or the one in force when v is 0.
func (h *Hub) Charter(v int) (c Charter, ok bool, err error) {
	err = h.View(func(r Reader) error {
		if v == 0 {
			c, ok = CurrentCharter(r)
		} else {
			c, ok = GetCharter(r, v)
		}
		return nil
	})
	return c, ok, err
}

// Charters lists every charter version, oldest first.
func (h *Hub) Charters() (cs []Charter, err error) {
	err = h.View(func(r Reader) error { cs = ListCharters(r); return nil })
	return cs, err
}

// Campaigns lists every campaign, oldest first.
func (h *Hub) Campaigns() (cs []Campaign, err error) {
	err = h.View(func(r Reader) error { cs = ListCampaigns(r); return nil })
	return cs, err
}

// CampaignWithPledges returns a campaign and its pledges in member order.
func (h *Hub) CampaignWithPledges(id uint64) (c Campaign, ps []Pledge, err error) {
	err = h.View(func(r Reader) error {
		var ok bool
		if c, ok = GetCampaign(r, id); !ok {
			return notFound("no campaign %d", id)
		}
		ps = ListPledges(r, id)
		return nil
	})
	return c, ps, err
}

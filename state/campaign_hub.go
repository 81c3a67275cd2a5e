package state

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

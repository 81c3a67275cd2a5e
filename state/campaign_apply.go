package state

import "fmt"

// campaignAppliers fold campaigns and pledges.
var campaignAppliers = []applier{
	on(applyCampaignCreated),
	on(applyPledged),
	on(applyPledgeWithdrawn),
	on(closeCampaign),
	on(applyCampaignTied),
}

func applyCampaignCreated(w Writer, ev Event, b *CampaignCreated) error {
	if _, ok := GetCampaign(w, b.Campaign); ok || b.Campaign != nextID(w, "campaign") {
		return fmt.Errorf("campaign %d out of order", b.Campaign)
	}
	if _, ok := GetAsset(w, b.Asset); !ok || b.Goal <= 0 || b.Deadline <= ev.Time {
		return fmt.Errorf("campaign %d is malformed", b.Campaign)
	}
	putJSON(w, idKey(prefixCampaign, b.Campaign), Campaign{ID: b.Campaign, Creator: ev.Actor, Title: b.Title,
		Funds: b.Funds, Asset: b.Asset, Goal: b.Goal, Deadline: b.Deadline, Created: ev.Time,
		State: CampaignOpen, Seq: ev.Seq})
	useID(w, "campaign", b.Campaign)
	setDue(w, b.Deadline, DueCampaign, b.Campaign)
	return nil
}

func applyPledged(w Writer, ev Event, b *Pledged) error {
	c, err := openCampaign(w, b.Campaign, ev.Time)
	if err != nil || b.Amount <= 0 || ev.Actor == 0 {
		return fmt.Errorf("pledge to campaign %d refused", b.Campaign)
	}
	p, had := GetPledge(w, c.ID, ev.Actor)
	if !had {
		c.Pledgers++
		w.Set(pledgeByKey(ev.Actor, c.ID), []byte{})
	}
	p.Campaign, p.Member, p.Amount, p.Time = c.ID, ev.Actor, p.Amount+b.Amount, ev.Time
	c.Pledged += b.Amount
	putJSON(w, pledgeKey(c.ID, ev.Actor), p)
	putJSON(w, idKey(prefixCampaign, c.ID), c)
	return nil
}

func applyPledgeWithdrawn(w Writer, ev Event, b *PledgeWithdrawn) error {
	c, err := openCampaign(w, b.Campaign, ev.Time)
	if err != nil {
		return err
	}
	p, ok := GetPledge(w, c.ID, ev.Actor)
	if !ok {
		return fmt.Errorf("member %d has no pledge to campaign %d", ev.Actor, c.ID)
	}
	c.Pledged -= p.Amount
	c.Pledgers--
	w.Delete(pledgeKey(c.ID, ev.Actor))
	w.Delete(pledgeByKey(ev.Actor, c.ID))
	putJSON(w, idKey(prefixCampaign, c.ID), c)
	return nil
}

func applyCampaignTied(w Writer, ev Event, b *CampaignTied) error {
	c, ok := GetCampaign(w, b.Campaign)
	if !ok {
		return fmt.Errorf("unknown campaign %d", b.Campaign)
	}
	if err := tieable(w, c, b.Proposal); err != nil {
		return err
	}
	c.Proposal = b.Proposal
	putJSON(w, idKey(prefixCampaign, c.ID), c)
	return nil
}

func closeCampaign(w Writer, ev Event, b *CampaignClosed) error {
	c, ok := GetCampaign(w, b.Campaign)
	if !ok || c.State != CampaignOpen || ev.Time < c.Deadline || ev.Actor != 0 {
		return fmt.Errorf("campaign %d cannot close now", b.Campaign)
	}
	if succeeded := c.Pledged >= c.Goal; succeeded != b.Succeeded {
		return fmt.Errorf("campaign %d closes succeeded=%v by its pledges, not %v", c.ID, succeeded, b.Succeeded)
	}
	c.State, c.Closed = CampaignFailed, ev.Time
	clearDue(w, c.Deadline, DueCampaign, c.ID)
	if b.Succeeded {
		c.State = CampaignSucceeded
		if b.FirstEntry != nextID(w, "entry") {
			return fmt.Errorf("campaign %d: ledger entry %d out of order", c.ID, b.FirstEntry)
		}
	}
	for _, p := range ListPledges(w, c.ID) {
		w.Delete(pledgeByKey(p.Member, c.ID))
		if !b.Succeeded {
			// Released: the pledge stays on record, no money moves.
			continue
		}
		e := Entry{ID: nextID(w, "entry"), Kind: EntryContribution, Member: p.Member, Asset: c.Asset,
			Amount: p.Amount, Memo: fmt.Sprintf("pledge to campaign %d", c.ID), Time: ev.Time, Seq: ev.Seq,
			Lines: []Line{{"treasury", p.Amount}, {memberAccount(p.Member, "in"), -p.Amount}}}
		if err := addEntry(w, e); err != nil {
			return err
		}
		p.Entry = e.ID
		putJSON(w, pledgeKey(c.ID, p.Member), p)
	}
	putJSON(w, idKey(prefixCampaign, c.ID), c)
	return nil
}

package state

import (
	"fmt"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// NewCampaign starts a campaign.
type NewCampaign struct {
	Title, Funds, Asset string
	Goal, Deadline      int64 // minor units; unix ms
}

func (c NewCampaign) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("title", c.Title, MaxTitleLen, false, true); err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("what it funds", c.Funds, MaxFundsLen, true, false); err != nil {
		return 0, nil, err
	}
	if _, ok := GetAsset(r, c.Asset); !ok {
		return 0, nil, notFound("unknown asset %q", sanitize.Line(c.Asset))
	}
	if c.Goal <= 0 || c.Goal > money.MaxMinor {
		return 0, nil, fmt.Errorf("goal must be more than zero and at most %d minor units", int64(money.MaxMinor))
	}
	switch {
	case c.Deadline <= env.Time:
		return 0, nil, fmt.Errorf("the deadline must be in the future")
	case c.Deadline > env.Time+MaxCampaignDays*24*3600*1000:
		return 0, nil, fmt.Errorf("a campaign runs at most %d days", MaxCampaignDays)
	}
	return m.ID, []Body{&CampaignCreated{Campaign: nextID(r, "campaign"), Title: c.Title, Funds: c.Funds,
		Asset: c.Asset, Goal: c.Goal, Deadline: c.Deadline}}, nil
}

// Pledge adds to the asking member's pledge.
type PledgeTo struct {
	Campaign uint64
	Amount   int64
}

func (c PledgeTo) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	cp, err := openCampaign(r, c.Campaign, env.Time)
	if err != nil {
		return 0, nil, err
	}
	if c.Amount <= 0 || c.Amount > money.MaxMinor {
		return 0, nil, fmt.Errorf("amount must be more than zero and at most %d minor units", int64(money.MaxMinor))
	}
	prev, _ := GetPledge(r, cp.ID, m.ID)
	if prev.Amount+c.Amount > money.MaxMinor || cp.Pledged+c.Amount > money.MaxMinor*1000 ||
		Balance(r, cp.Asset) > money.MaxMinor*1000-cp.Pledged-c.Amount {
		return 0, nil, fmt.Errorf("that pledge is larger than the treasury can hold")
	}
	return m.ID, []Body{&Pledged{Campaign: cp.ID, Amount: c.Amount}}, nil
}

// Unpledge withdraws the asking member's pledge while the campaign is open.
type Unpledge struct{ Campaign uint64 }

func (c Unpledge) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	cp, err := openCampaign(r, c.Campaign, env.Time)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := GetPledge(r, cp.ID, m.ID); !ok {
		return 0, nil, fmt.Errorf("you have no pledge to campaign %d", cp.ID)
	}
	return m.ID, []Body{&PledgeWithdrawn{Campaign: cp.ID}}, nil
}

// CloseCampaign is the hub's, at the deadline.
type CloseCampaign struct{ ID uint64 }

func (c CloseCampaign) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("campaigns close at their deadline")
	}
	cp, ok := GetCampaign(r, c.ID)
	if !ok || cp.State != CampaignOpen {
		return 0, nil, fmt.Errorf("campaign %d is not open", c.ID)
	}
	if env.Time < cp.Deadline {
		return 0, nil, fmt.Errorf("campaign %d runs until its deadline", cp.ID)
	}
	ok = cp.Pledged >= cp.Goal
	ev := &CampaignClosed{Campaign: cp.ID, Succeeded: ok}
	if ok {
		ev.FirstEntry = nextID(r, "entry")
	}
	return 0, []Body{ev}, nil
}

// TieCampaign links a succeeded campaign to the passed space proposal it
// funded. The campaign's creator or a steward ties it.
type TieCampaign struct{ Campaign, Proposal uint64 }

func (c TieCampaign) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	cp, ok := GetCampaign(r, c.Campaign)
	if !ok {
		return 0, nil, notFound("no campaign %d", c.Campaign)
	}
	if cp.Creator != m.ID && !Can(m, RightRoles) {
		return 0, nil, forbidden("only the campaign's creator or a steward ties it to a proposal")
	}
	if err := tieable(r, cp, c.Proposal); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&CampaignTied{Campaign: cp.ID, Proposal: c.Proposal}}, nil
}

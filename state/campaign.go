package state

import (
	"fmt"
	"strconv"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// A campaign crowdfunds something concrete (a new space, a renovation):
// members pledge towards a goal by a deadline. Pledges are promises, not
// money: at the deadline the hub closes the campaign by event, and only if
// the goal was reached do the pledges become treasury contributions. A
// failed campaign releases every pledge, so nobody pays for a plan that
// did not happen.

// Campaign states.
const (
	CampaignOpen      = "open"
	CampaignSucceeded = "succeeded"
	CampaignFailed    = "failed"
)

// Campaign limits.
const (
	MaxCampaignDays = 365
	MaxFundsLen     = 2000
)

// Campaign is a crowdfunding campaign as stored.
type Campaign struct {
	ID       uint64 `json:"id"`
	Creator  uint64 `json:"creator"`
	Title    string `json:"title"`
	Funds    string `json:"funds"` // what it pays for
	Asset    string `json:"asset"`
	Goal     int64  `json:"goal"`
	Deadline int64  `json:"deadline"`
	Created  int64  `json:"created"`
	Pledged  int64  `json:"pledged"`
	Pledgers int    `json:"pledgers"`
	State    string `json:"state"`
	Closed   int64  `json:"closed,omitempty"`
	// Proposal is the passed space proposal the money went to, if tied.
	Proposal uint64 `json:"proposal,omitempty"`
	Seq      uint64 `json:"seq"`
}

// Pledge is one member's total pledge to a campaign.
type Pledge struct {
	Campaign uint64 `json:"campaign"`
	Member   uint64 `json:"member"`
	Amount   int64  `json:"amount"`
	Time     int64  `json:"time"`
	Entry    uint64 `json:"entry,omitempty"` // the contribution it became
}

// Events.
type CampaignCreated struct {
	Campaign uint64 `json:"campaign"`
	Title    string `json:"title"`
	Funds    string `json:"funds"`
	Asset    string `json:"asset"`
	Goal     int64  `json:"goal"`
	Deadline int64  `json:"deadline"`
}

// Pledged adds Amount to the actor's pledge.
type Pledged struct {
	Campaign uint64 `json:"campaign"`
	Amount   int64  `json:"amount"`
}

// PledgeWithdrawn releases the actor's whole pledge to an open campaign.
type PledgeWithdrawn struct {
	Campaign uint64 `json:"campaign"`
}

// CampaignClosed is emitted by the hub at the deadline. On success the
// pledges become contributions numbered from FirstEntry, in member order;
// apply recounts and refuses an outcome the pledges do not give.
type CampaignClosed struct {
	Campaign   uint64 `json:"campaign"`
	Succeeded  bool   `json:"succeeded"`
	FirstEntry uint64 `json:"first_entry"`
}

// CampaignTied links a succeeded campaign to the passed space proposal it
// paid for.
type CampaignTied struct {
	Campaign uint64 `json:"campaign"`
	Proposal uint64 `json:"proposal"`
}

func (CampaignCreated) EventType() string { return "campaign.created" }
func (Pledged) EventType() string         { return "campaign.pledged" }
func (PledgeWithdrawn) EventType() string { return "campaign.unpledged" }
func (CampaignClosed) EventType() string  { return "campaign.closed" }
func (CampaignTied) EventType() string    { return "campaign.tied" }

func init() {
	register(func() Body { return &CampaignCreated{} })
	register(func() Body { return &Pledged{} })
	register(func() Body { return &PledgeWithdrawn{} })
	register(func() Body { return &CampaignClosed{} })
	register(func() Body { return &CampaignTied{} })
}

const (
	prefixCampaign = "s/campaign/"
	prefixPledge   = "s/pledge/"   // s/pledge/<campaign>/<member>
	prefixPledgeBy = "s/pledgeby/" // s/pledgeby/<member>/<campaign>: open pledges, for leaving
)

func pledgeKey(c, m uint64) string   { return fmt.Sprintf("%s%012d/%012d", prefixPledge, c, m) }
func pledgeByKey(m, c uint64) string { return fmt.Sprintf("%s%012d/%012d", prefixPledgeBy, m, c) }

// GetCampaign returns campaign id.
func GetCampaign(r Reader, id uint64) (c Campaign, ok bool) {
	ok = getJSON(r, idKey(prefixCampaign, id), &c)
	return c, ok
}

// ListCampaigns returns every campaign, oldest first.
func ListCampaigns(r Reader) (out []Campaign) {
	r.Scan(prefixCampaign, func(k string, _ []byte) bool {
		var c Campaign
		getJSON(r, k, &c)
		out = append(out, c)
		return true
	})
	return out
}

// ListPledges returns a campaign's pledges in member order.
func ListPledges(r Reader, campaign uint64) (out []Pledge) {
	r.Scan(fmt.Sprintf("%s%012d/", prefixPledge, campaign), func(k string, _ []byte) bool {
		var p Pledge
		getJSON(r, k, &p)
		out = append(out, p)
		return true
	})
	return out
}

// GetPledge returns member's pledge to campaign.
func GetPledge(r Reader, campaign, member uint64) (p Pledge, ok bool) {
	ok = getJSON(r, pledgeKey(campaign, member), &p)
	return p, ok
}

// openPledgesOf lists the campaigns member has an open pledge to.
func openPledgesOf(r Reader, member uint64) (out []uint64) {
	prefix := fmt.Sprintf("%s%012d/", prefixPledgeBy, member)
	r.Scan(prefix, func(k string, _ []byte) bool {
		id, err := strconv.ParseUint(k[len(prefix):], 10, 64)
		if err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, id)
		return true
	})
	return out
}

func openCampaign(r Reader, id uint64, now int64) (Campaign, error) {
	c, ok := GetCampaign(r, id)
	if !ok {
		return c, notFound("no campaign %d", id)
	}
	if c.State != CampaignOpen || now >= c.Deadline {
		return c, fmt.Errorf("campaign %d is closed to pledges", id)
	}
	return c, nil
}

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

func tieable(r Reader, cp Campaign, proposal uint64) error {
	if cp.State != CampaignSucceeded {
		return fmt.Errorf("campaign %d has not succeeded", cp.ID)
	}
	if cp.Proposal != 0 {
		return fmt.Errorf("campaign %d is already tied to proposal %d", cp.ID, cp.Proposal)
	}
	p, ok := GetProposal(r, proposal)
	if !ok {
		return notFound("no proposal %d", proposal)
	}
	if p.Kind != KindSpace || (p.State != PropPassed && p.State != PropExecuted) {
		return fmt.Errorf("proposal %d is not a passed space proposal", proposal)
	}
	return nil
}

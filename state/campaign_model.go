package state

import (
	"fmt"
	"strconv"
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

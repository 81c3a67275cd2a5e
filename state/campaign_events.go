package state

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

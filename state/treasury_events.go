package state

// Treasury event bodies; see docs/events.md.

// AssetAdded makes a new asset available.
type AssetAdded struct {
	Code     string `json:"code"`
	Decimals int    `json:"decimals"`
}

// Contributed records money a member put in; it counts at once.
type Contributed struct {
	Entry  uint64 `json:"entry"`
	Asset  string `json:"asset"`
	Amount int64  `json:"amount"`
	Memo   string `json:"memo"`
}

// ContributionReversed undoes a contribution that never arrived, by a new
// entry that names it.
type ContributionReversed struct {
	Entry    uint64 `json:"entry"`
	Reverses uint64 `json:"reverses"`
	Memo     string `json:"memo"`
}

// PayoutSigned adds the actor's signature to a payout; the signature that
// reaches the policy's count also pays it, as ledger entry Entry.
type PayoutSigned struct {
	Payout uint64 `json:"payout"`
	Entry  uint64 `json:"entry"`             // 0 unless this signature pays it
	Sig    string `json:"sig,omitempty"`     // the treasurer's armoured SSHSIG over ActBytes, or "" (attested by the hub)
	SigSeq uint64 `json:"sig_seq,omitempty"` // the treasurer's signed-act sequence number
}

// PolicySet changes how many treasurers must sign a payout: a steward's
// command (Proposal 0; fewer signers wait out the time lock instead), or
// the effect of rules proposal Proposal, right after its proposal.executed.
type PolicySet struct {
	Signers  int    `json:"signers"`
	Proposal uint64 `json:"proposal"`
	Change   uint64 `json:"change"` // or the effect of scheduled change Change, right after its change.applied
}

// PayoutCreated is the effect of spend proposal Proposal, right after its
// proposal.executed, or of a restitution ruling within the cap on case
// Case, right after its case.ruled: a payout order that Needed treasurers
// co-sign.
type PayoutCreated struct {
	Payout   uint64 `json:"payout"`
	Proposal uint64 `json:"proposal"`
	Case     uint64 `json:"case"`
	To       uint64 `json:"to"`
	Asset    string `json:"asset"`
	Amount   int64  `json:"amount"`
	Memo     string `json:"memo"`
	Needed   int    `json:"needed"`
}

func (AssetAdded) EventType() string           { return "asset.added" }
func (Contributed) EventType() string          { return "treasury.contributed" }
func (ContributionReversed) EventType() string { return "treasury.reversed" }
func (PayoutSigned) EventType() string         { return "payout.signed" }
func (PolicySet) EventType() string            { return "treasury.policy" }
func (PayoutCreated) EventType() string        { return "payout.created" }

func init() {
	register(func() Body { return &AssetAdded{} })
	register(func() Body { return &Contributed{} })
	register(func() Body { return &ContributionReversed{} })
	register(func() Body { return &PayoutSigned{} })
	register(func() Body { return &PolicySet{} })
	register(func() Body { return &PayoutCreated{} })
}

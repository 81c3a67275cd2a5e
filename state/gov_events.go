package state

// Governance event bodies; see docs/events.md.

// ProposalCreated opens a proposal for voting. Drafts never reach the
// log: a draft opened is one ProposalCreated.
type ProposalCreated struct {
	Proposal uint64   `json:"proposal"`
	Kind     string   `json:"kind"`
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Method   string   `json:"method"`
	Options  []string `json:"options"`
	Action   Action   `json:"action"`
}

// ProposalCancelled is the author withdrawing an active proposal.
type ProposalCancelled struct {
	Proposal uint64 `json:"proposal"`
}

// ProposalCommented adds to a proposal's thread.
type ProposalCommented struct {
	Proposal uint64 `json:"proposal"`
	Comment  uint64 `json:"comment"`
	Body     string `json:"body"`
}

// VoteCast records (or replaces) the actor's direct vote.
type VoteCast struct {
	Proposal uint64 `json:"proposal"`
	Choice   string `json:"choice"`
	Approve  []int  `json:"approve"`
	Ranking  []int  `json:"ranking"`
	Scores   []int  `json:"scores"`
	Sig      string `json:"sig,omitempty"`     // the member's armoured SSHSIG over ActBytes, or "" (attested by the hub)
	SigSeq   uint64 `json:"sig_seq,omitempty"` // the member's signed-act sequence number
}

// DelegationSet delegates the actor's vote, for one kind or "*" for all.
type DelegationSet struct {
	To     uint64 `json:"to"`
	Kind   string `json:"kind"`
	Sig    string `json:"sig,omitempty"`     // the member's armoured SSHSIG over ActBytes, or "" (attested by the hub)
	SigSeq uint64 `json:"sig_seq,omitempty"` // the member's signed-act sequence number
}

// DelegationRevoked ends the actor's delegation for a kind (or "*").
type DelegationRevoked struct {
	Kind string `json:"kind"`
}

// ProposalClosed is emitted by the hub at the deadline. Apply recounts the
// votes and refuses the event if its state is not what the count gives.
type ProposalClosed struct {
	Proposal uint64 `json:"proposal"`
	State    string `json:"state"` // passed, rejected or expired
}

// ProposalExecuted marks a passed proposal as carried out. Its effect
// follows it, in the same command, as the owning domain's own event (see
// effects).
type ProposalExecuted struct {
	Proposal uint64 `json:"proposal"`
}

// RulesSet changes the rules of a kind: a steward's command (Proposal 0;
// a weakening waits out the time lock instead), or the effect of rules
// proposal Proposal, right after its proposal.executed.
type RulesSet struct {
	Rules    KindRules `json:"rules"`
	Proposal uint64    `json:"proposal"`
	Change   uint64    `json:"change"` // or the effect of scheduled change Change, right after its change.applied
}

func (ProposalCreated) EventType() string   { return "proposal.created" }
func (ProposalCancelled) EventType() string { return "proposal.cancelled" }
func (ProposalCommented) EventType() string { return "proposal.commented" }
func (VoteCast) EventType() string          { return "vote.cast" }
func (DelegationSet) EventType() string     { return "delegation.set" }
func (DelegationRevoked) EventType() string { return "delegation.revoked" }
func (ProposalClosed) EventType() string    { return "proposal.closed" }
func (ProposalExecuted) EventType() string  { return "proposal.executed" }
func (RulesSet) EventType() string          { return "rules.set" }

func init() {
	register(func() Body { return &ProposalCreated{} })
	register(func() Body { return &ProposalCancelled{} })
	register(func() Body { return &ProposalCommented{} })
	register(func() Body { return &VoteCast{} })
	register(func() Body { return &DelegationSet{} })
	register(func() Body { return &DelegationRevoked{} })
	register(func() Body { return &ProposalClosed{} })
	register(func() Body { return &ProposalExecuted{} })
	register(func() Body { return &RulesSet{} })
}

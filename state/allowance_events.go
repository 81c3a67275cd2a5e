package state

// AllowanceSpent pays from an allowance as ledger entry Entry.
type AllowanceSpent struct {
	Allowance uint64 `json:"allowance"`
	Entry     uint64 `json:"entry"`
	Amount    int64  `json:"amount"`
	Memo      string `json:"memo"`
}

// AllowanceReset starts a new period: nothing spent yet.
type AllowanceReset struct {
	Allowance uint64 `json:"allowance"`
	Start     int64  `json:"start"`
}

// AllowanceGranted is the effect of spend proposal Proposal with a period,
// right after its proposal.executed: Member (or every holder of Role) may
// spend Amount of Asset per Period, the first period starting at Start.
type AllowanceGranted struct {
	Allowance uint64 `json:"allowance"`
	Proposal  uint64 `json:"proposal"`
	Member    uint64 `json:"member"`
	Role      string `json:"role"`
	Asset     string `json:"asset"`
	Amount    int64  `json:"amount"`
	Period    string `json:"period"`
	Start     int64  `json:"start"`
}

func (AllowanceGranted) EventType() string { return "allowance.granted" }
func (AllowanceSpent) EventType() string   { return "allowance.spent" }
func (AllowanceReset) EventType() string   { return "allowance.reset" }

func init() {
	register(func() Body { return &AllowanceGranted{} })
	register(func() Body { return &AllowanceSpent{} })
	register(func() Body { return &AllowanceReset{} })
}

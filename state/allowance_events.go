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

func (AllowanceSpent) EventType() string { return "allowance.spent" }
func (AllowanceReset) EventType() string { return "allowance.reset" }

func init() {
	register(func() Body { return &AllowanceSpent{} })
	register(func() Body { return &AllowanceReset{} })
}

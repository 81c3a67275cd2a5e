package state

// Dispute event bodies; see docs/events.md.

type CaseFiled struct {
	Case       uint64 `json:"case"`
	Respondent uint64 `json:"respondent"`
	Category   string `json:"category"`
	Title      string `json:"title"`
	Statement  string `json:"statement"`
}

type CaseWithdrawn struct {
	Case uint64 `json:"case"`
}

type CaseStatement struct {
	Case      uint64 `json:"case"`
	Statement uint64 `json:"statement"`
	Body      string `json:"body"`
}

type CaseClaimed struct {
	Case uint64 `json:"case"`
}

// CaseRecused is the claiming moderator stepping aside; the case is open
// again and they can never claim it.
type CaseRecused struct {
	Case uint64 `json:"case"`
}

type CaseRuled struct {
	Case        uint64 `json:"case"`
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason"`
	SuspendDays int    `json:"suspend_days"`
	// Restitution as a payout order to the filer (treasurers co-sign it);
	// a booking change follows as its own events.
	Asset  string `json:"asset,omitempty"`
	Amount int64  `json:"amount,omitempty"`
}

type CaseAppealed struct {
	Case uint64 `json:"case"`
}

// JuryDrawn is emitted by the hub once the first checkpoint after the
// appeal is sealed: Seed is that signed checkpoint's SHA-256 (hex), Height
// its height. Apply recomputes the draw; verify checks the seed.
type JuryDrawn struct {
	Case   uint64   `json:"case"`
	Height int64    `json:"height"`
	Seed   string   `json:"seed"`
	Jurors []uint64 `json:"jurors"`
}

type JuryVoted struct {
	Case    uint64 `json:"case"`
	Outcome string `json:"outcome"`
}

func (CaseFiled) EventType() string     { return "case.filed" }
func (CaseWithdrawn) EventType() string { return "case.withdrawn" }
func (CaseStatement) EventType() string { return "case.statement" }
func (CaseClaimed) EventType() string   { return "case.claimed" }
func (CaseRecused) EventType() string   { return "case.recused" }
func (CaseRuled) EventType() string     { return "case.ruled" }
func (CaseAppealed) EventType() string  { return "case.appealed" }
func (JuryDrawn) EventType() string     { return "jury.drawn" }
func (JuryVoted) EventType() string     { return "jury.voted" }

func init() {
	register(func() Body { return &CaseFiled{} })
	register(func() Body { return &CaseWithdrawn{} })
	register(func() Body { return &CaseStatement{} })
	register(func() Body { return &CaseClaimed{} })
	register(func() Body { return &CaseRecused{} })
	register(func() Body { return &CaseRuled{} })
	register(func() Body { return &CaseAppealed{} })
	register(func() Body { return &JuryDrawn{} })
	register(func() Body { return &JuryVoted{} })
}

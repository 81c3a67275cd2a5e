package state

import (
	"fmt"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// SpendAllowance pays the asking member from an allowance they hold. If the
// period has turned since the last reset, the reset is part of the same
// command, so the rule never depends on when the hub's own reset runs.
type SpendAllowance struct {
	ID     uint64
	Amount int64
	Memo   string
}

func (c SpendAllowance) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	a, ok := GetAllowance(r, c.ID)
	if !ok {
		return 0, nil, notFound("no allowance %d", c.ID)
	}
	if !a.holds(m) {
		return 0, nil, forbidden("allowance %d is not yours", a.ID)
	}
	if err := sanitize.Check("memo", c.Memo, MaxMemoLen, false, false); err != nil {
		return 0, nil, err
	}
	var events []Body
	spent := a.Spent
	if start := PeriodStart(a.Period, env.Time); start != a.PeriodStart {
		events = append(events, &AllowanceReset{Allowance: a.ID, Start: start})
		spent = 0
	}
	asset, _ := GetAsset(r, a.Asset)
	if c.Amount <= 0 {
		return 0, nil, fmt.Errorf("amount must be more than zero")
	}
	if left := a.Amount - spent; c.Amount > left {
		return 0, nil, fmt.Errorf("allowance %d has %s %s left this %s", a.ID, money.Format(left, asset.Decimals), a.Asset, a.Period)
	}
	if bal := Balance(r, a.Asset); bal < c.Amount {
		return 0, nil, fmt.Errorf("the treasury holds only %s %s", money.Format(bal, asset.Decimals), a.Asset)
	}
	events = append(events, &AllowanceSpent{Allowance: a.ID, Entry: nextID(r, "entry"), Amount: c.Amount, Memo: c.Memo})
	return m.ID, events, nil
}

// ResetAllowance is the hub starting a new period at its boundary.
type ResetAllowance struct{ ID uint64 }

func (c ResetAllowance) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("allowances reset at their period boundary")
	}
	a, ok := GetAllowance(r, c.ID)
	if !ok {
		return 0, nil, notFound("no allowance %d", c.ID)
	}
	start := PeriodStart(a.Period, env.Time)
	if start <= a.PeriodStart {
		return 0, nil, fmt.Errorf("allowance %d is within its period", a.ID)
	}
	return 0, []Body{&AllowanceReset{Allowance: a.ID, Start: start}}, nil
}

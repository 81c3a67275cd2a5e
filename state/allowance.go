package state

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// Allowance periods.
const (
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// EntryAllowance is a ledger entry paid from an allowance.
const EntryAllowance = "allowance"

// Allowance lets a member, or every holder of a role, spend up to Amount of
// Asset per period without a proposal each time (the house manager's 200
// EUR a month). A passed spend proposal with a period grants it.
type Allowance struct {
	ID          uint64 `json:"id"`
	Proposal    uint64 `json:"proposal"`
	Member      uint64 `json:"member,omitempty"` // or
	Role        string `json:"role,omitempty"`
	Asset       string `json:"asset"`
	Amount      int64  `json:"amount"` // per period, minor units
	Period      string `json:"period"`
	PeriodStart int64  `json:"period_start"` // unix ms, UTC
	Spent       int64  `json:"spent"`        // this period
}

const prefixAllowance = "s/allowance/"

// PeriodStart is the start (unix ms, UTC) of the week (from Monday) or
// calendar month that contains ms. Pure, so replay agrees with the hub.
func PeriodStart(period string, ms int64) int64 {
	t := time.UnixMilli(ms).UTC()
	switch period {
	case PeriodWeek:
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		back := (int(d.Weekday()) + 6) % 7 // days since Monday
		return d.AddDate(0, 0, -back).UnixMilli()
	default:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	}
}

// GetAllowance returns allowance id.
func GetAllowance(r Reader, id uint64) (Allowance, bool) {
	var a Allowance
	ok := getJSON(r, idKey(prefixAllowance, id), &a)
	return a, ok
}

// ListAllowances returns every allowance.
func ListAllowances(r Reader) []Allowance {
	var out []Allowance
	r.Scan(prefixAllowance, func(k string, v []byte) bool {
		var a Allowance
		if err := json.Unmarshal(v, &a); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, a)
		return true
	})
	return out
}

// holds reports whether m may spend from a.
func (a Allowance) holds(m Member) bool {
	if a.Member != 0 {
		return a.Member == m.ID
	}
	return a.Role != "" && m.HasRole(a.Role)
}

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

func applyAllowance(w Writer, ev Event) (bool, error) {
	switch b := ev.Body.(type) {
	case *AllowanceSpent:
		a, ok := GetAllowance(w, b.Allowance)
		m, isMember := GetMember(w, ev.Actor)
		if !ok || !isMember || !a.holds(m) || b.Amount <= 0 || a.Spent+b.Amount > a.Amount {
			return true, fmt.Errorf("allowance %d cannot pay %d", b.Allowance, b.Amount)
		}
		if PeriodStart(a.Period, ev.Time) != a.PeriodStart {
			return true, fmt.Errorf("allowance %d spent outside its period", a.ID)
		}
		e := Entry{ID: b.Entry, Kind: EntryAllowance, Member: m.ID, Asset: a.Asset, Amount: b.Amount, Memo: b.Memo,
			Allowance: a.ID, By: m.ID, Time: ev.Time, Seq: ev.Seq,
			Lines: []Line{{"treasury", -b.Amount}, {memberAccount(m.ID, "out"), b.Amount}}}
		if err := addEntry(w, e); err != nil {
			return true, err
		}
		a.Spent += b.Amount
		putJSON(w, idKey(prefixAllowance, a.ID), a)
	case *AllowanceReset:
		a, ok := GetAllowance(w, b.Allowance)
		if !ok || b.Start <= a.PeriodStart || b.Start != PeriodStart(a.Period, ev.Time) {
			return true, fmt.Errorf("allowance %d: bad reset", b.Allowance)
		}
		a.PeriodStart, a.Spent = b.Start, 0
		putJSON(w, idKey(prefixAllowance, a.ID), a)
	default:
		return applyHousing(w, ev)
	}
	return true, nil
}

// grantAllowance is a passed spend proposal with a period.
func grantAllowance(w Writer, p Proposal, now int64) {
	id := nextID(w, "allowance")
	putJSON(w, idKey(prefixAllowance, id), Allowance{ID: id, Proposal: p.ID, Member: p.Action.Member, Role: p.Action.Role,
		Asset: p.Action.Asset, Amount: p.Action.Amount, Period: p.Action.Period, PeriodStart: PeriodStart(p.Action.Period, now)})
	useID(w, "allowance", id)
}

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

// Allowances lists every allowance.
func (h *Hub) Allowances() (as []Allowance, err error) {
	err = h.View(func(r Reader) error { as = ListAllowances(r); return nil })
	return as, err
}

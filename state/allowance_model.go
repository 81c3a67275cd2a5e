package state

import (
	"encoding/json"
	"time"
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

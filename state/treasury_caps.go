package state

import (
	"fmt"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// MaxSigners bounds how many treasurer signatures a payout may need.
const MaxSigners = 10

// RestitutionCap is the most one moderator's restitution ruling may pay
// from the treasury, in one asset, without a vote: a larger restitution
// becomes a spend proposal the members decide.
type RestitutionCap struct {
	Asset  string `json:"asset"`
	Amount int64  `json:"amount"` // minor units
}

// defaultCaps hold until a steward changes them: 100.00 USD or EUR, 0.001
// BTC; an asset a steward adds has none (every restitution in it is put to
// a vote).
var defaultCaps = map[string]int64{"USD": 10000, "EUR": 10000, "BTC": 100000}

const prefixRestCap = "s/restcap/"

// RestitutionCapOf returns the cap for asset.
func RestitutionCapOf(r Reader, asset string) RestitutionCap {
	var c RestitutionCap
	if getJSON(r, prefixRestCap+asset, &c) {
		return c
	}
	return RestitutionCap{Asset: asset, Amount: defaultCaps[asset]}
}

func checkCap(r Reader, c RestitutionCap) error {
	if _, ok := GetAsset(r, c.Asset); !ok {
		return notFound("unknown asset %q", sanitize.Line(c.Asset))
	}
	if c.Amount < 0 || c.Amount > money.MaxMinor {
		return fmt.Errorf("a restitution cap is zero or more, at most %d minor units", int64(money.MaxMinor))
	}
	return nil
}

// RestitutionCapSet lowers (or keeps) an asset's restitution cap at once; a
// raise waits out the time lock as a scheduled change, and is this event
// naming the Change right after its change.applied.
type RestitutionCapSet struct {
	Asset  string `json:"asset"`
	Amount int64  `json:"amount"`
	Change uint64 `json:"change"`
}

func (RestitutionCapSet) EventType() string { return "restitution.cap" }

func init() { register(func() Body { return &RestitutionCapSet{} }) }

// SetRestitutionCap sets how much restitution in an asset a moderator may
// order without a vote (stewards). Raising it weakens the treasury's
// controls, so a raise is scheduled.
type SetRestitutionCap struct {
	Asset  string
	Amount int64
}

func (c SetRestitutionCap) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "change the treasury policy")
	if err != nil {
		return 0, nil, err
	}
	cp := RestitutionCap{Asset: c.Asset, Amount: c.Amount}
	if err := checkCap(r, cp); err != nil {
		return 0, nil, err
	}
	if cp.Amount > RestitutionCapOf(r, c.Asset).Amount {
		return m.ID, schedule(r, env, Change{Cap: &cp}), nil
	}
	return m.ID, append(supersede(r, "cap/"+c.Asset), &RestitutionCapSet{Asset: c.Asset, Amount: c.Amount}), nil
}

// applyCapSet is restitution.cap; a raise by this event is refused, as
// only a scheduled change may raise a cap.
func applyCapSet(w Writer, ev Event, b *RestitutionCapSet) error {
	cp := RestitutionCap{Asset: b.Asset, Amount: b.Amount}
	if err := checkCap(w, cp); err != nil {
		return err
	}
	if b.Change != 0 {
		if err := takeChange(w, ev, b.Change, func(c Change) bool { return c.Cap != nil && *c.Cap == cp }); err != nil {
			return err
		}
	} else if !byRight(w, ev, RightRoles) || cp.Amount > RestitutionCapOf(w, b.Asset).Amount {
		return fmt.Errorf("restitution cap %d %s cannot be set directly", b.Amount, b.Asset)
	}
	putJSON(w, prefixRestCap+b.Asset, cp)
	return nil
}

// RestitutionCaps lists the cap of every asset.
func (h *Hub) RestitutionCaps() (out []RestitutionCap, err error) {
	err = h.View(func(r Reader) error {
		for _, a := range ListAssets(r) {
			out = append(out, RestitutionCapOf(r, a.Code))
		}
		return nil
	})
	return out, err
}

package state

import (
	"fmt"

	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// MaxMemoLen bounds ledger memos.
const MaxMemoLen = 200

// AddAsset makes a new asset available (stewards).
type AddAsset struct {
	Code     string
	Decimals int
}

func (c AddAsset) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "add assets")
	if err != nil {
		return 0, nil, err
	}
	if !assetCodeRE.MatchString(c.Code) {
		return 0, nil, fmt.Errorf("asset code must be 2-10 capital letters or digits, starting with a letter")
	}
	if _, ok := GetAsset(r, c.Code); ok {
		return 0, nil, fmt.Errorf("asset %s already exists", c.Code)
	}
	if c.Decimals < 0 || c.Decimals > 18 {
		return 0, nil, fmt.Errorf("decimals must be between 0 and 18")
	}
	return m.ID, []Body{&AssetAdded{Code: c.Code, Decimals: c.Decimals}}, nil
}

// Contribute records money the asking member put in.
type Contribute struct {
	Asset  string
	Amount int64 // minor units; see money.Parse
	Memo   string
}

func (c Contribute) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := GetAsset(r, c.Asset); !ok {
		return 0, nil, notFound("unknown asset %q", sanitize.Line(c.Asset))
	}
	if c.Amount <= 0 || c.Amount > money.MaxMinor {
		return 0, nil, fmt.Errorf("amount must be more than zero and at most %d minor units", int64(money.MaxMinor))
	}
	if Balance(r, c.Asset) > money.MaxMinor*1000-c.Amount {
		return 0, nil, fmt.Errorf("the treasury cannot hold that much %s", c.Asset)
	}
	if err := sanitize.Check("memo", c.Memo, MaxMemoLen, false, false); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&Contributed{Entry: nextID(r, "entry"), Asset: c.Asset, Amount: c.Amount, Memo: c.Memo}}, nil
}

// ReverseContribution undoes a contribution that never arrived
// (treasurers).
type ReverseContribution struct {
	Entry uint64
	Memo  string
}

func (c ReverseContribution) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if !m.HasRole(RoleTreasurer) {
		return 0, nil, forbidden("only treasurers may reverse contributions")
	}
	e, ok := GetEntry(r, c.Entry)
	if !ok {
		return 0, nil, notFound("no ledger entry %d", c.Entry)
	}
	if e.Kind != EntryContribution {
		return 0, nil, fmt.Errorf("entry %d is a %s, not a contribution", e.ID, e.Kind)
	}
	if _, done := r.Get(idKey(prefixReverse, e.ID)); done {
		return 0, nil, fmt.Errorf("entry %d is already reversed", e.ID)
	}
	if Balance(r, e.Asset) < e.Amount {
		return 0, nil, fmt.Errorf("reversing entry %d would overdraw %s", e.ID, e.Asset)
	}
	if err := sanitize.Check("memo", c.Memo, MaxMemoLen, false, false); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&ContributionReversed{Entry: nextID(r, "entry"), Reverses: e.ID, Memo: c.Memo}}, nil
}

// SignPayout co-signs a payout order (treasurers other than the proposal's
// author and the payee). The signature that completes it pays it, unless that would
// overdraw the asset.
type SignPayout struct {
	ID  uint64
	Sig string // the treasurer's armoured SSHSIG over ActToSign's bytes, or ""
}

func (c SignPayout) Decide(r Reader, env Env) (uint64, []Body, error) {
	id, b, err := decideSigned(r, env, c, c.Sig)
	if err != nil {
		return 0, nil, err
	}
	p, _ := GetPayout(r, c.ID)
	if err := needsCosignSig(r, p, b.(*PayoutSigned)); err != nil {
		return 0, nil, err
	}
	return id, []Body{b}, nil
}

// unsignedAct is the co-signature Decide makes, before the treasurer's own.
func (c SignPayout) unsignedAct(r Reader, env Env) (uint64, Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if !m.HasRole(RoleTreasurer) {
		return 0, nil, forbidden("only treasurers may sign payouts")
	}
	p, ok := GetPayout(r, c.ID)
	if !ok {
		return 0, nil, notFound("no payout %d", c.ID)
	}
	if p.Status != PayoutPending {
		return 0, nil, fmt.Errorf("payout %d is already %s", p.ID, p.Status)
	}
	if err := mayCosign(r, m, p, env.Time); err != nil {
		return 0, nil, err
	}
	var entry uint64
	if len(p.Signers)+1 >= p.Needed {
		a, _ := GetAsset(r, p.Asset)
		if bal := Balance(r, p.Asset); bal < p.Amount {
			return 0, nil, fmt.Errorf("the treasury holds %s %s; payout %d needs %s %s", money.Format(bal, a.Decimals), p.Asset, p.ID, money.Format(p.Amount, a.Decimals), p.Asset)
		}
		entry = nextID(r, "entry")
	}
	return m.ID, &PayoutSigned{Payout: p.ID, Entry: entry}, nil
}

// SetPolicy sets how many treasurers must sign a payout (stewards; applies
// to payouts created from then on). Fewer signers weaken the treasury's
// controls, so that change is scheduled.
type SetPolicy struct{ Signers int }

func (c SetPolicy) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "change the treasury policy")
	if err != nil {
		return 0, nil, err
	}
	if c.Signers < 1 || c.Signers > MaxSigners {
		return 0, nil, fmt.Errorf("signers must be between 1 and %d", MaxSigners)
	}
	if c.Signers < Policy(r).Signers {
		return m.ID, schedule(r, env, Change{Signers: c.Signers}), nil
	}
	return m.ID, append(supersede(r, "signers"), &PolicySet{Signers: c.Signers}), nil
}

package state

import (
	"fmt"
)

// treasuryAppliers fold the treasury's events. Every balance moves through
// addEntry.
var treasuryAppliers = []applier{
	on(applyAssetAdded),
	on(applyContributed),
	on(applyContributionReversed),
	on(applyPayoutSigned),
	on(applyPolicySet),
	on(applyPayoutCreated),
	on(applyCapSet),
}

func applyAssetAdded(w Writer, ev Event, b *AssetAdded) error {
	if _, ok := GetAsset(w, b.Code); ok || !assetCodeRE.MatchString(b.Code) || b.Decimals < 0 || b.Decimals > 18 {
		return fmt.Errorf("cannot add asset %q", b.Code)
	}
	putJSON(w, prefixAsset+b.Code, Asset{Code: b.Code, Decimals: b.Decimals})
	return nil
}

func applyContributed(w Writer, ev Event, b *Contributed) error {
	if _, ok := GetAsset(w, b.Asset); !ok || b.Amount <= 0 {
		return fmt.Errorf("bad contribution")
	}
	e := Entry{ID: b.Entry, Kind: EntryContribution, Member: ev.Actor, Asset: b.Asset, Amount: b.Amount,
		Memo: b.Memo, By: ev.Actor, Time: ev.Time, Seq: ev.Seq,
		Lines: []Line{{"treasury", b.Amount}, {memberAccount(ev.Actor, "in"), -b.Amount}}}
	if err := addEntry(w, e); err != nil {
		return err
	}
	return nil
}

func applyContributionReversed(w Writer, ev Event, b *ContributionReversed) error {
	orig, ok := GetEntry(w, b.Reverses)
	if !ok || orig.Kind != EntryContribution {
		return fmt.Errorf("entry %d is not a contribution", b.Reverses)
	}
	if _, done := w.Get(idKey(prefixReverse, orig.ID)); done {
		return fmt.Errorf("entry %d is already reversed", orig.ID)
	}
	e := Entry{ID: b.Entry, Kind: EntryReversal, Member: orig.Member, Asset: orig.Asset, Amount: orig.Amount,
		Memo: b.Memo, Reverses: orig.ID, By: ev.Actor, Time: ev.Time, Seq: ev.Seq,
		Lines: []Line{{"treasury", -orig.Amount}, {memberAccount(orig.Member, "in"), orig.Amount}}}
	if err := addEntry(w, e); err != nil {
		return err
	}
	w.Set(idKey(prefixReverse, orig.ID), []byte(fmt.Sprint(e.ID)))
	return nil
}

func applyPayoutSigned(w Writer, ev Event, b *PayoutSigned) error {
	p, ok := GetPayout(w, b.Payout)
	if !ok || p.Status != PayoutPending {
		return fmt.Errorf("payout %d is not pending", b.Payout)
	}
	m, ok := GetMember(w, ev.Actor)
	if !ok || mayCosign(w, m, p, ev.Time) != nil {
		return fmt.Errorf("member %d may not sign payout %d", ev.Actor, p.ID)
	}
	if err := needsCosignSig(w, p, b); err != nil {
		return err
	}
	p.Signers = append(p.Signers, m.ID)
	paid := len(p.Signers) >= p.Needed
	if paid != (b.Entry != 0) {
		return fmt.Errorf("payout %d: signature and payment disagree", p.ID)
	}
	if paid {
		e := Entry{ID: b.Entry, Kind: EntryPayout, Member: p.To, Asset: p.Asset, Amount: p.Amount, Memo: p.Memo,
			Payout: p.ID, By: ev.Actor, Time: ev.Time, Seq: ev.Seq,
			Lines: []Line{{"treasury", -p.Amount}, {memberAccount(p.To, "out"), p.Amount}}}
		if err := addEntry(w, e); err != nil {
			return err
		}
		p.Status, p.Entry = PayoutPaid, e.ID
	}
	putJSON(w, idKey(prefixPayout, p.ID), p)
	return nil
}

func applyPolicySet(w Writer, ev Event, b *PolicySet) error {
	if b.Signers < 1 || b.Signers > MaxSigners {
		return fmt.Errorf("signer count %d is not between 1 and %d", b.Signers, MaxSigners)
	}
	switch {
	case b.Proposal != 0 && b.Change != 0:
		return fmt.Errorf("treasury.policy names a proposal and a change")
	case b.Proposal != 0:
		// The members decided it: no time lock to wait out.
		if _, err := takeEffect(w, ev, b.Proposal, KindRuleset, func(a Action) bool {
			return a.Rules == nil && a.Signers == b.Signers
		}); err != nil {
			return err
		}
	case b.Change != 0:
		// The time lock was waited out.
		if err := takeChange(w, ev, b.Change, func(c Change) bool { return c.Rules == nil && c.Cap == nil && c.Signers == b.Signers }); err != nil {
			return err
		}
	case !byRight(w, ev, RightRoles):
		return fmt.Errorf("member %d may not set the treasury policy", ev.Actor)
	case b.Signers < Policy(w).Signers:
		return fmt.Errorf("signer count %d is not a direct change (fewer signers wait out the time lock)", b.Signers)
	}
	putJSON(w, keyPolicy, TreasuryPolicy{Signers: b.Signers})
	return nil
}

// addEntry appends a balanced entry and moves the treasury balance. It is
// the only place a balance changes, and it refuses to go below zero.
func addEntry(w Writer, e Entry) error {
	if _, ok := GetEntry(w, e.ID); ok || e.ID != nextID(w, "entry") {
		return fmt.Errorf("ledger entry %d out of order", e.ID)
	}
	var sum, treasury int64
	for _, l := range e.Lines {
		sum += l.Delta
		if l.Account == "treasury" {
			treasury += l.Delta
		}
	}
	if sum != 0 {
		return fmt.Errorf("ledger entry %d does not balance", e.ID)
	}
	bal := Balance(w, e.Asset) + treasury
	if bal < 0 {
		return fmt.Errorf("ledger entry %d would overdraw %s", e.ID, e.Asset)
	}
	setBalance(w, e.Asset, bal)
	putJSON(w, idKey(prefixEntry, e.ID), e)
	useID(w, "entry", e.ID)
	return nil
}

// applyPayoutCreated orders a payout that a spend proposal decided; the
// treasurers' signatures pay it (payout.signed).
func applyPayoutCreated(w Writer, ev Event, b *PayoutCreated) error {
	if _, ok := GetPayout(w, b.Payout); ok || b.Payout != nextID(w, "payout") {
		return fmt.Errorf("payout %d out of order", b.Payout)
	}
	if _, ok := GetAsset(w, b.Asset); !ok || b.Amount <= 0 || b.Needed != Policy(w).Signers {
		return fmt.Errorf("payout %d is not a payout the treasury makes", b.Payout)
	}
	var author uint64
	switch {
	case (b.Proposal == 0) == (b.Case == 0):
		return fmt.Errorf("payout.created names one proposal or one case")
	case b.Proposal != 0:
		p, err := takeEffect(w, ev, b.Proposal, KindSpend, func(a Action) bool {
			return a.Period == "" && a.Member == b.To && a.Asset == b.Asset && a.Amount == b.Amount && a.Memo == b.Memo
		})
		if err != nil {
			return err
		}
		author = p.Author
	default:
		c, err := takeCaseEffect(w, ev, b.Case, func(c Case, jury bool) bool {
			return !jury && c.Outcome == OutcomeRestitution && c.Asset == b.Asset && c.Amount == b.Amount &&
				b.To == c.Filer && b.Memo == restitutionMemo(c.ID)
		})
		if err != nil {
			return err
		}
		// The ruling moderator is the order's author.
		author = c.Moderator
	}
	putJSON(w, idKey(prefixPayout, b.Payout), Payout{ID: b.Payout, Proposal: b.Proposal, Author: author, To: b.To,
		Asset: b.Asset, Amount: b.Amount, Memo: b.Memo, Needed: b.Needed,
		Signers: []uint64{}, Status: PayoutPending, Created: ev.Time})
	useID(w, "payout", b.Payout)
	return nil
}

package state

import (
	"fmt"
	"slices"
)

// Guards on the rules that protect money and power. One steward alone
// must not be able to pass whatever they like: so the kinds that move money
// or power have floors no rules may go below, and a steward's own change
// that weakens them (or the treasury's controls) waits out a time lock the
// members can see before it takes effect. Changes a vote passed apply at
// once: the members already had their say.

// Guarded kinds and their floors: the least period, quorum and threshold
// any rules for them may have, whoever sets them.
var ruleFloors = map[string]KindRules{
	KindSpend:   {Kind: KindSpend, PeriodMS: 3 * dayMS, QuorumBP: 2000, ThresholdBP: 5001},
	KindRole:    {Kind: KindRole, PeriodMS: 3 * dayMS, QuorumBP: 2000, ThresholdBP: 5001},
	KindRuleset: {Kind: KindRuleset, PeriodMS: 7 * dayMS, QuorumBP: 3000, ThresholdBP: 6000},
	KindCharter: {Kind: KindCharter, PeriodMS: 7 * dayMS, QuorumBP: 3000, ThresholdBP: 6000},
	KindExpel:   {Kind: KindExpel, PeriodMS: 7 * dayMS, QuorumBP: 3000, ThresholdBP: 6000},
}

const dayMS = 24 * 3600 * 1000

// TimeLockMS is how long a steward's weakening change waits before it
// takes effect. It is longer than the floor of a role proposal's period,
// so members who see it coming can vote the steward out first.
const TimeLockMS = 7 * dayMS

// TreasurerWaitMS is how long a new treasurer waits before they may sign a
// payout: long enough for the members to see the grant and answer it.
const TreasurerWaitMS = 7 * dayMS

// RulesFloor returns the floor of a kind's rules, if it is guarded.
func RulesFloor(kind string) (KindRules, bool) {
	f, ok := ruleFloors[kind]
	return f, ok
}

// checkFloor refuses rules below their kind's floor.
func checkFloor(k KindRules) error {
	f, ok := ruleFloors[k.Kind]
	if !ok {
		return nil
	}
	if k.PeriodMS < f.PeriodMS || k.QuorumBP < f.QuorumBP || k.ThresholdBP < f.ThresholdBP {
		return fmt.Errorf("%s proposals need at least a %d-day period, %s quorum and %s threshold (the floor that keeps one member from deciding alone)",
			k.Kind, f.PeriodMS/dayMS, percent(f.QuorumBP), percent(f.ThresholdBP))
	}
	return nil
}

func percent(bp int) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d%%", bp/100)
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// weakens reports whether replacing old with new makes a guarded kind
// easier to pass or harder to watch: a shorter period, a lower quorum or
// threshold, or counts hidden until the close.
func weakens(old, new KindRules) bool {
	if _, ok := ruleFloors[new.Kind]; !ok {
		return false
	}
	return new.PeriodMS < old.PeriodMS || new.QuorumBP < old.QuorumBP || new.ThresholdBP < old.ThresholdBP ||
		new.Hidden && !old.Hidden || old.SignedVotes && !new.SignedVotes ||
		old.SignedCosigns && !new.SignedCosigns
}

// mayCosign says why treasurer m may not sign payout p at time now, if so.
// It is the one rule both SignPayout and apply check.
func mayCosign(r Reader, m Member, p Payout, now int64) error {
	switch {
	case !m.HasRole(RoleTreasurer):
		return forbidden("only treasurers may sign payouts")
	case p.Author == m.ID:
		return forbidden("you proposed this payout, so you cannot sign it")
	case p.To == m.ID:
		return forbidden("this payout is to you, so you cannot sign it")
	case slices.Contains(p.Signers, m.ID):
		return fmt.Errorf("you already signed payout %d", p.ID)
	case now < m.TreasurerSince+TreasurerWaitMS:
		return forbidden("you became a treasurer on %s; a new treasurer signs payouts from %s", Day(m.TreasurerSince), Day(m.TreasurerSince+TreasurerWaitMS))
	}
	if payee, ok := GetMember(r, p.To); ok && payee.HasRole(RoleSteward) && m.HasRole(RoleSteward) {
		return forbidden("payout %d is to a steward, so only treasurers who are not stewards sign it", p.ID)
	}
	return nil
}

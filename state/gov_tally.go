package state

import (
	"sort"
	"strconv"

	"github.com/polis-hub/polis/state/tally"
)

// Tally is a proposal's count as members see it, live or final.
type Tally struct {
	Method       string        `json:"method"`
	Hidden       bool          `json:"hidden"` // counts withheld until close
	Eligible     int           `json:"eligible"`
	Participants int           `json:"participants"`
	DirectVoters int           `json:"direct_voters"`
	Delegated    int           `json:"delegated"` // weight that arrived by delegation
	QuorumMet    bool          `json:"quorum_met"`
	QuorumBP     int           `json:"quorum_bp"`
	ThresholdBP  int           `json:"threshold_bp"`
	Yes          int           `json:"yes"`
	No           int           `json:"no"`
	Abstain      int           `json:"abstain"`
	Options      []string      `json:"options,omitempty"`
	Counts       []int         `json:"counts,omitempty"` // approval weight, or score totals, per option
	Rounds       []tally.Round `json:"rounds,omitempty"` // ranked choice, round by round
	Winner       int           `json:"winner"`           // -1: none
	Passing      bool          `json:"passing"`          // would pass if it closed now
	State        string        `json:"state"`
}

// countProposal counts p's votes with liquid delegation resolved against
// current membership. It is pure over r, so Decide and Apply agree.
func countProposal(r Reader, p Proposal) Tally {
	t := Tally{Method: p.Method, QuorumBP: p.Rules.QuorumBP, ThresholdBP: p.Rules.ThresholdBP,
		Options: p.Options, Winner: -1, State: p.State}
	eligible := memberIDs(r)
	isMember := make(map[uint64]bool, len(eligible))
	for _, id := range eligible {
		isMember[id] = true
	}
	t.Eligible = len(eligible)
	ballots := map[uint64]tally.Ballot{}
	var direct []uint64
	for _, v := range ListVotes(r, p.ID) {
		if !isMember[v.Member] {
			continue
		}
		ballots[v.Member] = v.Ballot()
		direct = append(direct, v.Member)
	}
	sort.Slice(direct, func(i, j int) bool { return direct[i] < direct[j] })
	t.DirectVoters = len(direct)
	weight, _ := tally.Weights(eligible, direct, delegationsFor(r, p.Kind))
	for _, m := range direct {
		t.Participants += weight[m]
	}
	t.Delegated = t.Participants - t.DirectVoters
	t.QuorumMet = tally.QuorumMet(t.Participants, t.Eligible, p.Rules.QuorumBP)
	switch p.Method {
	case MethodYesNo:
		y := tally.CountYesNo(ballots, weight)
		t.Yes, t.No, t.Abstain = y.Yes, y.No, y.Abstain
		t.Passing = tally.Passes(y, t.Eligible, p.Rules.QuorumBP, p.Rules.ThresholdBP)
	case MethodApproval:
		t.Counts = tally.CountApproval(ballots, weight, len(p.Options))
		t.Winner = argmax(t.Counts)
		t.Passing = t.QuorumMet && t.Winner >= 0
	case MethodScore:
		t.Counts, _ = tally.CountScore(ballots, weight, len(p.Options))
		t.Winner = argmax(t.Counts)
		t.Passing = t.QuorumMet && t.Winner >= 0
	case MethodRanked:
		res := tally.CountIRV(ballots, weight, len(p.Options))
		t.Rounds, t.Winner = res.Rounds, res.Winner
		t.Passing = t.QuorumMet && t.Winner >= 0
	}
	return t
}

// argmax is the option with the highest positive count, the lowest index
// on ties; -1 if no option has any.
func argmax(c []int) int {
	best := -1
	for i, n := range c {
		if n > 0 && (best < 0 || n > c[best]) {
			best = i
		}
	}
	return best
}

// delegationsFor resolves each member's delegation for a kind: a
// delegation for that kind overrides one for all kinds.
func delegationsFor(r Reader, kind string) []tally.Delegation {
	byFrom := map[uint64]DelegationEntry{}
	var order []uint64
	for _, d := range ListDelegations(r) {
		if d.Kind != kind && d.Kind != "*" {
			continue
		}
		prev, seen := byFrom[d.From]
		if !seen {
			order = append(order, d.From)
		}
		if !seen || (prev.Kind == "*" && d.Kind == kind) {
			byFrom[d.From] = d
		}
	}
	out := make([]tally.Delegation, 0, len(order))
	for _, f := range order {
		out = append(out, tally.Delegation{From: f, To: byFrom[f].To})
	}
	return out
}

// closingState is the state a proposal closes in, given its count.
func closingState(t Tally) string {
	switch {
	case !t.QuorumMet:
		return PropExpired
	case t.Passing:
		return PropPassed
	}
	return PropRejected
}

// withheld hides counts of a proposal whose results are secret until close.
func withheld(t Tally) Tally {
	h := Tally{Method: t.Method, Hidden: true, Eligible: t.Eligible, Participants: t.Participants,
		DirectVoters: t.DirectVoters, Delegated: t.Delegated, QuorumMet: t.QuorumMet,
		QuorumBP: t.QuorumBP, ThresholdBP: t.ThresholdBP, Options: t.Options, Winner: -1, State: t.State}
	return h
}

// memberIDs lists member IDs in order from the keys alone: counting needs
// who is a member, not their records.
func memberIDs(r Reader) []uint64 {
	var ids []uint64
	r.Scan(prefixMember, func(k string, _ []byte) bool {
		id, err := strconv.ParseUint(k[len(prefixMember):], 10, 64)
		if err != nil {
			panic(corruptError{key: k, err: err})
		}
		ids = append(ids, id)
		return true
	})
	// Members who left or were expelled no longer count (one lookup each).
	kept := ids[:0]
	for _, id := range ids {
		if _, gone := r.Get(prefixGone + strconv.FormatUint(id, 10)); !gone {
			kept = append(kept, id)
		}
	}
	return kept
}

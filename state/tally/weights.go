// Package tally holds the vote-counting rules of polis.
//
// Every function here runs inside the event-sourced state machine, where
// replaying the same log must rebuild the same state byte for byte on every
// node. So nothing here reads a clock, draws a random number or lets Go's
// randomised map iteration order leak into a result: inputs arrive as maps
// for convenience, but anything whose order could matter is walked in
// sorted key order. Arithmetic on shares is done on integers (basis points)
// because float rounding could make two nodes disagree on an outcome.
//
// Count functions are defensive rather than trusting: a ballot that fails
// ValidateBallot, or whose member has no positive weight, is ignored, so a
// corrupt or stale entry can skew nothing and can never panic the replay.
package tally

import "slices"

// MemberID identifies a member.
type MemberID = uint64

// Delegation says that From lets To vote on their behalf. The caller has
// already resolved per-kind delegations over all-kinds ones.
type Delegation struct{ From, To MemberID }

// Resolution states for a member during Weights; values >= 0 are the dense
// index of the direct voter the member's vote reached.
const (
	unresolved = -1 - iota
	nobody
	walking
)

// Weights resolves liquid delegation. eligible is the list of members who
// may vote; direct is the set of members who voted directly. Each eligible
// member who did not vote directly follows their delegation chain
// transitively until reaching a member who voted directly; that member's
// weight grows by 1. Chains that end at a member who did not vote and has no
// delegation, leave the eligible set, or enter a cycle (self-delegation
// included) count for nobody. A direct vote always overrides the voter's own
// delegation.
//
// Duplicates in eligible or direct are harmless. Direct voters outside
// eligible get no weight. If the caller passes several delegations for the
// same member that disagree, that member's vote counts for nobody: picking
// one would make the result depend on slice order, which the caller might
// not have meant to be significant.
//
// It returns the weight of every eligible direct voter (1 + number of
// members whose votes flowed to them) and, for transparency, for each member
// whose vote was delegated successfully, the direct voter it reached. Both
// maps are non-nil. Each member is visited a bounded number of times, so
// cycles cannot hang it and no member is ever counted twice.
func Weights(eligible []MemberID, direct []MemberID, delegations []Delegation) (weight map[MemberID]int, reached map[MemberID]MemberID) {
	ids := sortedUnique(eligible)
	n := len(ids)
	// Binary search over the sorted IDs is as fast as a map of every member
	// (measured at 100k) and allocates less.
	index := func(id MemberID) (int32, bool) {
		i, ok := slices.BinarySearch(ids, id)
		return int32(i), ok
	}

	isDirect := make([]bool, n)
	for _, id := range direct {
		if i, ok := index(id); ok {
			isDirect[i] = true
		}
	}

	// next is the dense index of the delegate, or nobody when the member
	// has no usable delegation (none, conflicting, or leaving the eligible
	// set). hasNext tells "no delegation yet" from "explicitly nobody".
	next := make([]int32, n)
	hasNext := make([]bool, n)
	for i := range next {
		next[i] = nobody
	}
	for _, d := range delegations {
		from, ok := index(d.From)
		if !ok {
			continue
		}
		to, ok := index(d.To)
		if !ok {
			to = nobody
		}
		if hasNext[from] && next[from] != to {
			to = nobody
		}
		next[from], hasNext[from] = to, true
	}

	res := make([]int32, n)
	for i := range res {
		res[i] = unresolved
	}
	var path []int32
	for start := int32(0); start < int32(n); start++ {
		if isDirect[start] || res[start] != unresolved {
			continue
		}
		// Walk until a direct voter, a resolved member, a dead end, or a
		// member already on this walk (a cycle). Every member on the
		// path is then resolved at once, so the whole call is linear.
		path = path[:0]
		cur := start
		var r int32
		for {
			if isDirect[cur] {
				r = cur
				break
			}
			if res[cur] != unresolved {
				r = res[cur]
				if r == walking {
					r = nobody
				}
				break
			}
			res[cur] = walking
			path = append(path, cur)
			if next[cur] < 0 {
				r = nobody
				break
			}
			cur = next[cur]
		}
		for _, p := range path {
			res[p] = r
		}
	}

	voters, delegated := 0, 0
	for i, r := range res {
		if isDirect[i] {
			voters++
		} else if r >= 0 {
			delegated++
		}
	}
	weight = make(map[MemberID]int, voters)
	reached = make(map[MemberID]MemberID, delegated)
	for i := range ids {
		if isDirect[i] {
			weight[ids[i]]++
		}
	}
	for i, r := range res {
		if r >= 0 && !isDirect[i] {
			weight[ids[r]]++
			reached[ids[i]] = ids[r]
		}
	}
	return weight, reached
}

// sortedUnique returns a sorted copy without duplicates, so callers that pass
// an unsorted or repeated list still get the documented result.
func sortedUnique(in []MemberID) []MemberID {
	out := append([]MemberID(nil), in...)
	slices.Sort(out)
	w := 0
	for i, v := range out {
		if i == 0 || v != out[w-1] {
			out[w] = v
			w++
		}
	}
	return out[:w]
}

// sortedBallotIDs returns the members whose ballots count: those with a
// positive weight, in increasing order.
func sortedBallotIDs(ballots map[MemberID]Ballot, weight map[MemberID]int) []MemberID {
	ids := make([]MemberID, 0, len(ballots))
	for id := range ballots {
		if weight[id] > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

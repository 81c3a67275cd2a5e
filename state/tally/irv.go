package tally

// Round is one count of an instant-runoff election.
type Round struct {
	Counts     []int `json:"counts"`     // weight per option this round (eliminated options count 0)
	Eliminated []int `json:"eliminated"` // options eliminated at the end of this round (sorted)
	Exhausted  int   `json:"exhausted"`  // weight of ballots with no remaining preference
}

// IRVResult is the full instant-runoff count, kept round by round so that
// members can check every transfer themselves.
type IRVResult struct {
	Rounds []Round
	Winner int // option index, or -1 if no winner (no ballots at all)
}

// CountIRV runs an instant-runoff count over ranked ballots (partial
// rankings allowed).
//
// Each round, every ballot counts its full weight for its highest-ranked
// option still standing; a ballot with none left is exhausted. An option
// wins when it holds a strict majority of the non-exhausted weight, or when
// it is the last one standing. Otherwise:
//
//   - every standing option with zero weight is eliminated at once, as long
//     as some option keeps a positive weight: they could not transfer
//     anything, and removing them one per round would only pad the record;
//   - else exactly one option is eliminated: the one with the lowest count.
//     Ties are broken by going back through the earlier rounds, most recent
//     first, keeping only the options that had the lowest count in that
//     round, until one remains (the option that trailed most recently is
//     the weaker one). If the tie survives every round, the option with the
//     highest index goes, so options listed earlier win exact ties. This
//     depends only on the ballots and the option order, never on chance.
//
// With no valid weighted ballot (or no options) there are no rounds and
// Winner is -1.
func CountIRV(ballots map[MemberID]Ballot, weight map[MemberID]int, options int) IRVResult {
	result := IRVResult{Winner: -1}
	if options <= 0 {
		return result
	}
	type entry struct {
		ranking []int
		weight  int
		pos     int // first preference not yet known to be eliminated
	}
	var entries []entry
	total := 0
	for _, id := range sortedBallotIDs(ballots, weight) {
		b := ballots[id]
		if ValidateBallot(MethodRanked, b, options) != nil {
			continue
		}
		entries = append(entries, entry{ranking: b.Ranking, weight: weight[id]})
		total += weight[id]
	}
	if len(entries) == 0 {
		return result
	}

	out := make([]bool, options)
	standing := options
	for {
		r := Round{Counts: make([]int, options)}
		for i := range entries {
			e := &entries[i]
			for e.pos < len(e.ranking) && out[e.ranking[e.pos]] {
				e.pos++
			}
			if e.pos == len(e.ranking) {
				r.Exhausted += e.weight
			} else {
				r.Counts[e.ranking[e.pos]] += e.weight
			}
		}
		active := total - r.Exhausted
		for o := range options {
			if !out[o] && (standing == 1 || 2*r.Counts[o] > active) {
				result.Winner = o
				result.Rounds = append(result.Rounds, r)
				return result
			}
		}

		r.Eliminated = eliminate(r.Counts, out, standing, result.Rounds)
		for _, o := range r.Eliminated {
			out[o] = true
		}
		standing -= len(r.Eliminated)
		result.Rounds = append(result.Rounds, r)
	}
}

// eliminate picks the options to drop after a round without a winner, by
// the rule documented on CountIRV. standing >= 2 here, so it always returns
// at least one option and leaves at least one standing.
func eliminate(counts []int, out []bool, standing int, earlier []Round) []int {
	var zeros, alive []int
	for o, c := range counts {
		if out[o] {
			continue
		}
		alive = append(alive, o)
		if c == 0 {
			zeros = append(zeros, o)
		}
	}
	if len(zeros) > 0 && len(zeros) < standing {
		return zeros
	}

	tied := lowest(counts, alive)
	for i := len(earlier) - 1; i >= 0 && len(tied) > 1; i-- {
		tied = lowest(earlier[i].Counts, tied)
	}
	return []int{tied[len(tied)-1]}
}

// lowest returns, in increasing order, the options among candidates that
// have the minimum count.
func lowest(counts []int, candidates []int) []int {
	var best []int
	for _, o := range candidates {
		switch {
		case len(best) == 0 || counts[o] < counts[best[0]]:
			best = append(best[:0], o)
		case counts[o] == counts[best[0]]:
			best = append(best, o)
		}
	}
	return best
}

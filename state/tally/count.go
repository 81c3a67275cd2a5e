package tally

// MaxScore is the highest score a score ballot may give an option.
const MaxScore = 5

// CountApproval returns, per option, the total weight of the ballots that
// approve it.
func CountApproval(ballots map[MemberID]Ballot, weight map[MemberID]int, options int) []int {
	counts := make([]int, max(options, 0))
	for _, id := range sortedBallotIDs(ballots, weight) {
		b := ballots[id]
		if ValidateBallot(MethodApproval, b, options) != nil {
			continue
		}
		for _, o := range b.Approve {
			counts[o] += weight[id]
		}
	}
	return counts
}

// CountScore returns the total weighted score per option and the total
// weight of the ballots counted (voters). A delegated vote is a whole
// ballot, so voters counts weight rather than people: totals[i]/voters is
// then the average score of option i over everyone represented.
func CountScore(ballots map[MemberID]Ballot, weight map[MemberID]int, options int) (totals []int, voters int) {
	totals = make([]int, max(options, 0))
	for _, id := range sortedBallotIDs(ballots, weight) {
		b := ballots[id]
		if ValidateBallot(MethodScore, b, options) != nil {
			continue
		}
		w := weight[id]
		for o, s := range b.Scores {
			totals[o] += s * w
		}
		voters += w
	}
	return totals, voters
}

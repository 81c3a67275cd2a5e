package tally

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkTally100k measures a full yes/no count for a large hub: 100k
// eligible members, 90k direct votes and 10k delegations, some chained
// through other delegators and a few in cycles.
func BenchmarkTally100k(b *testing.B) {
	const members, voters = 100_000, 90_000
	rng := rand.New(rand.NewPCG(1, 2))
	eligible := make([]MemberID, members)
	for i := range eligible {
		eligible[i] = MemberID(i + 1)
	}
	perm := rng.Perm(members)
	direct := make([]MemberID, voters)
	ballots := make(map[MemberID]Ballot, voters)
	for i := range direct {
		direct[i] = eligible[perm[i]]
		ballots[direct[i]] = Ballot{Choice: choices[rng.IntN(len(choices))]}
	}
	silent := perm[voters:]
	delegations := make([]Delegation, 0, len(silent))
	for i, p := range silent {
		to := direct[rng.IntN(voters)]
		switch {
		case i%10 == 0: // chain through another delegator
			to = eligible[silent[rng.IntN(len(silent))]]
		case i%100 == 1: // leaves the eligible set
			to = members + 1
		}
		delegations = append(delegations, Delegation{From: eligible[p], To: to})
	}

	b.ReportAllocs()
	var y YesNo
	for b.Loop() {
		weight, _ := Weights(eligible, direct, delegations)
		y = CountYesNo(ballots, weight)
	}
	if y.Participants == 0 || y.Participants > members {
		b.Fatalf("implausible participation %d", y.Participants)
	}
}

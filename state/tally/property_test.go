package tally

import (
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// electorate is a random hub: a small ID space makes cycles, self-delegation,
// conflicting delegations and delegations out of the eligible set common.
type electorate struct {
	eligible    []MemberID
	direct      []MemberID
	delegations []Delegation
}

func genElectorate(t *rapid.T) electorate {
	id := rapid.Uint64Range(0, 20)
	return electorate{
		eligible:    rapid.SliceOfN(id, 0, 20).Draw(t, "eligible"),
		direct:      rapid.SliceOfN(id, 0, 12).Draw(t, "direct"),
		delegations: rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Delegation { return Delegation{id.Draw(t, "from"), id.Draw(t, "to")} }), 0, 25).Draw(t, "delegations"),
	}
}

// referenceWeights follows every chain step by step with a visited set,
// as the rules read, without any of Weights' memoisation.
func referenceWeights(e electorate) (map[MemberID]int, map[MemberID]MemberID) {
	eligible := map[MemberID]bool{}
	for _, m := range e.eligible {
		eligible[m] = true
	}
	direct := map[MemberID]bool{}
	for _, m := range e.direct {
		if eligible[m] {
			direct[m] = true
		}
	}
	targets := map[MemberID][]MemberID{}
	for _, d := range e.delegations {
		if !slices.Contains(targets[d.From], d.To) {
			targets[d.From] = append(targets[d.From], d.To)
		}
	}
	weight := map[MemberID]int{}
	reached := map[MemberID]MemberID{}
	for m := range direct {
		weight[m] = 1
	}
	for m := range eligible {
		if direct[m] {
			continue
		}
		seen := map[MemberID]bool{m: true}
		for cur := m; ; {
			ts := targets[cur]
			if len(ts) != 1 || !eligible[ts[0]] || seen[ts[0]] {
				break
			}
			if direct[ts[0]] {
				weight[ts[0]]++
				reached[m] = ts[0]
				break
			}
			seen[ts[0]] = true
			cur = ts[0]
		}
	}
	return weight, reached
}

func TestWeightsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genElectorate(t)
		weight, reached := Weights(e.eligible, e.direct, e.delegations)

		unique := sortedUnique(e.eligible)
		directVoters := 0
		for _, m := range sortedUnique(e.direct) {
			if slices.Contains(unique, m) {
				directVoters++
			}
		}
		sum := 0
		for m, w := range weight {
			if w < 1 || !slices.Contains(unique, m) || !slices.Contains(e.direct, m) {
				t.Fatalf("weight %d for %d, who is not an eligible direct voter", w, m)
			}
			sum += w
		}
		if sum != directVoters+len(reached) || sum > len(unique) {
			t.Fatalf("sum of weights %d, direct voters %d, delegated %d, eligible %d", sum, directVoters, len(reached), len(unique))
		}
		for from, to := range reached {
			if _, ok := weight[to]; !ok || slices.Contains(e.direct, from) {
				t.Fatalf("%d reached %d, which is not a weighted direct voter, or voted itself", from, to)
			}
		}

		wantW, wantR := referenceWeights(e)
		if !reflect.DeepEqual(weight, wantW) || !reflect.DeepEqual(reached, wantR) {
			t.Fatalf("Weights = %v %v\nreference = %v %v", weight, reached, wantW, wantR)
		}
	})
}

var choices = []string{ChoiceYes, ChoiceNo, ChoiceAbstain}

func TestChangingAVoteKeepsParticipation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genElectorate(t)
		weight, _ := Weights(e.eligible, e.direct, e.delegations)
		voters := sortedUnique(e.direct)
		if len(voters) == 0 {
			t.Skip("nobody voted")
		}
		const options = 3
		yn := map[MemberID]Ballot{}
		sc := map[MemberID]Ballot{}
		rk := map[MemberID]Ballot{}
		genScores := rapid.SliceOfN(rapid.IntRange(0, MaxScore), options, options)
		genRanking := rapid.SliceOfNDistinct(rapid.IntRange(0, options-1), 1, options, rapid.ID[int])
		for _, m := range voters {
			yn[m] = Ballot{Choice: rapid.SampledFrom(choices).Draw(t, "choice")}
			sc[m] = Ballot{Scores: genScores.Draw(t, "scores")}
			rk[m] = Ballot{Ranking: genRanking.Draw(t, "ranking")}
		}
		before := CountYesNo(yn, weight)
		_, scoreVoters := CountScore(sc, weight, options)
		irv := CountIRV(rk, weight, options)

		m := rapid.SampledFrom(voters).Draw(t, "changer")
		yn[m] = Ballot{Choice: rapid.SampledFrom(choices).Draw(t, "new choice")}
		sc[m] = Ballot{Scores: genScores.Draw(t, "new scores")}
		rk[m] = Ballot{Ranking: genRanking.Draw(t, "new ranking")}

		after := CountYesNo(yn, weight)
		if after.Participants != before.Participants {
			t.Fatalf("participation changed from %d to %d", before.Participants, after.Participants)
		}
		total := 0
		for _, w := range weight {
			total += w
		}
		if before.Participants != total {
			t.Fatalf("participants %d, total weight %d", before.Participants, total)
		}
		if _, v := CountScore(sc, weight, options); v != scoreVoters {
			t.Fatalf("score voters changed from %d to %d", scoreVoters, v)
		}
		if first := irvFirstRoundWeight(CountIRV(rk, weight, options)); first != irvFirstRoundWeight(irv) {
			t.Fatalf("IRV weight changed from %d to %d", irvFirstRoundWeight(irv), first)
		}
	})
}

func irvFirstRoundWeight(r IRVResult) int {
	if len(r.Rounds) == 0 {
		return 0
	}
	sum := r.Rounds[0].Exhausted
	for _, c := range r.Rounds[0].Counts {
		sum += c
	}
	return sum
}

// everything is every result the package computes from one input.
type everything struct {
	Weight   map[MemberID]int
	Reached  map[MemberID]MemberID
	YesNo    YesNo
	Approval []int
	Score    []int
	Voters   int
	IRV      IRVResult
}

func TestResultsIgnoreInputOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genElectorate(t)
		options := rapid.IntRange(1, 4).Draw(t, "options")
		type vote struct {
			id                        MemberID
			choice, approve, rank, sc Ballot
		}
		all := make([]int, options)
		for i := range all {
			all[i] = i
		}
		var votes []vote
		for _, m := range sortedUnique(e.direct) {
			perm := rapid.Permutation(all).Draw(t, "perm")
			votes = append(votes, vote{
				id:      m,
				choice:  Ballot{Choice: rapid.SampledFrom(choices).Draw(t, "choice")},
				approve: Ballot{Approve: perm[:rapid.IntRange(1, options).Draw(t, "approve")]},
				rank:    Ballot{Ranking: perm[:rapid.IntRange(1, options).Draw(t, "rank")]},
				sc:      Ballot{Scores: rapid.SliceOfN(rapid.IntRange(0, MaxScore), options, options).Draw(t, "scores")},
			})
		}
		compute := func(e electorate, votes []vote) everything {
			var r everything
			r.Weight, r.Reached = Weights(e.eligible, e.direct, e.delegations)
			yn, ap, rk, sc := map[MemberID]Ballot{}, map[MemberID]Ballot{}, map[MemberID]Ballot{}, map[MemberID]Ballot{}
			for _, v := range votes {
				yn[v.id], ap[v.id], rk[v.id], sc[v.id] = v.choice, v.approve, v.rank, v.sc
			}
			weight := map[MemberID]int{}
			for _, m := range e.eligible {
				if w, ok := r.Weight[m]; ok {
					weight[m] = w
				}
			}
			r.YesNo = CountYesNo(yn, weight)
			r.Approval = CountApproval(ap, weight, options)
			r.Score, r.Voters = CountScore(sc, weight, options)
			r.IRV = CountIRV(rk, weight, options)
			return r
		}
		first := compute(e, votes)
		shuffled := electorate{
			eligible:    rapid.Permutation(e.eligible).Draw(t, "eligible order"),
			direct:      rapid.Permutation(e.direct).Draw(t, "direct order"),
			delegations: rapid.Permutation(e.delegations).Draw(t, "delegation order"),
		}
		second := compute(shuffled, rapid.Permutation(votes).Draw(t, "vote order"))
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("order changed the result:\n%+v\n%+v", first, second)
		}
	})
}

// Counts run on whatever the log holds, so malformed ballots must be
// ignored quietly, never panic or produce negative totals.
func TestCountsSurviveJunk(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		options := rapid.IntRange(-1, 4).Draw(t, "options")
		ints := rapid.SliceOfN(rapid.IntRange(-2, 7), 0, 6)
		ballots := map[MemberID]Ballot{}
		weight := map[MemberID]int{}
		for i := range rapid.IntRange(0, 10).Draw(t, "n") {
			ballots[MemberID(i)] = Ballot{
				Choice:  rapid.SampledFrom([]string{"", "yes", "no", "abstain", "YES", "maybe"}).Draw(t, "choice"),
				Approve: ints.Draw(t, "approve"),
				Ranking: ints.Draw(t, "ranking"),
				Scores:  ints.Draw(t, "scores"),
			}
			weight[MemberID(i)] = rapid.IntRange(-1, 3).Draw(t, "weight")
		}
		y := CountYesNo(ballots, weight)
		if y.Yes < 0 || y.No < 0 || y.Abstain < 0 {
			t.Fatalf("negative yes/no count %+v", y)
		}
		for _, c := range CountApproval(ballots, weight, options) {
			if c < 0 {
				t.Fatalf("negative approval count")
			}
		}
		totals, voters := CountScore(ballots, weight, options)
		for _, c := range totals {
			if c < 0 || c > voters*MaxScore {
				t.Fatalf("score total %d out of range for %d voters", c, voters)
			}
		}
		r := CountIRV(ballots, weight, options)
		if r.Winner < -1 || r.Winner >= max(options, 0) {
			t.Fatalf("winner %d out of range", r.Winner)
		}
	})
}

package tally

import (
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// rankedBallots gives member i+1 the ranking rs[i], with weight 1.
func rankedBallots(rs ...[]int) (map[MemberID]Ballot, map[MemberID]int) {
	b := map[MemberID]Ballot{}
	w := map[MemberID]int{}
	for i, r := range rs {
		b[MemberID(i+1)] = Ballot{Ranking: r}
		w[MemberID(i+1)] = 1
	}
	return b, w
}

func TestCountIRV(t *testing.T) {
	type rd = Round
	tests := []struct {
		name    string
		ranks   [][]int
		weight  map[MemberID]int // overrides weight 1 per member
		options int
		want    IRVResult
	}{
		{name: "no ballots", options: 3, want: IRVResult{Winner: -1}},
		{name: "no options", ranks: [][]int{{0}}, options: 0, want: IRVResult{Winner: -1}},
		{
			name: "single option", ranks: [][]int{{0}}, options: 1,
			want: IRVResult{Winner: 0, Rounds: []rd{{Counts: []int{1}}}},
		},
		{
			name: "first round majority", ranks: [][]int{{1}, {1, 0}, {0}}, options: 2,
			want: IRVResult{Winner: 1, Rounds: []rd{{Counts: []int{1, 2}}}},
		},
		{
			name: "weight decides", ranks: [][]int{{1}, {1, 0}, {0}}, options: 2,
			weight: map[MemberID]int{1: 1, 2: 1, 3: 3},
			want:   IRVResult{Winner: 0, Rounds: []rd{{Counts: []int{3, 2}}}},
		},
		{
			name:    "transfer",
			ranks:   [][]int{{0}, {0}, {0}, {0}, {1}, {1}, {1}, {2, 1}, {2, 1}},
			options: 3,
			want: IRVResult{Winner: 1, Rounds: []rd{
				{Counts: []int{4, 3, 2}, Eliminated: []int{2}},
				{Counts: []int{4, 5, 0}},
			}},
		},
		{
			name: "ties broken by earlier rounds, most recent first",
			ranks: [][]int{
				{0}, {0}, {0}, {0}, {0},
				{1, 2}, {1, 2},
				{2}, {2}, {2},
				{3, 1},
			},
			options: 4,
			want: IRVResult{Winner: 0, Rounds: []rd{
				{Counts: []int{5, 2, 3, 1}, Eliminated: []int{3}},
				{Counts: []int{5, 3, 3, 0}, Eliminated: []int{1}}, // round 1: B 2 < C 3
				{Counts: []int{5, 0, 5, 0}, Eliminated: []int{2}, Exhausted: 1},
				{Counts: []int{5, 0, 0, 0}, Exhausted: 6},
			}},
		},
		{
			name: "tie in every round eliminates the highest index", ranks: [][]int{{0}, {1}, {2}}, options: 3,
			want: IRVResult{Winner: 0, Rounds: []rd{
				{Counts: []int{1, 1, 1}, Eliminated: []int{2}},
				{Counts: []int{1, 1, 0}, Eliminated: []int{1}, Exhausted: 1},
				{Counts: []int{1, 0, 0}, Exhausted: 2},
			}},
		},
		{
			name: "even split of two", ranks: [][]int{{0}, {1}, {1}, {0}}, options: 2,
			want: IRVResult{Winner: 0, Rounds: []rd{
				{Counts: []int{2, 2}, Eliminated: []int{1}},
				{Counts: []int{2, 0}, Exhausted: 2},
			}},
		},
		{
			name: "options nobody ranked first go together", ranks: [][]int{{0}, {0}, {1}, {1}, {2, 0}}, options: 5,
			want: IRVResult{Winner: 0, Rounds: []rd{
				{Counts: []int{2, 2, 1, 0, 0}, Eliminated: []int{3, 4}},
				{Counts: []int{2, 2, 1, 0, 0}, Eliminated: []int{2}},
				{Counts: []int{3, 2, 0, 0, 0}},
			}},
		},
		{
			name: "invalid ballots are ignored", ranks: [][]int{{0, 0}, {5}, {}, {1}}, options: 2,
			want: IRVResult{Winner: 1, Rounds: []rd{{Counts: []int{0, 1}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, w := rankedBallots(tt.ranks...)
			if tt.weight != nil {
				w = tt.weight
			}
			got := CountIRV(b, w, tt.options)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if ref := referenceIRV(b, w, tt.options); !reflect.DeepEqual(got, ref) {
				t.Errorf("reference disagrees: %+v", ref)
			}
		})
	}
}

// referenceIRV is a deliberately naive instant-runoff count, written
// independently of CountIRV: one elimination per round, each ballot rescanned
// from its top every round, and the tie-break as a lexicographic minimum over
// (this round, previous round, ..., first round, -index). Rounds that only
// dropped a zero-count option change nothing, so runs of them are merged
// afterwards, which is what CountIRV reports in one go.
func referenceIRV(ballots map[MemberID]Ballot, weight map[MemberID]int, options int) IRVResult {
	type vote struct {
		rank []int
		w    int
	}
	var votes []vote
	for id, b := range ballots {
		if weight[id] > 0 && ValidateBallot(MethodRanked, b, options) == nil {
			votes = append(votes, vote{b.Ranking, weight[id]})
		}
	}
	if options <= 0 || len(votes) == 0 {
		return IRVResult{Winner: -1}
	}
	out := map[int]bool{}
	var rounds []Round
	for {
		r := Round{Counts: make([]int, options)}
		for _, v := range votes {
			top := -1
			for _, o := range v.rank {
				if !out[o] {
					top = o
					break
				}
			}
			if top < 0 {
				r.Exhausted += v.w
			} else {
				r.Counts[top] += v.w
			}
		}
		active := 0
		for _, c := range r.Counts {
			active += c
		}
		var standing []int
		for o := 0; o < options; o++ {
			if !out[o] {
				standing = append(standing, o)
			}
		}
		for _, o := range standing {
			if len(standing) == 1 || r.Counts[o]*2 > active {
				return IRVResult{Winner: o, Rounds: mergeIdle(append(rounds, r))}
			}
		}
		key := func(o int) []int {
			k := []int{r.Counts[o]}
			for i := len(rounds) - 1; i >= 0; i-- {
				k = append(k, rounds[i].Counts[o])
			}
			return append(k, -o)
		}
		loser := standing[0]
		for _, o := range standing[1:] {
			if slices.Compare(key(o), key(loser)) < 0 {
				loser = o
			}
		}
		r.Eliminated = []int{loser}
		out[loser] = true
		rounds = append(rounds, r)
	}
}

func mergeIdle(rounds []Round) []Round {
	idle := func(r Round) bool { return len(r.Eliminated) > 0 && r.Counts[r.Eliminated[0]] == 0 }
	var merged []Round
	for _, r := range rounds {
		if n := len(merged); n > 0 && idle(merged[n-1]) && idle(r) {
			merged[n-1].Eliminated = append(merged[n-1].Eliminated, r.Eliminated...)
			slices.Sort(merged[n-1].Eliminated)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// genRanked draws ranked ballots over a few options, some of them empty or
// unweighted, so that exhaustion, ties and zero-count options are common.
func genRanked(t *rapid.T) (map[MemberID]Ballot, map[MemberID]int, int) {
	options := rapid.IntRange(1, 6).Draw(t, "options")
	all := make([]int, options)
	for i := range all {
		all[i] = i
	}
	n := rapid.IntRange(0, 25).Draw(t, "voters")
	ballots := map[MemberID]Ballot{}
	weight := map[MemberID]int{}
	for i := range n {
		perm := rapid.Permutation(all).Draw(t, "perm")
		k := rapid.IntRange(0, options).Draw(t, "len")
		ballots[MemberID(i)] = Ballot{Ranking: perm[:k]}
		weight[MemberID(i)] = rapid.IntRange(0, 4).Draw(t, "weight")
	}
	return ballots, weight, options
}

func TestIRVMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ballots, weight, options := genRanked(t)
		got := CountIRV(ballots, weight, options)
		want := referenceIRV(ballots, weight, options)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("CountIRV = %+v\nreference = %+v", got, want)
		}
	})
}

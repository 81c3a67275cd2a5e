package tally

import (
	"reflect"
	"testing"
)

func TestWeights(t *testing.T) {
	type d = Delegation
	tests := []struct {
		name        string
		eligible    []MemberID
		direct      []MemberID
		delegations []Delegation
		weight      map[MemberID]int
		reached     map[MemberID]MemberID
	}{
		{
			name:    "nobody",
			weight:  map[MemberID]int{},
			reached: map[MemberID]MemberID{},
		},
		{
			name:     "no delegations",
			eligible: []MemberID{1, 2, 3},
			direct:   []MemberID{1, 3},
			weight:   map[MemberID]int{1: 1, 3: 1},
			reached:  map[MemberID]MemberID{},
		},
		{
			name:        "simple delegation",
			eligible:    []MemberID{1, 2, 3},
			direct:      []MemberID{1},
			delegations: []Delegation{{2, 1}, {3, 1}},
			weight:      map[MemberID]int{1: 3},
			reached:     map[MemberID]MemberID{2: 1, 3: 1},
		},
		{
			name:        "transitive chain",
			eligible:    []MemberID{1, 2, 3, 4},
			direct:      []MemberID{4},
			delegations: []Delegation{{1, 2}, {2, 3}, {3, 4}},
			weight:      map[MemberID]int{4: 4},
			reached:     map[MemberID]MemberID{1: 4, 2: 4, 3: 4},
		},
		{
			name:        "direct vote overrides own delegation",
			eligible:    []MemberID{1, 2, 3},
			direct:      []MemberID{2, 3},
			delegations: []Delegation{{1, 2}, {2, 3}},
			weight:      map[MemberID]int{2: 2, 3: 1},
			reached:     map[MemberID]MemberID{1: 2},
		},
		{
			name:        "chain ends at silent member without delegation",
			eligible:    []MemberID{1, 2, 3},
			direct:      []MemberID{3},
			delegations: []Delegation{{1, 2}},
			weight:      map[MemberID]int{3: 1},
			reached:     map[MemberID]MemberID{},
		},
		{
			name:        "chain leaves the eligible set",
			eligible:    []MemberID{1, 2, 3},
			direct:      []MemberID{3, 9},
			delegations: []Delegation{{1, 9}, {2, 8}, {8, 3}},
			weight:      map[MemberID]int{3: 1},
			reached:     map[MemberID]MemberID{},
		},
		{
			name:        "self delegation",
			eligible:    []MemberID{1, 2},
			direct:      []MemberID{2},
			delegations: []Delegation{{1, 1}},
			weight:      map[MemberID]int{2: 1},
			reached:     map[MemberID]MemberID{},
		},
		{
			name:        "cycle and tail into cycle count for nobody",
			eligible:    []MemberID{1, 2, 3, 4, 5},
			direct:      []MemberID{5},
			delegations: []Delegation{{1, 2}, {2, 3}, {3, 1}, {4, 1}},
			weight:      map[MemberID]int{5: 1},
			reached:     map[MemberID]MemberID{},
		},
		{
			name:        "cycle broken by a direct vote",
			eligible:    []MemberID{1, 2, 3},
			direct:      []MemberID{2},
			delegations: []Delegation{{1, 2}, {2, 3}, {3, 1}},
			weight:      map[MemberID]int{2: 3},
			reached:     map[MemberID]MemberID{1: 2, 3: 2},
		},
		{
			name:        "conflicting delegations count for nobody",
			eligible:    []MemberID{1, 2, 3},
			direct:      []MemberID{2, 3},
			delegations: []Delegation{{1, 2}, {1, 3}},
			weight:      map[MemberID]int{2: 1, 3: 1},
			reached:     map[MemberID]MemberID{},
		},
		{
			name:        "repeated identical delegation is fine",
			eligible:    []MemberID{1, 2},
			direct:      []MemberID{2},
			delegations: []Delegation{{1, 2}, {1, 2}},
			weight:      map[MemberID]int{2: 2},
			reached:     map[MemberID]MemberID{1: 2},
		},
		{
			name:        "unsorted and repeated input",
			eligible:    []MemberID{3, 1, 2, 3, 1},
			direct:      []MemberID{3, 3},
			delegations: []Delegation{{2, 3}},
			weight:      map[MemberID]int{3: 2},
			reached:     map[MemberID]MemberID{2: 3},
		},
		{
			name:        "delegation from outside the eligible set is ignored",
			eligible:    []MemberID{1},
			direct:      []MemberID{1},
			delegations: []Delegation{{7, 1}},
			weight:      map[MemberID]int{1: 1},
			reached:     map[MemberID]MemberID{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, r := Weights(tt.eligible, tt.direct, tt.delegations)
			if !reflect.DeepEqual(w, tt.weight) {
				t.Errorf("weight = %v, want %v", w, tt.weight)
			}
			if !reflect.DeepEqual(r, tt.reached) {
				t.Errorf("reached = %v, want %v", r, tt.reached)
			}
		})
	}
}

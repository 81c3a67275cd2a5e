package tally

import (
	"reflect"
	"testing"
)

func TestCountApproval(t *testing.T) {
	tests := []struct {
		name    string
		ballots map[MemberID]Ballot
		weight  map[MemberID]int
		options int
		want    []int
	}{
		{name: "no ballots", options: 3, want: []int{0, 0, 0}},
		{name: "no options", want: []int{}},
		{
			name:    "weighted",
			ballots: map[MemberID]Ballot{1: {Approve: []int{0, 2}}, 2: {Approve: []int{2}}},
			weight:  map[MemberID]int{1: 2, 2: 5},
			options: 3,
			want:    []int{2, 0, 7},
		},
		{
			name: "invalid ballots are ignored",
			ballots: map[MemberID]Ballot{
				1: {Approve: []int{0, 0}}, 2: {Approve: []int{3}}, 3: {Approve: []int{}},
				4: {Approve: []int{1}}, 5: {Approve: []int{1}},
			},
			weight:  map[MemberID]int{1: 1, 2: 1, 3: 1, 4: 1},
			options: 3,
			want:    []int{0, 1, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CountApproval(tt.ballots, tt.weight, tt.options); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCountScore(t *testing.T) {
	tests := []struct {
		name    string
		ballots map[MemberID]Ballot
		weight  map[MemberID]int
		options int
		want    []int
		voters  int
	}{
		{name: "no ballots", options: 2, want: []int{0, 0}},
		{
			name:    "weighted",
			ballots: map[MemberID]Ballot{1: {Scores: []int{5, 0, 3}}, 2: {Scores: []int{1, 1, 1}}},
			weight:  map[MemberID]int{1: 2, 2: 3},
			options: 3,
			want:    []int{13, 3, 9},
			voters:  5,
		},
		{
			name: "invalid ballots are ignored",
			ballots: map[MemberID]Ballot{
				1: {Scores: []int{6, 0}}, 2: {Scores: []int{1}}, 3: {Scores: []int{-1, 2}},
				4: {Scores: []int{0, 0}}, 5: {Scores: []int{5, 5}},
			},
			weight:  map[MemberID]int{1: 1, 2: 1, 3: 1, 4: 1},
			options: 2,
			want:    []int{0, 0},
			voters:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, voters := CountScore(tt.ballots, tt.weight, tt.options)
			if !reflect.DeepEqual(got, tt.want) || voters != tt.voters {
				t.Errorf("got %v, %d; want %v, %d", got, voters, tt.want, tt.voters)
			}
		})
	}
}

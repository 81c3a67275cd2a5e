package tally

import (
	"math"
	"testing"
)

func TestCountYesNo(t *testing.T) {
	tests := []struct {
		name    string
		ballots map[MemberID]Ballot
		weight  map[MemberID]int
		want    YesNo
	}{
		{name: "no ballots"},
		{
			name:    "weighted",
			ballots: map[MemberID]Ballot{1: {Choice: "yes"}, 2: {Choice: "no"}, 3: {Choice: "abstain"}},
			weight:  map[MemberID]int{1: 3, 2: 2, 3: 1},
			want:    YesNo{Yes: 3, No: 2, Abstain: 1, DirectYes: 1, DirectNo: 1, DirectAbstain: 1, Participants: 6},
		},
		{
			name:    "all abstain",
			ballots: map[MemberID]Ballot{1: {Choice: "abstain"}, 2: {Choice: "abstain"}},
			weight:  map[MemberID]int{1: 1, 2: 4},
			want:    YesNo{Abstain: 5, DirectAbstain: 2, Participants: 5},
		},
		{
			name: "ballots without weight or invalid are ignored",
			ballots: map[MemberID]Ballot{
				1: {Choice: "yes"}, 2: {Choice: "no"}, 3: {Choice: "YES"},
				4: {Choice: "yes", Scores: []int{1}}, 5: {Choice: "no"},
			},
			weight: map[MemberID]int{1: 1, 3: 1, 4: 1, 5: 0},
			want:   YesNo{Yes: 1, DirectYes: 1, Participants: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CountYesNo(tt.ballots, tt.weight); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestQuorumMet(t *testing.T) {
	tests := []struct {
		participants, eligible, bp int
		want                       bool
	}{
		{0, 0, 0, true},
		{0, 10, 0, true},
		{0, 0, 1, false},
		{0, 10, 1, false},
		{5, 10, 5000, true},  // exactly met
		{4, 10, 5000, false}, // just short
		{1, 3, 3333, true},   // 33.33..% >= 33.33%
		{1, 3, 3334, false},
		{2, 3, 6667, false}, // 66.66..% < 66.67%
		{10, 10, 10000, true},
		{9, 10, 10000, false},
		{10, 10, 10001, false},
		{-1, 10, 1, false},
		{5, 10, -7, true},
		{math.MaxInt, math.MaxInt, 10000, true},
		{math.MaxInt - 1, math.MaxInt, 10000, false},
	}
	for _, tt := range tests {
		if got := QuorumMet(tt.participants, tt.eligible, tt.bp); got != tt.want {
			t.Errorf("QuorumMet(%d, %d, %d) = %v, want %v", tt.participants, tt.eligible, tt.bp, got, tt.want)
		}
	}
}

func TestPasses(t *testing.T) {
	yn := func(yes, no, abstain int) YesNo {
		return YesNo{Yes: yes, No: no, Abstain: abstain, Participants: yes + no + abstain}
	}
	tests := []struct {
		name                  string
		y                     YesNo
		eligible, quorum, thr int
		want, majority        bool
	}{
		{"no votes", yn(0, 0, 0), 10, 0, 5000, false, false},
		{"all abstain meets quorum but no side", yn(0, 0, 10), 10, 5000, 5000, false, false},
		{"threshold exactly met", yn(3, 1, 0), 4, 0, 7500, true, true},
		{"threshold just missed", yn(74, 26, 0), 100, 0, 7500 + 1, false, true},
		{"tie passes an inclusive half", yn(5, 5, 0), 10, 0, 5000, true, false},
		{"quorum exactly met with abstentions", yn(2, 1, 2), 10, 5000, 6000, true, true},
		{"quorum missed", yn(2, 1, 1), 10, 5000, 6000, false, false},
		{"unanimous against", yn(0, 4, 0), 4, 0, 0, true, false},
		{"zero threshold needs someone on a side", yn(0, 0, 3), 3, 0, 0, false, false},
		{"impossible threshold", yn(10, 0, 0), 10, 0, 10001, false, true},
		{"two thirds", yn(2, 1, 0), 3, 0, 6666, true, true},
		{"two thirds rounded up", yn(2, 1, 0), 3, 0, 6667, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Passes(tt.y, tt.eligible, tt.quorum, tt.thr); got != tt.want {
				t.Errorf("Passes = %v, want %v", got, tt.want)
			}
			if got := Majority(tt.y, tt.eligible, tt.quorum); got != tt.majority {
				t.Errorf("Majority = %v, want %v", got, tt.majority)
			}
		})
	}
}

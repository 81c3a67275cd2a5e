package tally

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateBallot(t *testing.T) {
	tests := []struct {
		method  string
		b       Ballot
		options int
		err     string // substring; "" means valid
	}{
		{"yesno", Ballot{Choice: "yes"}, 0, ""},
		{"yesno", Ballot{Choice: "abstain"}, 3, ""},
		{"yesno", Ballot{Choice: "Yes"}, 0, "must be yes, no or abstain"},
		{"yesno", Ballot{}, 0, "must be yes, no or abstain"},
		{"yesno", Ballot{Choice: "yes", Approve: []int{1}}, 0, "only a choice"},
		{"yesno", Ballot{Choice: "no", Approve: []int{}, Scores: []int{}}, 0, ""},
		{"approval", Ballot{Approve: []int{0, 2}}, 3, ""},
		{"approval", Ballot{Approve: []int{}}, 3, "no option approved"},
		{"approval", Ballot{Approve: []int{3}}, 3, "outside 0..2"},
		{"approval", Ballot{Approve: []int{-1}}, 3, "outside 0..2"},
		{"approval", Ballot{Approve: []int{1, 1}}, 3, "approved twice"},
		{"approval", Ballot{Approve: []int{0}}, 0, "no options"},
		{"approval", Ballot{Approve: []int{0}, Choice: "yes"}, 1, "only approvals"},
		{"ranked", Ballot{Ranking: []int{2, 0}}, 3, ""},
		{"ranked", Ballot{Ranking: []int{2, 0, 2}}, 3, "ranked twice"},
		{"ranked", Ballot{Ranking: []int{0}, Scores: []int{1}}, 1, "only a ranking"},
		{"ranked", Ballot{}, 2, "no option ranked"},
		{"score", Ballot{Scores: []int{5, 0, 3}}, 3, ""},
		{"score", Ballot{Scores: []int{5, 0}}, 3, "2 scores for 3 options"},
		{"score", Ballot{Scores: []int{6}}, 1, "outside 0..5"},
		{"score", Ballot{Scores: []int{-1}}, 1, "outside 0..5"},
		{"score", Ballot{Scores: []int{1}, Ranking: []int{0}}, 1, "only scores"},
		{"score", Ballot{}, 0, "no options"},
		{"plurality", Ballot{Choice: "yes"}, 1, `unknown voting method "plurality"`},
	}
	for _, tt := range tests {
		err := ValidateBallot(tt.method, tt.b, tt.options)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ValidateBallot(%s, %+v, %d) = %v, want nil", tt.method, tt.b, tt.options, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ValidateBallot(%s, %+v, %d) = %v, want %q", tt.method, tt.b, tt.options, err, tt.err)
		}
	}
	long := make([]int, 40)
	for i := range long {
		long[i] = i
	}
	if err := ValidateBallot(MethodRanked, Ballot{Ranking: long}, 40); err != nil {
		t.Errorf("long ranking: %v", err)
	}
	long[39] = 7
	if err := ValidateBallot(MethodRanked, Ballot{Ranking: long}, 40); err == nil || !strings.Contains(err.Error(), "index 7 is ranked twice") {
		t.Errorf("long ranking with duplicate: %v", err)
	}
}

func TestParseBallot(t *testing.T) {
	abc := []string{"Alpha", "Beta", "Gamma"}
	tests := []struct {
		method, input string
		options       []string
		want          Ballot
		err           string
	}{
		{"yesno", "yes", nil, Ballot{Choice: "yes"}, ""},
		{"yesno", "  NO ", nil, Ballot{Choice: "no"}, ""},
		{"yesno", "Abstain", abc, Ballot{Choice: "abstain"}, ""},
		{"yesno", "y", nil, Ballot{}, `answer yes, no or abstain, not "y"`},
		{"yesno", "", nil, Ballot{}, "answer yes, no or abstain"},
		{"approval", "1,3", abc, Ballot{Approve: []int{0, 2}}, ""},
		{"approval", " gamma , alpha ", abc, Ballot{Approve: []int{2, 0}}, ""},
		{"approval", "Beta", abc, Ballot{Approve: []int{1}}, ""},
		{"approval", "2,beta", abc, Ballot{}, `option 2 ("Beta") is listed twice`},
		{"approval", "", abc, Ballot{}, "nothing to vote"},
		{"approval", "1,,2", abc, Ballot{}, "empty entry"},
		{"approval", "1,", abc, Ballot{}, "empty entry"},
		{"approval", "4", abc, Ballot{}, `no option "4": use a number 1..3`},
		{"approval", "0", abc, Ballot{}, `no option "0"`},
		{"approval", "-1", abc, Ballot{}, `no option "-1"`},
		{"approval", "+1", abc, Ballot{}, `no option "+1"`},
		{"approval", "delta", abc, Ballot{}, `no option "delta"`},
		{"approval", "1", nil, Ballot{}, "has no options"},
		{"ranked", "b,a,c", []string{"a", "b", "c"}, Ballot{Ranking: []int{1, 0, 2}}, ""},
		{"ranked", "3,1", abc, Ballot{Ranking: []int{2, 0}}, ""},
		{"ranked", "a,b,a", []string{"a", "b"}, Ballot{}, "listed twice"},
		{"ranked", "2", []string{"2", "1"}, Ballot{}, "ambiguous"},
		{"ranked", "1", []string{"1", "x"}, Ballot{Ranking: []int{0}}, ""},
		{"ranked", "2024", []string{"2023", "2024"}, Ballot{Ranking: []int{1}}, ""},
		{"ranked", "a", []string{"A", "a"}, Ballot{Ranking: []int{1}}, ""},
		{"ranked", "b", []string{"A", "B", "b "}, Ballot{Ranking: []int{2}}, ""},
		{"ranked", "c", []string{"C", "C"}, Ballot{}, "several options are named"},
		{"score", "5,0,3", abc, Ballot{Scores: []int{5, 0, 3}}, ""},
		{"score", " 5 , 0 , 03 ", abc, Ballot{Scores: []int{5, 0, 3}}, ""},
		{"score", "5,0", abc, Ballot{}, "3 options, 2 scores"},
		{"score", "5,6,0", abc, Ballot{}, `score for option 2 ("Beta") must be a whole number 0..5, not "6"`},
		{"score", "5,x,0", abc, Ballot{}, "whole number"},
		{"score", "5,-1,0", abc, Ballot{}, "whole number"},
		{"score", "", abc, Ballot{}, "nothing to vote"},
		{"score", "1", nil, Ballot{}, "no options to score"},
		{"vote", "yes", nil, Ballot{}, `unknown voting method "vote"`},
		{"approval", "\x1b[2J\n" + strings.Repeat("z", 100), abc, Ballot{}, `no option "\x1b[2J\nzz`},
	}
	for _, tt := range tests {
		got, err := ParseBallot(tt.method, tt.input, tt.options)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBallot(%s, %q) error = %v, want %q", tt.method, tt.input, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseBallot(%s, %q) = %+v, %v; want %+v", tt.method, tt.input, got, err, tt.want)
		}
	}
}

func FuzzParseBallot(f *testing.F) {
	for _, s := range []string{"yes", "No", "1,3", "b,a,c", "5,0,3", "", ",", "1,,2", "99999999999", "\x1b]0;x\x07", "a\u202eb", "ÅLPHA"} {
		for _, m := range []string{MethodYesNo, MethodApproval, MethodRanked, MethodScore} {
			f.Add(m, s, "alpha,beta,gamma")
		}
	}
	f.Fuzz(func(t *testing.T, method, input, labels string) {
		var options []string
		if labels != "" {
			options = strings.Split(labels, ",")
		}
		b, err := ParseBallot(method, input, options)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) {
				t.Fatalf("error is not one clean line: %q", msg)
			}
			return
		}
		if err := ValidateBallot(method, b, len(options)); err != nil {
			t.Fatalf("parsed ballot %+v does not validate: %v", b, err)
		}
	})
}

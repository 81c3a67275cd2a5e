package tally

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Ballot is one member's direct vote. Exactly one of the fields is used,
// depending on the method.
type Ballot struct {
	Choice  string // yes/no/abstain method: "yes", "no" or "abstain"
	Approve []int  // approval: indexes of approved options (distinct, in range)
	Ranking []int  // ranked choice (IRV): option indexes in preference order (distinct, may be partial)
	Scores  []int  // score: one score 0..MaxScore per option, len == number of options
}

// The voting methods a proposal can use.
const (
	MethodYesNo    = "yesno"
	MethodApproval = "approval"
	MethodRanked   = "ranked"
	MethodScore    = "score"
)

// ValidateBallot checks that b is a well-formed ballot for method and the
// given number of options (ignored for yesno). Fields belonging to other
// methods must be empty (nil or zero length alike, whatever the codec
// produced): a ballot has one meaning, so two nodes can never read it
// differently. Errors are one line and name indexes 0-based, since
// they describe the stored ballot rather than what a member typed.
func ValidateBallot(method string, b Ballot, options int) error {
	var list []int
	var field string
	switch method {
	case MethodYesNo:
		if len(b.Approve)+len(b.Ranking)+len(b.Scores) != 0 {
			return errors.New("yesno ballot: only a choice may be set")
		}
		switch b.Choice {
		case ChoiceYes, ChoiceNo, ChoiceAbstain:
			return nil
		}
		return fmt.Errorf("yesno ballot: choice must be yes, no or abstain, not %s", quote(b.Choice))
	case MethodApproval:
		if b.Choice != "" || len(b.Ranking)+len(b.Scores) != 0 {
			return errors.New("approval ballot: only approvals may be set")
		}
		list, field = b.Approve, "approved"
	case MethodRanked:
		if b.Choice != "" || len(b.Approve)+len(b.Scores) != 0 {
			return errors.New("ranked ballot: only a ranking may be set")
		}
		list, field = b.Ranking, "ranked"
	case MethodScore:
		if b.Choice != "" || len(b.Approve)+len(b.Ranking) != 0 {
			return errors.New("score ballot: only scores may be set")
		}
		if options <= 0 {
			return errors.New("score ballot: the proposal has no options")
		}
		if len(b.Scores) != options {
			return fmt.Errorf("score ballot: %d scores for %d options", len(b.Scores), options)
		}
		for i, s := range b.Scores {
			if s < 0 || s > MaxScore {
				return fmt.Errorf("score ballot: score %d for option index %d is outside 0..%d", s, i, MaxScore)
			}
		}
		return nil
	default:
		return fmt.Errorf("unknown voting method %s", quote(method))
	}

	if options <= 0 {
		return fmt.Errorf("%s ballot: the proposal has no options", method)
	}
	if len(list) == 0 {
		return fmt.Errorf("%s ballot: no option %s", method, field)
	}
	for _, o := range list {
		if o < 0 || o >= options {
			return fmt.Errorf("%s ballot: option index %d is outside 0..%d", method, o, options-1)
		}
	}
	if o, dup := duplicate(list); dup {
		return fmt.Errorf("%s ballot: option index %d is %s twice", method, o, field)
	}
	return nil
}

// duplicate reports a repeated value. Short lists (the usual case) are
// checked without allocating, since counts validate every ballot on replay.
func duplicate(list []int) (int, bool) {
	if len(list) <= 32 {
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				if list[i] == list[j] {
					return list[i], true
				}
			}
		}
		return 0, false
	}
	s := slices.Clone(list)
	slices.Sort(s)
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return s[i], true
		}
	}
	return 0, false
}

// ParseBallot parses what a member types after `vote ID`: for yesno one of
// yes/no/abstain (case-insensitive); for approval a comma-separated list of
// option names or 1-based numbers; for ranked a comma-separated ranking of
// option names or numbers ("b,a,c"); for score a comma-separated list of
// 0..MaxScore, one per option in order ("5,0,3"). options are the option
// labels. Errors are one line, quote the member's text with escapes, and are
// meant to be shown to the member as they are. A ballot it returns always
// passes ValidateBallot.
func ParseBallot(method string, input string, options []string) (Ballot, error) {
	var b Ballot
	switch method {
	case MethodYesNo:
		in := strings.TrimSpace(input)
		for _, c := range []string{ChoiceYes, ChoiceNo, ChoiceAbstain} {
			if strings.EqualFold(in, c) {
				b.Choice = c
			}
		}
		if b.Choice == "" {
			return Ballot{}, fmt.Errorf("answer yes, no or abstain, not %s", quote(in))
		}
	case MethodApproval, MethodRanked:
		if len(options) == 0 {
			return Ballot{}, errors.New("this proposal has no options to vote for")
		}
		items, err := splitList(input)
		if err != nil {
			return Ballot{}, err
		}
		picked := make([]int, 0, len(items))
		seen := make([]bool, len(options))
		for _, it := range items {
			o, err := resolveOption(it, options)
			if err != nil {
				return Ballot{}, err
			}
			if seen[o] {
				return Ballot{}, fmt.Errorf("option %d (%s) is listed twice", o+1, quote(options[o]))
			}
			seen[o] = true
			picked = append(picked, o)
		}
		if method == MethodApproval {
			b.Approve = picked
		} else {
			b.Ranking = picked
		}
	case MethodScore:
		if len(options) == 0 {
			return Ballot{}, errors.New("this proposal has no options to score")
		}
		items, err := splitList(input)
		if err != nil {
			return Ballot{}, err
		}
		if len(items) != len(options) {
			return Ballot{}, fmt.Errorf("give one score 0..%d per option: %d options, %d scores", MaxScore, len(options), len(items))
		}
		b.Scores = make([]int, len(items))
		for i, it := range items {
			n, ok := smallNumber(it)
			if !ok || n > MaxScore {
				return Ballot{}, fmt.Errorf("score for option %d (%s) must be a whole number 0..%d, not %s", i+1, quote(options[i]), MaxScore, quote(it))
			}
			b.Scores[i] = n
		}
	default:
		return Ballot{}, fmt.Errorf("unknown voting method %s", quote(method))
	}
	if err := ValidateBallot(method, b, len(options)); err != nil {
		return Ballot{}, err
	}
	return b, nil
}

// splitList splits a comma-separated list into trimmed, non-empty items.
// An empty item is refused rather than skipped: "1,,3" more likely lost an
// option than meant to list two.
func splitList(input string) ([]string, error) {
	if strings.TrimSpace(input) == "" {
		return nil, errors.New("nothing to vote: list options separated by commas, e.g. 1,3")
	}
	items := strings.Split(input, ",")
	for i, it := range items {
		items[i] = strings.TrimSpace(it)
		if items[i] == "" {
			return nil, errors.New("empty entry in the list (two commas in a row, or one at an end?)")
		}
	}
	return items, nil
}

// resolveOption maps an item to an option index, by 1-based number or by
// label (exact match first, then case-insensitive). An item that is both a
// valid number and the label of a different option is refused, because
// guessing could cast a vote the member did not mean.
func resolveOption(item string, options []string) (int, error) {
	byLabel, err := matchLabel(item, options)
	if err != nil {
		return 0, err
	}
	byNumber := -1
	if n, ok := smallNumber(item); ok && n >= 1 && n <= len(options) {
		byNumber = n - 1
	}
	switch {
	case byLabel >= 0 && byNumber >= 0 && byLabel != byNumber:
		return 0, fmt.Errorf("%s is ambiguous: it is option %d's number and option %d's name", quote(item), byNumber+1, byLabel+1)
	case byLabel >= 0:
		return byLabel, nil
	case byNumber >= 0:
		return byNumber, nil
	}
	return 0, fmt.Errorf("no option %s: use a number 1..%d or an option name", quote(item), len(options))
}

// matchLabel finds the option labelled item, or -1.
func matchLabel(item string, options []string) (int, error) {
	exact, folded := -1, -1
	nExact, nFolded := 0, 0
	for i, l := range options {
		l = strings.TrimSpace(l)
		if l == item {
			exact, nExact = i, nExact+1
		} else if strings.EqualFold(l, item) {
			folded, nFolded = i, nFolded+1
		}
	}
	switch {
	case nExact == 1:
		return exact, nil
	case nExact > 1 || (nExact == 0 && nFolded > 1):
		return 0, fmt.Errorf("several options are named %s: use its number instead", quote(item))
	case nFolded == 1:
		return folded, nil
	}
	return -1, nil
}

// smallNumber parses a plain decimal number of at most 9 digits, so no sign,
// spaces or overflow can sneak through strconv's wider syntax.
func smallNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// quote renders member text for an error message: escaped, so control
// characters cannot break the line or the terminal, and cut short so a
// pasted essay does not become the error.
func quote(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) > limit {
		r := []rune(s)
		return strconv.Quote(string(r[:limit])) + "…"
	}
	return strconv.Quote(s)
}

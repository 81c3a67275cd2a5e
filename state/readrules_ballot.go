package state

import (
	"fmt"
	"strings"

	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/state/tally"
)

// Ballot is the stored vote as the ballot it was cast with.
func (v Vote) Ballot() tally.Ballot {
	return tally.Ballot{Choice: v.Choice, Approve: v.Approve, Ranking: v.Ranking, Scores: v.Scores}
}

// BallotText says what a ballot chose, in option names, for people: the
// choice (yes, no, abstain); the approved options ("Soup, Salad"); the
// ranking, first to last ("Salad > Soup"); each option's score ("Soup 3,
// Salad 5"). Both doors show a vote with it. Option names are member text,
// made safe for a terminal here.
func BallotText(method string, options []string, b tally.Ballot) string {
	name := func(i int) string {
		if i >= 0 && i < len(options) {
			return sanitize.Line(options[i])
		}
		return fmt.Sprintf("option %d", i+1)
	}
	var parts []string
	switch method {
	case MethodApproval:
		for _, i := range b.Approve {
			parts = append(parts, name(i))
		}
		return strings.Join(parts, ", ")
	case MethodRanked:
		for _, i := range b.Ranking {
			parts = append(parts, name(i))
		}
		return strings.Join(parts, " > ")
	case MethodScore:
		for i, s := range b.Scores {
			parts = append(parts, fmt.Sprintf("%s %d", name(i), s))
		}
		return strings.Join(parts, ", ")
	}
	return sanitize.Line(b.Choice)
}

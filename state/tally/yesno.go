package tally

import "math/bits"

// YesNo is the tally of a yes/no/abstain proposal.
type YesNo struct {
	Yes, No, Abstain                   int // total weight per choice
	DirectYes, DirectNo, DirectAbstain int // direct votes only (count of voters)
	Participants                       int // total weight that took part (yes+no+abstain)
}

// The three choices of the yes/no/abstain method, as stored in Ballot.Choice.
const (
	ChoiceYes     = "yes"
	ChoiceNo      = "no"
	ChoiceAbstain = "abstain"
)

// CountYesNo adds up yes/no/abstain ballots, each carrying its member's
// delegated weight. Abstentions count towards participation (and so towards
// quorum) but not towards the threshold, so a member can help a proposal be
// decided without taking a side.
func CountYesNo(ballots map[MemberID]Ballot, weight map[MemberID]int) YesNo {
	var y YesNo
	// Map order is safe here, unlike in most loops of this package: the
	// loop only adds integers, and integer addition (even wrapping) gives
	// the same sum in any order. Sorting 100k IDs first would double the
	// cost of a large count for nothing.
	for id, b := range ballots {
		w := weight[id]
		if w <= 0 || ValidateBallot(MethodYesNo, b, 0) != nil {
			continue
		}
		switch b.Choice {
		case ChoiceYes:
			y.Yes += w
			y.DirectYes++
		case ChoiceNo:
			y.No += w
			y.DirectNo++
		case ChoiceAbstain:
			y.Abstain += w
			y.DirectAbstain++
		}
	}
	y.Participants = y.Yes + y.No + y.Abstain
	return y
}

// QuorumMet reports whether participants/eligible >= quorumBP/10000. It is
// computed exactly on integers: a share that is met exactly counts as met.
// A quorum of 0 (or less) is always met; with no eligible members any
// positive quorum is unreachable. A quorum above 10000 can only be met if
// participants exceed eligible, which a correct caller never passes.
func QuorumMet(participants, eligible int, quorumBP int) bool {
	if quorumBP <= 0 {
		return true
	}
	if eligible <= 0 || participants <= 0 {
		return false
	}
	return shareAtLeast(participants, eligible, quorumBP)
}

// Passes reports whether a yes/no proposal is accepted: the quorum must be
// met by y.Participants (see QuorumMet; abstentions take part) and yes must
// reach the threshold share of yes+no, that is yes/(yes+no) >=
// thresholdBP/10000. The threshold is inclusive so that "75%" means what a
// member reads: exactly 75% yes passes a 7500 bp threshold. The flip side is
// that a 5000 bp threshold lets an exact tie pass; a rule that wants "more
// yes than no" should use Majority instead. With yes+no == 0 (nobody took a
// side) the proposal never passes, whatever the threshold.
func Passes(y YesNo, eligible int, quorumBP, thresholdBP int) bool {
	if !QuorumMet(y.Participants, eligible, quorumBP) {
		return false
	}
	if y.Yes < 0 || y.No < 0 || y.Yes+y.No == 0 {
		return false
	}
	if thresholdBP <= 0 {
		return true
	}
	return shareAtLeast(y.Yes, y.Yes+y.No, thresholdBP)
}

// Majority reports a strict majority of yes over no (yes > no), with the
// quorum rule of QuorumMet. It exists because an inclusive basis-point
// threshold cannot express "strictly more than half" exactly.
func Majority(y YesNo, eligible int, quorumBP int) bool {
	return QuorumMet(y.Participants, eligible, quorumBP) && y.Yes > y.No && y.Yes > 0
}

// shareAtLeast reports num/den >= bp/10000 for non-negative num, positive den
// and non-negative bp, as num*10000 >= bp*den in 128 bits so that no input
// can overflow into the wrong answer.
func shareAtLeast(num, den, bp int) bool {
	hi1, lo1 := bits.Mul64(uint64(num), 10000)
	hi2, lo2 := bits.Mul64(uint64(den), uint64(bp))
	return hi1 > hi2 || (hi1 == hi2 && lo1 >= lo2)
}

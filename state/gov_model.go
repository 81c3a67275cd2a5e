package state

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Proposal kinds. Each but text takes effect through the event of the
// domain it changes (see effects).
const (
	KindText    = "text"
	KindRole    = "role"
	KindSpend   = "spend"
	KindSpace   = "space"
	KindRuleset = "rules"
	KindExpel   = "expel" // expel a member: the community's gravest decision
)

// Kinds lists every proposal kind.
var Kinds = []string{KindText, KindRole, KindSpend, KindSpace, KindRuleset, KindCharter, KindExpel}

// Voting methods.
const (
	MethodYesNo    = "yesno"
	MethodApproval = "approval"
	MethodRanked   = "ranked"
	MethodScore    = "score"
)

// Methods lists every voting method.
var Methods = []string{MethodYesNo, MethodApproval, MethodRanked, MethodScore}

// Proposal states.
const (
	PropDraft     = "draft"
	PropActive    = "active"
	PropPassed    = "passed"
	PropRejected  = "rejected"
	PropExpired   = "expired" // quorum not met
	PropExecuted  = "executed"
	PropCancelled = "cancelled"
)

// KindRules are the rules a proposal of a kind is decided by. Shares are
// basis points (1/100 of a percent) so no float ever enters the state.
type KindRules struct {
	Kind        string `json:"kind"`
	PeriodMS    int64  `json:"period_ms"`
	QuorumBP    int    `json:"quorum_bp"`
	ThresholdBP int    `json:"threshold_bp"`
	Hidden      bool   `json:"hidden"`
	// SignedVotes: a vote on a proposal opened under these rules must
	// carry its member's signature (see members_sig.go).
	SignedVotes bool `json:"signed_votes,omitempty"`
	// SignedCosigns (spend only): the co-signatures of the payout a spend
	// proposal opened under these rules orders must be member-signed.
	SignedCosigns bool `json:"signed_cosigns,omitempty"`
}

// defaultRules apply until stewards or a rules proposal change them. The
// threshold is inclusive, so a plain majority is 5001 (a tie does not pass).
var defaultRules = map[string]KindRules{
	KindText:    {Kind: KindText, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 2000, ThresholdBP: 5001},
	KindRole:    {Kind: KindRole, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000},
	KindSpend:   {Kind: KindSpend, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000},
	KindSpace:   {Kind: KindSpace, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000},
	KindRuleset: {Kind: KindRuleset, PeriodMS: 14 * 24 * 3600 * 1000, QuorumBP: 4000, ThresholdBP: 6667},
	KindExpel:   {Kind: KindExpel, PeriodMS: 14 * 24 * 3600 * 1000, QuorumBP: 5000, ThresholdBP: 6667},
	// Only a replicated hub has validators (validators.go); the kind is
	// not in Kinds, the list a single hub offers.
	KindValidator: {Kind: KindValidator, PeriodMS: 14 * 24 * 3600 * 1000, QuorumBP: 5000, ThresholdBP: 6667},
	KindCharter:   {Kind: KindCharter, PeriodMS: 14 * 24 * 3600 * 1000, QuorumBP: 4000, ThresholdBP: 6667},
}

// Action is what a passed proposal does when executed.
type Action struct {
	// role proposals
	Member uint64 `json:"member,omitempty"`
	Role   string `json:"role,omitempty"`
	Grant  bool   `json:"grant,omitempty"`
	// rules proposals
	Rules *KindRules `json:"rules,omitempty"`
	// spend proposals: pay Amount of Asset to Member, or with a Period
	// grant Member (or every holder of Role) an allowance of Amount per
	// period
	Asset  string `json:"asset,omitempty"`
	Amount int64  `json:"amount,omitempty"`
	Memo   string `json:"memo,omitempty"`
	Period string `json:"period,omitempty"`
	// rules proposals may instead set how many treasurers sign a payout
	Signers int `json:"signers,omitempty"`
	// space proposals: open Space, or retire space Retire
	Space  *Space `json:"space,omitempty"`
	Retire uint64 `json:"retire,omitempty"`
	// validator proposals (a replicated hub): seat Validator, or change
	// its power, or with power 0 unseat it
	Validator *ValidatorSeat `json:"validator,omitempty"`
}

// Proposal is a proposal as stored.
type Proposal struct {
	ID       uint64    `json:"id"`
	Author   uint64    `json:"author"`
	Kind     string    `json:"kind"`
	Title    string    `json:"title"`
	Body     string    `json:"body"`
	Method   string    `json:"method"`
	Options  []string  `json:"options"`
	Action   Action    `json:"action"`
	State    string    `json:"state"`
	Rules    KindRules `json:"rules"` // fixed when the proposal opens
	Created  int64     `json:"created"`
	Opened   int64     `json:"opened,omitempty"`
	Deadline int64     `json:"deadline,omitempty"`
	Closed   int64     `json:"closed,omitempty"`
	Comments uint64    `json:"comments"`
	Outcome  *Outcome  `json:"outcome,omitempty"`
}

// Outcome is a closed proposal's result: the whole count as it stood at
// its close, with State the state it closed in. It is final: members who
// delegate, join or leave later never change it, in any view.
type Outcome = Tally

// Vote is a member's direct vote on a proposal.
type Vote struct {
	Member  uint64 `json:"member"`
	Choice  string `json:"choice,omitempty"`
	Approve []int  `json:"approve,omitempty"`
	Ranking []int  `json:"ranking,omitempty"`
	Scores  []int  `json:"scores,omitempty"`
	Seq     uint64 `json:"seq"` // the vote event's position: the receipt
	Time    int64  `json:"time"`
	// Signed: the vote carries the member's own signature (member-signed
	// acts), not only the hub's word.
	Signed bool `json:"signed,omitempty"`
}

// Comment is one entry of a proposal's discussion thread.
type Comment struct {
	ID     uint64 `json:"id"`
	Author uint64 `json:"author"`
	Body   string `json:"body"`
	Time   int64  `json:"time"`
	Seq    uint64 `json:"seq"`
}

const (
	prefixProposal = "s/prop/"
	prefixVote     = "s/vote/"
	prefixComment  = "s/comment/"
	prefixDeleg    = "s/deleg/"
	prefixRules    = "s/rules/"
)

func voteKey(p, m uint64) string {
	b := make([]byte, 0, len(prefixVote)+41)
	b = append(appendPadded(append(b, prefixVote...), p, 12), '/')
	return string(appendPadded(b, m, 12))
}

func commentKey(p, c uint64) string { return fmt.Sprintf("%s%012d/%06d", prefixComment, p, c) }

// delegKey holds a member's delegation for a kind, or "*" for all kinds.
func delegKey(m uint64, kind string) string { return fmt.Sprintf("%s%012d/%s", prefixDeleg, m, kind) }

// RulesFor returns the rules of a kind: stored ones, or the defaults.
func RulesFor(r Reader, kind string) (KindRules, bool) {
	var k KindRules
	if getJSON(r, prefixRules+kind, &k) {
		return k, true
	}
	k, ok := defaultRules[kind]
	return k, ok
}

// GetProposal returns proposal id.
func GetProposal(r Reader, id uint64) (Proposal, bool) {
	var p Proposal
	ok := getJSON(r, idKey(prefixProposal, id), &p)
	return p, ok
}

// ListProposals returns all proposals in ID order.
func ListProposals(r Reader) []Proposal {
	var out []Proposal
	r.Scan(prefixProposal, func(k string, v []byte) bool {
		var p Proposal
		if err := json.Unmarshal(v, &p); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, p)
		return true
	})
	return out
}

// ListVotes returns the direct votes on a proposal, by member ID.
func ListVotes(r Reader, proposal uint64) []Vote {
	var out []Vote
	r.Scan(fmt.Sprintf("%s%012d/", prefixVote, proposal), func(k string, v []byte) bool {
		var vt Vote
		if err := json.Unmarshal(v, &vt); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, vt)
		return true
	})
	return out
}

// GetVote returns a member's direct vote on a proposal.
func GetVote(r Reader, proposal, member uint64) (Vote, bool) {
	var v Vote
	ok := getJSON(r, voteKey(proposal, member), &v)
	return v, ok
}

// ListComments returns a proposal's thread in order.
func ListComments(r Reader, proposal uint64) []Comment {
	var out []Comment
	r.Scan(fmt.Sprintf("%s%012d/", prefixComment, proposal), func(k string, v []byte) bool {
		var c Comment
		if err := json.Unmarshal(v, &c); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, c)
		return true
	})
	return out
}

// DelegationEntry is one standing delegation.
type DelegationEntry struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
	Kind string `json:"kind"` // "*" for all kinds
}

// ListDelegations returns every standing delegation, ordered by member then
// kind.
func ListDelegations(r Reader) []DelegationEntry {
	var out []DelegationEntry
	r.Scan(prefixDeleg, func(k string, v []byte) bool {
		rest := k[len(prefixDeleg):]
		from, err := strconv.ParseUint(rest[:12], 10, 64)
		to, err2 := strconv.ParseUint(string(v), 10, 64)
		if err != nil || err2 != nil || len(rest) < 14 {
			panic(corruptError{key: k, err: fmt.Errorf("bad delegation")})
		}
		out = append(out, DelegationEntry{From: from, To: to, Kind: rest[13:]})
		return true
	})
	return out
}

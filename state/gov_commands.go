package state

import (
	"fmt"
	"slices"
	"strings"

	"github.com/polis-hub/polis/state/markdown"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/state/tally"
)

// Limits on proposals, documented in README.md.
const (
	MaxTitleLen       = 120
	MaxBodyLen        = 20000
	MaxCommentLen     = 5000
	MaxOptionLen      = 60
	MaxOptions        = 20
	MaxProposalsDaily = 5 // per member, per rolling 24 hours
	minPeriodMS       = 60 * 1000
	maxPeriodMS       = 90 * 24 * 3600 * 1000
)

// NewProposal opens a proposal for voting. (A draft is kept out of the
// log until its author opens it: see SaveDraft.)
type NewProposal struct {
	Kind, Title, Body, Method string
	Options                   []string
	Action                    Action
}

func (c NewProposal) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	pc, err := c.checked(r)
	if err != nil {
		return 0, nil, err
	}
	recent := 0
	for _, p := range ListProposals(r) {
		if p.Author == m.ID && env.Time-p.Created < 24*3600*1000 {
			recent++
		}
	}
	if recent >= MaxProposalsDaily {
		return 0, nil, fmt.Errorf("you have opened %d proposals in the last 24 hours, the most allowed", recent)
	}
	pc.Proposal = nextID(r, "proposal")
	return m.ID, []Body{pc}, nil
}

// checked checks the proposal's content against the state and returns
// the event that would open it, without its ID: the method defaulted and
// the action cut to what its kind uses. A draft is checked the same way
// when saved and again when opened.
func (c NewProposal) checked(r Reader) (*ProposalCreated, error) {
	if _, ok := defaultRules[c.Kind]; !ok {
		return nil, fmt.Errorf("unknown kind %q (kinds: %s)", sanitize.Line(c.Kind), strings.Join(Kinds, ", "))
	}
	method := c.Method
	if method == "" {
		method = MethodYesNo
	}
	if !slices.Contains(Methods, method) {
		return nil, fmt.Errorf("unknown method %q (methods: %s)", sanitize.Line(method), strings.Join(Methods, ", "))
	}
	if err := sanitize.Check("title", c.Title, MaxTitleLen, false, true); err != nil {
		return nil, err
	}
	if err := sanitize.Check("body", c.Body, MaxBodyLen, true, false); err != nil {
		return nil, err
	}
	if err := markdown.Check("body", c.Body); err != nil {
		return nil, err
	}
	if err := checkOptions(method, c.Options); err != nil {
		return nil, err
	}
	action, err := checkAction(r, c.Kind, method, c.Action)
	if err != nil {
		return nil, err
	}
	if c.Kind == KindCharter {
		if _, ok := CurrentCharter(r); !ok {
			return nil, fmt.Errorf("there is no charter to amend yet: a steward sets the first with `charter set`")
		}
		if err := checkCharterText(c.Body); err != nil {
			return nil, fmt.Errorf("a charter proposal's body is the new charter: %v", err)
		}
	}
	return &ProposalCreated{Kind: c.Kind, Title: c.Title, Body: c.Body, Method: method, Options: c.Options, Action: action}, nil
}

func checkOptions(method string, opts []string) error {
	if method == MethodYesNo {
		if len(opts) > 0 {
			return fmt.Errorf("yes/no proposals take no options")
		}
		return nil
	}
	if len(opts) < 2 || len(opts) > MaxOptions {
		return fmt.Errorf("%s voting needs 2 to %d options", method, MaxOptions)
	}
	seen := map[string]bool{}
	for i, o := range opts {
		if err := sanitize.Check(fmt.Sprintf("option %d", i+1), o, MaxOptionLen, false, true); err != nil {
			return err
		}
		if strings.Contains(o, ",") {
			return fmt.Errorf("option %d contains a comma", i+1)
		}
		k := strings.ToLower(strings.TrimSpace(o))
		if seen[k] {
			return fmt.Errorf("option %q appears twice", o)
		}
		seen[k] = true
	}
	return nil
}

func checkAction(r Reader, kind, method string, a Action) (Action, error) {
	switch kind {
	case KindText:
		return Action{}, nil
	case KindCharter:
		// The body is the proposed charter; checked by the caller.
		if method != MethodYesNo {
			return a, fmt.Errorf("charter proposals are decided yes/no")
		}
		return Action{}, nil
	case KindRole:
		if method != MethodYesNo {
			return a, fmt.Errorf("role proposals are decided yes/no")
		}
		m, ok := GetMember(r, a.Member)
		if !ok {
			return a, notFound("no member %d", a.Member)
		}
		if !IsRole(a.Role) || a.Role == RoleMember {
			return a, fmt.Errorf("role must be one of moderator, treasurer, steward")
		}
		if a.Grant == m.HasRole(a.Role) {
			return a, fmt.Errorf("member %d %s a %s", m.ID, map[bool]string{true: "is already", false: "is not"}[a.Grant], a.Role)
		}
		return Action{Member: a.Member, Role: a.Role, Grant: a.Grant}, nil
	case KindExpel:
		if method != MethodYesNo {
			return a, fmt.Errorf("expel proposals are decided yes/no")
		}
		m, ok := GetMember(r, a.Member)
		if !ok || m.Gone() {
			return a, notFound("no member %d to expel", a.Member)
		}
		return Action{Member: a.Member}, nil
	case KindSpace:
		if method != MethodYesNo {
			return a, fmt.Errorf("space proposals are decided yes/no")
		}
		if (a.Space == nil) == (a.Retire == 0) {
			return a, fmt.Errorf("a space proposal either opens a space or retires one")
		}
		if a.Retire != 0 {
			sp, ok := GetSpace(r, a.Retire)
			if !ok || sp.Retired {
				return a, notFound("no open space %d", a.Retire)
			}
			return Action{Retire: a.Retire}, nil
		}
		sp := *a.Space
		if sp.TZ == "" {
			sp.TZ = "UTC"
		}
		sp.ID, sp.Retired = 0, false
		check := sp
		check.ID = 1
		if err := checkSpace(check); err != nil {
			return a, err
		}
		if err := markdown.Check("house rules", sp.Rules); err != nil {
			return a, err
		}
		return Action{Space: &sp}, nil
	case KindValidator:
		return checkValidatorAction(r, method, a)
	case KindSpend:
		if method != MethodYesNo {
			return a, fmt.Errorf("spend proposals are decided yes/no")
		}
		switch a.Period {
		case "":
			if _, ok := GetMember(r, a.Member); !ok {
				return a, notFound("no member %d to pay", a.Member)
			}
			a.Role = ""
		case PeriodWeek, PeriodMonth:
			if (a.Member == 0) == (a.Role == "") {
				return a, fmt.Errorf("an allowance goes to one member or to one role")
			}
			if a.Member != 0 {
				if _, ok := GetMember(r, a.Member); !ok {
					return a, notFound("no member %d", a.Member)
				}
			} else if !IsRole(a.Role) || a.Role == RoleMember {
				return a, fmt.Errorf("role must be one of moderator, treasurer, steward")
			}
		default:
			return a, fmt.Errorf("period must be week or month")
		}
		if _, ok := GetAsset(r, a.Asset); !ok {
			return a, notFound("unknown asset %q", sanitize.Line(a.Asset))
		}
		if a.Amount <= 0 || a.Amount > money.MaxMinor {
			return a, fmt.Errorf("amount must be more than zero")
		}
		if err := sanitize.Check("memo", a.Memo, MaxMemoLen, false, false); err != nil {
			return a, err
		}
		return Action{Member: a.Member, Role: a.Role, Asset: a.Asset, Amount: a.Amount, Memo: a.Memo, Period: a.Period}, nil
	case KindRuleset:
		if method != MethodYesNo {
			return a, fmt.Errorf("rules proposals are decided yes/no")
		}
		if a.Rules == nil && a.Signers == 0 {
			return a, fmt.Errorf("a rules proposal must say which kind's rules change, or how many treasurers sign a payout")
		}
		if a.Rules == nil {
			if a.Signers < 1 || a.Signers > MaxSigners {
				return a, fmt.Errorf("signers must be between 1 and %d", MaxSigners)
			}
			return Action{Signers: a.Signers}, nil
		}
		if err := checkRules(*a.Rules); err != nil {
			return a, err
		}
		rules := *a.Rules
		return Action{Rules: &rules}, nil
	}
	return a, fmt.Errorf("unknown kind %q", kind)
}

func checkRules(k KindRules) error {
	if _, ok := defaultRules[k.Kind]; !ok {
		return fmt.Errorf("unknown kind %q", sanitize.Line(k.Kind))
	}
	if k.PeriodMS < minPeriodMS || k.PeriodMS > maxPeriodMS {
		return fmt.Errorf("voting period must be between 1 minute and 90 days")
	}
	if k.QuorumBP < 0 || k.QuorumBP > 10000 || k.ThresholdBP < 0 || k.ThresholdBP > 10000 {
		return fmt.Errorf("quorum and threshold must be between 0%% and 100%%")
	}
	if k.SignedCosigns && k.Kind != KindSpend {
		return fmt.Errorf("signed co-signatures are a rule of spend proposals, not %s", k.Kind)
	}
	return checkFloor(k)
}

// CancelProposal withdraws the author's active proposal. (A draft is
// deleted with DeleteDraft.)
type CancelProposal struct{ ID uint64 }

func (c CancelProposal) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, p, err := authorOf(r, env, c.ID, PropActive)
	if err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&ProposalCancelled{Proposal: p.ID}}, nil
}

func authorOf(r Reader, env Env, id uint64, states ...string) (Member, Proposal, error) {
	m, err := member(r, env)
	if err != nil {
		return m, Proposal{}, err
	}
	p, err := proposalIn(r, id, states...)
	if err != nil {
		return m, p, err
	}
	if p.Author != m.ID {
		return m, p, forbidden("only the author of proposal %d may do that", id)
	}
	return m, p, nil
}

// CommentOn adds to a proposal's thread.
type CommentOn struct {
	ID   uint64
	Body string
}

func (c CommentOn) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	p, ok := GetProposal(r, c.ID)
	if !ok {
		return 0, nil, notFound("no proposal %d", c.ID)
	}
	if err := sanitize.Check("comment", c.Body, MaxCommentLen, true, true); err != nil {
		return 0, nil, err
	}
	if err := markdown.Check("comment", c.Body); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&ProposalCommented{Proposal: p.ID, Comment: p.Comments + 1, Body: c.Body}}, nil
}

// CastVote records the asking member's vote; a new vote replaces the old.
type CastVote struct {
	ID     uint64
	Ballot tally.Ballot
	Sig    string // the member's armoured SSHSIG over ActToSign's bytes, or ""
}

func (c CastVote) Decide(r Reader, env Env) (uint64, []Body, error) {
	id, body, err := decideSigned(r, env, c, c.Sig)
	if err != nil {
		return 0, nil, err
	}
	v := body.(*VoteCast)
	p, _ := GetProposal(r, v.Proposal)
	if err := needsSig(p, v); err != nil {
		return 0, nil, err
	}
	return id, []Body{v}, nil
}

// unsignedAct is the vote Decide makes, before its signature.
func (c CastVote) unsignedAct(r Reader, env Env) (uint64, Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	p, ok := GetProposal(r, c.ID)
	if !ok {
		return 0, nil, notFound("no proposal %d", c.ID)
	}
	if p.State != PropActive || env.Time >= p.Deadline {
		return 0, nil, fmt.Errorf("proposal %d is %s: voting is closed", p.ID, map[bool]string{true: "past its deadline", false: p.State}[p.State == PropActive])
	}
	if err := tally.ValidateBallot(p.Method, c.Ballot, len(p.Options)); err != nil {
		return 0, nil, err
	}
	b := c.Ballot
	return m.ID, &VoteCast{Proposal: p.ID, Choice: b.Choice, Approve: b.Approve, Ranking: b.Ranking, Scores: b.Scores}, nil
}

// Delegate gives the asking member's vote to another member, for one kind
// or (Kind "" or "*") for all kinds.
type Delegate struct {
	To   uint64
	Kind string
	Sig  string // the member's armoured SSHSIG over ActToSign's bytes, or ""
}

func delegKind(k string) (string, error) {
	if k == "" || k == "*" || k == "all" {
		return "*", nil
	}
	if _, ok := defaultRules[k]; !ok {
		return "", fmt.Errorf("unknown kind %q (kinds: %s)", sanitize.Line(k), strings.Join(Kinds, ", "))
	}
	return k, nil
}

func (c Delegate) Decide(r Reader, env Env) (uint64, []Body, error) {
	id, b, err := decideSigned(r, env, c, c.Sig)
	if err != nil {
		return 0, nil, err
	}
	return id, []Body{b}, nil
}

// unsignedAct is the delegation Decide makes, before its signature.
func (c Delegate) unsignedAct(r Reader, env Env) (uint64, Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	kind, err := delegKind(c.Kind)
	if err != nil {
		return 0, nil, err
	}
	if c.To == m.ID {
		return 0, nil, fmt.Errorf("you cannot delegate to yourself")
	}
	if _, ok := GetMember(r, c.To); !ok {
		return 0, nil, notFound("no member %d", c.To)
	}
	return m.ID, &DelegationSet{To: c.To, Kind: kind}, nil
}

// Undelegate ends the asking member's delegation for a kind (or all kinds).
type Undelegate struct{ Kind string }

func (c Undelegate) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	kind, err := delegKind(c.Kind)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := r.Get(delegKey(m.ID, kind)); !ok {
		return 0, nil, fmt.Errorf("you have no delegation for %s", map[bool]string{true: "all kinds", false: kind}[kind == "*"])
	}
	return m.ID, []Body{&DelegationRevoked{Kind: kind}}, nil
}

// SetRules changes a kind's rules (stewards). A change that weakens a
// guarded kind is scheduled: it takes effect TimeLockMS later.
type SetRules struct{ Rules KindRules }

func (c SetRules) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "change proposal rules")
	if err != nil {
		return 0, nil, err
	}
	if err := checkRules(c.Rules); err != nil {
		return 0, nil, err
	}
	cur, _ := RulesFor(r, c.Rules.Kind)
	if weakens(cur, c.Rules) {
		k := c.Rules
		return m.ID, schedule(r, env, Change{Rules: &k}), nil
	}
	return m.ID, append(supersede(r, "rules/"+c.Rules.Kind), &RulesSet{Rules: c.Rules}), nil
}

// CloseProposal is the hub closing a proposal at its deadline, and
// executing it if it passed and has an effect.
type CloseProposal struct{ ID uint64 }

func (c CloseProposal) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("proposals close at their deadline")
	}
	p, err := proposalIn(r, c.ID, PropActive)
	if err != nil {
		return 0, nil, err
	}
	if env.Time < p.Deadline {
		return 0, nil, fmt.Errorf("proposal %d is open until its deadline", p.ID)
	}
	st := closingState(countProposal(r, p))
	events := []Body{&ProposalClosed{Proposal: p.ID, State: st}}
	if st == PropPassed && p.Kind != KindText && executable(r, p) {
		if p.Kind == KindRuleset {
			// The members' decision replaces a steward's change waiting
			// on the same thing.
			target := "signers"
			if p.Action.Rules != nil {
				target = "rules/" + p.Action.Rules.Kind
			}
			events = append(events, supersede(r, target)...)
		}
		events = append(events, &ProposalExecuted{Proposal: p.ID})
		events = append(events, effects(r, p, env.Time)...)
	}
	return 0, events, nil
}

// executable checks that a passed action still makes sense now (the
// member may have left, or got the role another way meanwhile).
func executable(r Reader, p Proposal) bool {
	if p.Kind == KindExpel {
		m, ok := GetMember(r, p.Action.Member)
		return ok && !m.Gone()
	}
	if p.Kind == KindSpace && p.Action.Retire != 0 {
		sp, ok := GetSpace(r, p.Action.Retire)
		return ok && !sp.Retired
	}
	if p.Kind == KindSpend {
		if p.Action.Member == 0 {
			return p.Action.Role != ""
		}
		_, ok := GetMember(r, p.Action.Member)
		return ok
	}
	if p.Kind == KindRole {
		m, ok := GetMember(r, p.Action.Member)
		if !ok || m.HasRole(p.Action.Role) == p.Action.Grant {
			return false
		}
		if !p.Action.Grant && p.Action.Role == RoleSteward && lastSteward(r, m) {
			return false
		}
	}
	return true
}

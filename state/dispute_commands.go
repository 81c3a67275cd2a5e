package state

import (
	"fmt"
	"slices"
	"strings"

	"github.com/polis-hub/polis/state/markdown"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// Text limits for disputes.
const (
	MaxCaseTitle     = 120
	MaxCaseStatement = 20000
	MaxReason        = 2000
)

// FileCase opens a dispute against a member.
type FileCase struct {
	Against   uint64
	Category  string
	Title     string
	Statement string
}

func (c FileCase) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	cat := c.Category
	if cat == "" {
		cat = "other"
	}
	if !slices.Contains(Categories, cat) {
		return 0, nil, fmt.Errorf("category must be one of %s", strings.Join(Categories, ", "))
	}
	if c.Against == m.ID {
		return 0, nil, fmt.Errorf("you cannot file a case against yourself")
	}
	if _, ok := GetMember(r, c.Against); !ok {
		return 0, nil, notFound("no member %d", c.Against)
	}
	if err := sanitize.Check("title", c.Title, MaxCaseTitle, false, true); err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("statement", c.Statement, MaxCaseStatement, true, false); err != nil {
		return 0, nil, err
	}
	if err := markdown.Check("statement", c.Statement); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&CaseFiled{Case: nextID(r, "case"), Respondent: c.Against, Category: cat, Title: c.Title, Statement: c.Statement}}, nil
}

// memberAndCase resolves the asking member and the case a command names.
func memberAndCase(r Reader, env Env, id uint64) (Member, Case, error) {
	m, err := member(r, env)
	if err != nil {
		return m, Case{}, err
	}
	c, err := caseFor(r, id)
	return m, c, err
}

func caseFor(r Reader, id uint64) (Case, error) {
	c, ok := GetCase(r, id)
	if !ok {
		return c, notFound("no case %d", id)
	}
	return c, nil
}

// CaseAction is one of the single-step actions on a case: "withdraw",
// "claim", "recuse", "appeal".
type CaseAction struct {
	ID     uint64
	Action string
}

func (c CaseAction) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, cs, err := memberAndCase(r, env, c.ID)
	if err != nil {
		return 0, nil, err
	}
	switch c.Action {
	case "withdraw", "claim", "recuse", "appeal":
	default:
		return 0, nil, fmt.Errorf("unknown case action %q", sanitize.Line(c.Action))
	}
	if err := CaseRefusal(CaseAct(c.Action), m, cs, env.Time, lookupIn(r)); err != nil {
		return 0, nil, err
	}
	switch c.Action {
	case "withdraw":
		return m.ID, []Body{&CaseWithdrawn{Case: cs.ID}}, nil
	case "claim":
		return m.ID, []Body{&CaseClaimed{Case: cs.ID}}, nil
	case "recuse":
		return m.ID, []Body{&CaseRecused{Case: cs.ID}}, nil
	}
	return m.ID, []Body{&CaseAppealed{Case: cs.ID}}, nil
}

// AddStatement adds to a case's evidence thread (parties, its moderator,
// and any moderator).
type AddStatement struct {
	ID   uint64
	Body string
}

func (c AddStatement) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, cs, err := memberAndCase(r, env, c.ID)
	if err != nil {
		return 0, nil, err
	}
	if err := CaseRefusal(ActEvidence, m, cs, env.Time, lookupIn(r)); err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("statement", c.Body, MaxCaseStatement, true, true); err != nil {
		return 0, nil, err
	}
	if err := markdown.Check("statement", c.Body); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&CaseStatement{Case: cs.ID, Statement: cs.Evidence + 1, Body: c.Body}}, nil
}

// Rule is the claiming moderator's ruling.
type Rule struct {
	ID          uint64
	Outcome     string
	Reason      string
	SuspendDays int
	// Restitution: cancel the respondent's Booking, and/or pay the filer
	// Amount of Asset from the treasury (a payout order treasurers co-sign).
	Booking uint64
	Asset   string
	Amount  int64
}

func (c Rule) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, cs, err := memberAndCase(r, env, c.ID)
	if err != nil {
		return 0, nil, err
	}
	if err := CaseRefusal(ActRule, m, cs, env.Time, lookupIn(r)); err != nil {
		return 0, nil, err
	}
	switch {
	case c.Outcome == OutcomeExpulsion:
		return 0, nil, forbidden("expulsion is decided only by a jury or by proposal")
	case !slices.Contains(Outcomes, c.Outcome):
		return 0, nil, fmt.Errorf("outcome must be one of dismissed, warning, restitution, suspension")
	case c.Outcome == OutcomeSuspension && (c.SuspendDays < 1 || c.SuspendDays > MaxSuspendDays):
		return 0, nil, fmt.Errorf("a suspension lasts 1 to %d days", MaxSuspendDays)
	case c.Outcome != OutcomeSuspension && c.SuspendDays != 0:
		return 0, nil, fmt.Errorf("days are only for suspensions")
	}
	if err := sanitize.Check("reason", c.Reason, MaxReason, true, false); err != nil {
		return 0, nil, err
	}
	ruled := &CaseRuled{Case: cs.ID, Outcome: c.Outcome, Reason: c.Reason, SuspendDays: c.SuspendDays}
	if c.Outcome != OutcomeRestitution {
		if c.Booking != 0 || c.Amount != 0 {
			return 0, nil, fmt.Errorf("a booking or an amount is only for restitution")
		}
		return m.ID, append([]Body{ruled}, rulingEffects(r, cs, c, env.Time)...), nil
	}
	events := []Body{ruled}
	if c.Amount != 0 {
		if _, ok := GetAsset(r, c.Asset); !ok {
			return 0, nil, notFound("unknown asset %q", sanitize.Line(c.Asset))
		}
		if c.Amount < 0 || c.Amount > money.MaxMinor {
			return 0, nil, fmt.Errorf("amount must be more than zero")
		}
		ruled.Asset, ruled.Amount = c.Asset, c.Amount
		if cp := RestitutionCapOf(r, c.Asset); c.Amount > cp.Amount {
			// More than one moderator may pay alone: the members decide.
			events = append(events, restitutionProposal(r, cs, c, cp))
		} else {
			events = append(events, rulingEffects(r, cs, c, env.Time)...)
		}
	}
	if c.Booking == 0 {
		return m.ID, events, nil
	}
	bk, ok := GetBooking(r, c.Booking)
	if !ok || bk.Member != cs.Respondent {
		return 0, nil, notFound("the respondent has no booking %d", c.Booking)
	}
	if !bk.holds() && bk.Status != BookWaitlisted {
		return 0, nil, fmt.Errorf("booking %d is already %s", bk.ID, bk.Status)
	}
	return m.ID, append(events, withPromotions(r, env, m.ID, bk.Space, &BookingCancelled{Booking: bk.ID})...), nil
}

// restitutionProposal is the spend proposal a restitution above the cap
// becomes: authored by the ruling moderator (so they cannot co-sign its
// payout), paying the filer, decided by the spend rules like any other.
func restitutionProposal(r Reader, cs Case, c Rule, cp RestitutionCap) Body {
	a, _ := GetAsset(r, c.Asset)
	body := fmt.Sprintf("The moderator of case %d ruled restitution of %s %s to the filer, above the %s %s a moderator may order alone, so the members decide.",
		cs.ID, money.Format(c.Amount, a.Decimals), c.Asset, money.Format(cp.Amount, a.Decimals), c.Asset)
	if c.Reason != "" {
		body += "\n\nReason: " + c.Reason
	}
	return &ProposalCreated{Proposal: nextID(r, "proposal"), Kind: KindSpend, Title: fmt.Sprintf("Restitution for case %d", cs.ID),
		Body: body, Method: MethodYesNo, Action: Action{Member: cs.Filer, Asset: c.Asset, Amount: c.Amount,
			Memo: restitutionMemo(cs.ID)}}
}

// JuryVote is a juror's verdict on an appealed case.
type CastJuryVote struct {
	ID      uint64
	Outcome string
}

func (c CastJuryVote) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, cs, err := memberAndCase(r, env, c.ID)
	if err != nil {
		return 0, nil, err
	}
	if err := CaseRefusal(ActJuryVote, m, cs, env.Time, lookupIn(r)); err != nil {
		return 0, nil, err
	}
	if !slices.Contains(Outcomes, c.Outcome) {
		return 0, nil, fmt.Errorf("outcome must be one of %s", strings.Join(Outcomes, ", "))
	}
	events := []Body{&JuryVoted{Case: cs.ID, Outcome: c.Outcome}}
	if o := juryMajority(withJuryVote(cs, m.ID, c.Outcome)); o != "" {
		events = append(events, juryEffects(r, cs, o, env.Time)...)
	}
	return m.ID, events, nil
}

// DrawCaseJury is the hub drawing an appealed case's jury from the seed of
// the first checkpoint sealed after the appeal (the caller finds it).
type DrawCaseJury struct {
	ID     uint64
	Height int64
	Seed   [32]byte
}

func (c DrawCaseJury) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("the hub draws juries")
	}
	cs, err := caseFor(r, c.ID)
	if err != nil {
		return 0, nil, err
	}
	if cs.State != CaseStateAppealed || cs.JuryHeight != 0 {
		return 0, nil, fmt.Errorf("case %d needs no jury", cs.ID)
	}
	jurors := DrawJury(c.Seed, JuryPool(r, cs, env.Time), JurySize)
	return 0, []Body{&JuryDrawn{Case: cs.ID, Height: c.Height, Seed: fmt.Sprintf("%x", c.Seed), Jurors: jurors}}, nil
}

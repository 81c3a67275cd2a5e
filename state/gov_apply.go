package state

import (
	"fmt"
	"slices"
	"strconv"
)

// govAppliers fold proposals, votes, delegations and rules.
var govAppliers = []applier{
	on(applyProposalCreated),
	on(applyProposalCancelled),
	on(applyProposalCommented),
	on(applyVoteCast),
	on(applyDelegationSet),
	on(applyDelegationRevoked),
	on(applyProposalClosed),
	on(applyProposalExecuted),
	on(applyRulesSet),
}

func applyProposalCreated(w Writer, ev Event, b *ProposalCreated) error {
	if _, ok := GetProposal(w, b.Proposal); ok {
		return fmt.Errorf("proposal %d already exists", b.Proposal)
	}
	rules, ok := RulesFor(w, b.Kind)
	if !ok {
		return fmt.Errorf("unknown kind %q", b.Kind)
	}
	if err := recheckProposal(w, b); err != nil {
		return fmt.Errorf("proposal %d: %v", b.Proposal, err)
	}
	p := Proposal{ID: b.Proposal, Author: ev.Actor, Kind: b.Kind, Title: b.Title, Body: b.Body,
		Method: b.Method, Options: slices.Clone(b.Options), Action: b.Action, Created: ev.Time}
	openProposal(&p, rules, ev.Time)
	putJSON(w, idKey(prefixProposal, p.ID), p)
	useID(w, "proposal", p.ID)
	setDue(w, p.Deadline, DueProposal, p.ID)
	return nil
}

func applyProposalCancelled(w Writer, ev Event, b *ProposalCancelled) error {
	p, err := proposalIn(w, b.Proposal, PropActive)
	if err != nil {
		return err
	}
	p.State, p.Closed = PropCancelled, ev.Time
	putJSON(w, idKey(prefixProposal, p.ID), p)
	clearDue(w, p.Deadline, DueProposal, p.ID)
	return nil
}

func applyProposalCommented(w Writer, ev Event, b *ProposalCommented) error {
	p, ok := GetProposal(w, b.Proposal)
	if !ok || b.Comment != p.Comments+1 {
		return fmt.Errorf("comment %d on proposal %d out of order", b.Comment, b.Proposal)
	}
	p.Comments = b.Comment
	putJSON(w, commentKey(p.ID, b.Comment), Comment{ID: b.Comment, Author: ev.Actor, Body: b.Body, Time: ev.Time, Seq: ev.Seq})
	putJSON(w, idKey(prefixProposal, p.ID), p)
	return nil
}

func applyVoteCast(w Writer, ev Event, b *VoteCast) error {
	p, err := proposalIn(w, b.Proposal, PropActive)
	if err != nil {
		return err
	}
	if ev.Time >= p.Deadline {
		return fmt.Errorf("vote after the deadline of proposal %d", p.ID)
	}
	if err := needsSig(p, b); err != nil {
		return err
	}
	putJSON(w, voteKey(p.ID, ev.Actor), Vote{Member: ev.Actor, Choice: b.Choice, Approve: b.Approve,
		Ranking: b.Ranking, Scores: b.Scores, Seq: ev.Seq, Time: ev.Time, Signed: b.Sig != ""})
	return nil
}

func applyDelegationSet(w Writer, ev Event, b *DelegationSet) error {
	if _, ok := GetMember(w, b.To); !ok || b.To == ev.Actor {
		return fmt.Errorf("cannot delegate to member %d", b.To)
	}
	w.Set(delegKey(ev.Actor, b.Kind), []byte(strconv.FormatUint(b.To, 10)))
	return nil
}

func applyDelegationRevoked(w Writer, ev Event, b *DelegationRevoked) error {
	if _, ok := w.Get(delegKey(ev.Actor, b.Kind)); !ok {
		return fmt.Errorf("no delegation for %q", b.Kind)
	}
	w.Delete(delegKey(ev.Actor, b.Kind))
	return nil
}

func applyProposalClosed(w Writer, ev Event, b *ProposalClosed) error {
	p, err := proposalIn(w, b.Proposal, PropActive)
	if err != nil {
		return err
	}
	if ev.Time < p.Deadline {
		return fmt.Errorf("proposal %d closed before its deadline", p.ID)
	}
	t := countProposal(w, p)
	if st := closingState(t); st != b.State {
		return fmt.Errorf("proposal %d closes %s by the count, not %s", p.ID, st, b.State)
	}
	p.State, p.Closed = b.State, ev.Time
	t.State = b.State
	p.Outcome = &t
	putJSON(w, idKey(prefixProposal, p.ID), p)
	clearDue(w, p.Deadline, DueProposal, p.ID)
	return nil
}

func applyProposalExecuted(w Writer, ev Event, b *ProposalExecuted) error {
	p, err := proposalIn(w, b.Proposal, PropPassed)
	if err != nil {
		return err
	}
	p.State = PropExecuted
	putJSON(w, idKey(prefixProposal, p.ID), p)
	return nil
}

func applyRulesSet(w Writer, ev Event, b *RulesSet) error {
	if err := checkRules(b.Rules); err != nil {
		return err
	}
	switch {
	case b.Proposal != 0 && b.Change != 0:
		return fmt.Errorf("rules.set names a proposal and a change")
	case b.Proposal != 0:
		// The members decided it: no time lock to wait out.
		if _, err := takeEffect(w, ev, b.Proposal, KindRuleset, func(a Action) bool {
			return a.Rules != nil && *a.Rules == b.Rules
		}); err != nil {
			return err
		}
	case b.Change != 0:
		// The time lock was waited out.
		if err := takeChange(w, ev, b.Change, func(c Change) bool { return c.Rules != nil && *c.Rules == b.Rules }); err != nil {
			return err
		}
	case !byRight(w, ev, RightRoles):
		return fmt.Errorf("member %d may not set rules", ev.Actor)
	default:
		if cur, _ := RulesFor(w, b.Rules.Kind); weakens(cur, b.Rules) {
			return fmt.Errorf("rules for %s weaken only by a scheduled change", b.Rules.Kind)
		}
	}
	putJSON(w, prefixRules+b.Rules.Kind, b.Rules)
	return nil
}

func openProposal(p *Proposal, rules KindRules, now int64) {
	p.State, p.Rules, p.Opened, p.Deadline = PropActive, rules, now, now+rules.PeriodMS
}

func proposalIn(r Reader, id uint64, states ...string) (Proposal, error) {
	p, ok := GetProposal(r, id)
	if !ok {
		return p, notFound("no proposal %d", id)
	}
	if !slices.Contains(states, p.State) {
		return p, fmt.Errorf("proposal %d is %s", id, p.State)
	}
	return p, nil
}

// recheckProposal re-runs on a proposal.created what NewProposal's Decide
// checks of what the proposal will count and do (method, options, action),
// so that a forged log cannot open, pass and execute an action no command
// would have accepted. The action must be exactly the checked one.
func recheckProposal(r Reader, b *ProposalCreated) error {
	if !slices.Contains(Methods, b.Method) {
		return fmt.Errorf("unknown method %q", b.Method)
	}
	if err := checkOptions(b.Method, b.Options); err != nil {
		return err
	}
	a, err := checkAction(r, b.Kind, b.Method, b.Action)
	if err != nil {
		return err
	}
	if !sameJSON(a, b.Action) {
		return fmt.Errorf("its action carries what a %s proposal does not", b.Kind)
	}
	return nil
}

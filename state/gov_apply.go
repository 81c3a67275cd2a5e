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
	p := Proposal{ID: b.Proposal, Author: ev.Actor, Kind: b.Kind, Title: b.Title, Body: b.Body,
		Method: b.Method, Options: slices.Clone(b.Options), Action: b.Action, Created: ev.Time}
	openProposal(&p, rules, ev.Time)
	putJSON(w, idKey(prefixProposal, p.ID), p)
	useID(w, "proposal", p.ID)
	return nil
}

func applyProposalCancelled(w Writer, ev Event, b *ProposalCancelled) error {
	p, err := proposalIn(w, b.Proposal, PropActive)
	if err != nil {
		return err
	}
	p.State, p.Closed = PropCancelled, ev.Time
	putJSON(w, idKey(prefixProposal, p.ID), p)
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
	putJSON(w, voteKey(p.ID, ev.Actor), Vote{Member: ev.Actor, Choice: b.Choice, Approve: b.Approve,
		Ranking: b.Ranking, Scores: b.Scores, Seq: ev.Seq, Time: ev.Time})
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
	return nil
}

func applyProposalExecuted(w Writer, ev Event, b *ProposalExecuted) error {
	p, err := proposalIn(w, b.Proposal, PropPassed)
	if err != nil {
		return err
	}
	if err := execute(w, p); err != nil {
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
	if cur, _ := RulesFor(w, b.Rules.Kind); weakens(cur, b.Rules) {
		return fmt.Errorf("rules for %s weaken only by a scheduled change", b.Rules.Kind)
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

// execute carries out a passed proposal's action.
func execute(w Writer, p Proposal) error {
	switch p.Kind {
	case KindRole:
		m, ok := GetMember(w, p.Action.Member)
		if !ok {
			return fmt.Errorf("member %d is gone", p.Action.Member)
		}
		if p.Action.Grant {
			if p.Action.Role == RoleTreasurer && !m.HasRole(RoleTreasurer) {
				m.TreasurerSince = p.Closed
			}
			m.Roles = normRoles(append(m.Roles, p.Action.Role))
		} else {
			if p.Action.Role == RoleTreasurer {
				m.TreasurerSince = 0
			}
			m.Roles = normRoles(slices.DeleteFunc(slices.Clone(m.Roles), func(r string) bool { return r == p.Action.Role }))
		}
		putJSON(w, idKey(prefixMember, m.ID), m)
	case KindExpel:
		return sanction(w, Case{Respondent: p.Action.Member}, OutcomeExpulsion, p.Closed)
	case KindCharter:
		return nil // the charter.adopted event that follows carries it
	case KindSpace:
		if p.Action.Retire != 0 {
			sp, ok := GetSpace(w, p.Action.Retire)
			if !ok || sp.Retired {
				return fmt.Errorf("space %d cannot be retired", p.Action.Retire)
			}
			sp.Retired = true
			putJSON(w, idKey(prefixSpace, sp.ID), sp)
			return nil
		}
		if p.Action.Space == nil {
			return fmt.Errorf("space proposal %d opens no space", p.ID)
		}
		sp := *p.Action.Space
		sp.ID = nextID(w, "space")
		if err := checkSpace(sp); err != nil {
			return err
		}
		putJSON(w, idKey(prefixSpace, sp.ID), sp)
		useID(w, "space", sp.ID)
	case KindSpend:
		if p.Action.Period != "" {
			grantAllowance(w, p, p.Closed)
		} else {
			createPayout(w, p, p.Closed)
		}
	case KindRuleset:
		if p.Action.Signers > 0 && p.Action.Rules == nil {
			putJSON(w, keyPolicy, TreasuryPolicy{Signers: p.Action.Signers})
			return nil
		}
		if p.Action.Rules == nil {
			return fmt.Errorf("rules proposal %d has no rules", p.ID)
		}
		putJSON(w, prefixRules+p.Action.Rules.Kind, *p.Action.Rules)
	default:
		return fmt.Errorf("%s proposals have nothing to execute", p.Kind)
	}
	return nil
}

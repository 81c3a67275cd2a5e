package state

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// A passed proposal changes the community only through the owning domain's
// own events: the command that closes it emits proposal.executed and then
// the effect (role.granted, space.added, payout.created, ...) naming the
// proposal. Each effect is folded by its domain's one applier, with the
// same invariants as the direct change, so a forged log fails the same way
// on either path; the applier checks in addition that the proposal executed
// in this same command, that the effect is exactly its action, and that it
// is the proposal's only effect.

// prefixEffect marks an effect applied (value: its event type), so no log
// applies one twice: s/effect/proposal/<id>, s/effect/case/<id>/<stage>/<type>.
const prefixEffect = "s/effect/"

// effects is what passed proposal p does, as the events that follow its
// proposal.executed. r is the state before the closing command: nothing
// the command applies first (the close, a superseded change) moves the
// IDs, the policy or the charter version read here.
func effects(r Reader, p Proposal, now int64) []Body {
	a := p.Action
	switch p.Kind {
	case KindRole:
		if a.Grant {
			return []Body{&RoleGranted{Member: a.Member, Role: a.Role, Proposal: p.ID}}
		}
		return []Body{&RoleRevoked{Member: a.Member, Role: a.Role, Proposal: p.ID}}
	case KindExpel:
		return []Body{&MemberExpelled{Member: a.Member, Proposal: p.ID}}
	case KindCharter:
		return []Body{&CharterAdopted{Version: CharterVersion(r) + 1, Text: p.Body, Proposal: p.ID}}
	case KindSpace:
		if a.Retire != 0 {
			return []Body{&SpaceRetired{Space: a.Retire, Proposal: p.ID}}
		}
		sp := *a.Space
		sp.ID = nextID(r, "space")
		return []Body{&SpaceAdded{Space: sp, Proposal: p.ID}}
	case KindSpend:
		if a.Period != "" {
			return []Body{&AllowanceGranted{Allowance: nextID(r, "allowance"), Proposal: p.ID, Member: a.Member, Role: a.Role,
				Asset: a.Asset, Amount: a.Amount, Period: a.Period, Start: PeriodStart(a.Period, now)}}
		}
		return []Body{&PayoutCreated{Payout: nextID(r, "payout"), Proposal: p.ID, To: a.Member, Asset: a.Asset,
			Amount: a.Amount, Memo: a.Memo, Needed: Policy(r).Signers}}
	case KindValidator:
		return []Body{&ValidatorsChanged{Seat: *a.Validator, Proposal: p.ID}}
	case KindRuleset:
		if a.Rules != nil {
			return []Body{&RulesSet{Rules: *a.Rules, Proposal: p.ID}}
		}
		return []Body{&PolicySet{Signers: a.Signers, Proposal: p.ID}}
	}
	return nil
}

// takeEffect is the check every effect applier makes of the proposal its
// event names: a proposal of kind that executed in this same command (at
// this event's time), whose action matches (as the applier judges), and
// whose effect this is the first of. It marks the effect taken.
func takeEffect(w Writer, ev Event, id uint64, kind string, matches func(Action) bool) (Proposal, error) {
	p, ok := GetProposal(w, id)
	if !ok || p.Kind != kind || p.State != PropExecuted || p.Closed != ev.Time {
		return p, fmt.Errorf("%s: proposal %d is no %s proposal executing now", ev.Body.EventType(), id, kind)
	}
	if !matches(p.Action) {
		return p, fmt.Errorf("%s is not what proposal %d decided", ev.Body.EventType(), id)
	}
	key := idKey(prefixEffect+"proposal/", id)
	if _, done := w.Get(key); done {
		return p, fmt.Errorf("proposal %d has already taken effect", id)
	}
	w.Set(key, []byte(ev.Body.EventType()))
	return p, nil
}

// sameJSON reports whether a and b have the same canonical JSON.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// byRight reports whether the event's actor is a member holding right: the
// check an applier makes of a steward's direct change.
func byRight(r Reader, ev Event, right string) bool {
	m, ok := GetMember(r, ev.Actor)
	return ok && Can(m, right)
}

package state

import (
	"cmp"
	"fmt"
	"slices"
)

// What a member may do on a case is decided here once. The commands'
// Decide refuses by CaseRefusal, and both doors offer what CaseActions
// returns (the app's key hints, `dispute show`) and queue what InQueue
// admits (`dispute list --queue`, the app's moderation queue), so neither
// door can offer a step the hub then refuses.

// CaseAct is one thing a member may do on a case.
type CaseAct string

// The acts, in the order a door offers them.
const (
	ActClaim    CaseAct = "claim"
	ActRule     CaseAct = "rule"
	ActRecuse   CaseAct = "recuse"
	ActJuryVote CaseAct = "jury-vote"
	ActAppeal   CaseAct = "appeal"
	ActWithdraw CaseAct = "withdraw"
	ActEvidence CaseAct = "evidence"
	ActNote     CaseAct = "note"
)

// CaseActs is every act, in the order a door offers them.
var CaseActs = []CaseAct{ActClaim, ActRule, ActRecuse, ActJuryVote, ActAppeal, ActWithdraw, ActEvidence, ActNote}

// Path is the command that does a: "dispute claim".
func (a CaseAct) Path() string {
	if a == ActRule {
		return "dispute resolve"
	}
	return "dispute " + string(a)
}

// MemberLookup finds a member by ID. The rules need one other member: the
// moderator holding a case, who may have lost the role since.
type MemberLookup func(id uint64) (Member, bool)

func lookupIn(r Reader) MemberLookup {
	return func(id uint64) (Member, bool) { return GetMember(r, id) }
}

// MembersByID looks members up in ms, which is in ID order (as
// ListMembers and Hub.Members give them).
func MembersByID(ms []Member) MemberLookup {
	return func(id uint64) (Member, bool) {
		i, ok := slices.BinarySearchFunc(ms, id, func(m Member, id uint64) int { return cmp.Compare(m.ID, id) })
		if !ok {
			return Member{}, false
		}
		return ms[i], true
	}
}

// CaseRefusal is why me may not do act on c at now (unix ms), or nil when
// they may. It judges who and when, not what they would write: a ruling's
// outcome or a statement's text are the command's to check.
func CaseRefusal(act CaseAct, me Member, c Case, now int64, who MemberLookup) error {
	if me.Suspended(now) && !MayWhileSuspended(act.Path()) {
		return forbidden("you are suspended until %s", Day(me.SuspendedUntil))
	}
	return caseRule(act, me, c, now, who)
}

// caseRule is CaseRefusal without the suspension, which is the
// sequencer's to check and never Apply's: a log replays the same whoever
// was suspended when (docs/events.md).
func caseRule(act CaseAct, me Member, c Case, now int64, who MemberLookup) error {
	switch act {
	case ActWithdraw:
		if c.Filer != me.ID {
			return forbidden("only the filer withdraws a case")
		}
		if c.State != CaseStateOpen && c.State != CaseStateClaimed {
			return fmt.Errorf("case %d is %s", c.ID, c.State)
		}
	case ActClaim:
		switch {
		case !me.HasRole(RoleModerator):
			return forbidden("only moderators claim cases")
		case c.party(me.ID):
			return forbidden("you are a party to case %d, so you can never handle it", c.ID)
		case slices.Contains(c.Recused, me.ID):
			return forbidden("you stepped aside from case %d", c.ID)
		case !claimable(c, who):
			return fmt.Errorf("case %d is %s", c.ID, c.State)
		}
	case ActRecuse:
		if c.State != CaseStateClaimed || c.Moderator != me.ID {
			return forbidden("only the moderator handling case %d can step aside", c.ID)
		}
	case ActAppeal:
		switch {
		case !c.party(me.ID):
			return forbidden("only a party appeals")
		case c.State != CaseStateRuled:
			return fmt.Errorf("case %d is %s: only a ruling can be appealed", c.ID, c.State)
		case now > c.Ruled+AppealWindowMS:
			return fmt.Errorf("the %d-day appeal window closed", AppealWindowMS/(24*3600*1000))
		}
	case ActRule:
		switch {
		case c.party(me.ID):
			return forbidden("you are a party to case %d, so you can never rule on it", c.ID)
		case c.State != CaseStateClaimed || c.Moderator != me.ID:
			return forbidden("only the moderator who claimed case %d rules on it", c.ID)
		case !me.HasRole(RoleModerator):
			return forbidden("you are no longer a moderator, so you cannot rule on case %d (another moderator may take it over)", c.ID)
		}
	case ActJuryVote:
		switch {
		case c.State != CaseStateAppealed:
			return fmt.Errorf("case %d is %s: there is no jury vote", c.ID, c.State)
		case c.JuryHeight == 0:
			return fmt.Errorf("the jury for case %d is drawn from the next checkpoint; try again in a moment", c.ID)
		case !slices.Contains(c.Jury, me.ID):
			return forbidden("you are not on the jury of case %d", c.ID)
		}
	case ActEvidence:
		if !c.party(me.ID) && !me.HasRole(RoleModerator) && !slices.Contains(c.Jury, me.ID) {
			return forbidden("only the parties, moderators and jurors add statements")
		}
		if c.State == CaseStateWithdrawn || c.State == CaseStateJuryRuled {
			return fmt.Errorf("case %d is %s", c.ID, c.State)
		}
	case ActNote:
		if !mayReadNotes(me, c) {
			return forbidden("private notes are for moderators who are not parties to the case")
		}
	default:
		return fmt.Errorf("unknown case action %q", truncate(string(act), 20))
	}
	return nil
}

// claimable reports whether c may be taken now: it is open, or the
// moderator who claimed it has since lost the role (or left), so it would
// otherwise wait forever for a ruling nobody may give.
func claimable(c Case, who MemberLookup) bool {
	switch c.State {
	case CaseStateOpen:
		return true
	case CaseStateClaimed:
		m, ok := who(c.Moderator)
		return !ok || m.Gone() || !m.HasRole(RoleModerator)
	}
	return false
}

// CaseActions is what me may do on c at now, in CaseActs order.
func CaseActions(me Member, c Case, now int64, who MemberLookup) []CaseAct {
	var out []CaseAct
	for _, a := range CaseActs {
		if CaseRefusal(a, me, c, now, who) == nil {
			out = append(out, a)
		}
	}
	return out
}

// InQueue reports whether c is in me's moderation queue: a case they may
// take, or one they handle as a moderator. A case they stepped aside from,
// are a party to, or another moderator holds is not.
func InQueue(me Member, c Case, now int64, who MemberLookup) bool {
	if CaseRefusal(ActClaim, me, c, now, who) == nil {
		return true
	}
	return me.HasRole(RoleModerator) && c.State == CaseStateClaimed && c.Moderator == me.ID
}

// ModerationQueue is the cases of cs in me's queue, unclaimed first, then
// oldest first.
func ModerationQueue(me Member, cs []Case, now int64, who MemberLookup) []Case {
	out := []Case{}
	for _, c := range cs {
		if InQueue(me, c, now, who) {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Case) int {
		ua, ub := a.State == CaseStateOpen, b.State == CaseStateOpen
		if ua != ub {
			if ua {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// QueueFor is the moderation queue of the member with key a, now; only
// moderators have one.
func (h *Hub) QueueFor(a Actor) (cs []Case, err error) {
	now := h.eng.Now().UnixMilli()
	err = h.View(func(r Reader) error {
		m, err := member(r, Env{Actor: a})
		if err != nil {
			return err
		}
		if !m.HasRole(RoleModerator) {
			return forbidden("only moderators have a queue")
		}
		cs = ModerationQueue(m, ListCases(r), now, lookupIn(r))
		return nil
	})
	return cs, err
}

// ActionsFor is what the member with key a may do on case id, now.
func (h *Hub) ActionsFor(a Actor, id uint64) (acts []CaseAct, err error) {
	now := h.eng.Now().UnixMilli()
	err = h.View(func(r Reader) error {
		m, c, err := memberAndCase(r, Env{Actor: a}, id)
		if err != nil {
			return err
		}
		acts = CaseActions(m, c, now, lookupIn(r))
		return nil
	})
	return acts, err
}

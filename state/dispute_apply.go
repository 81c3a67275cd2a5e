package state

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
)

// disputeAppliers fold dispute events. The recusal rule is enforced here as
// well as in the commands: no log, however produced, can show a party
// claiming, ruling on or judging their own case.
var disputeAppliers = []applier{
	on(applyCaseFiled),
	on(applyCaseWithdrawn),
	on(applyCaseStatement),
	on(applyCaseClaimed),
	on(applyCaseRecused),
	on(applyCaseRuled),
	on(applyCaseAppealed),
	on(applyJuryDrawn),
	on(applyJuryVoted),
	on(applyNote),
}

func applyCaseFiled(w Writer, ev Event, b *CaseFiled) error {
	if b.Case != nextID(w, "case") || b.Respondent == ev.Actor {
		return fmt.Errorf("case %d out of order", b.Case)
	}
	putJSON(w, idKey(prefixCase, b.Case), Case{ID: b.Case, Filer: ev.Actor, Respondent: b.Respondent, Category: b.Category,
		Title: b.Title, Statement: b.Statement, State: CaseStateOpen, Created: ev.Time})
	useID(w, "case", b.Case)
	return nil
}

func applyCaseWithdrawn(w Writer, ev Event, b *CaseWithdrawn) error {
	c, err := caseInState(w, b.Case, CaseStateOpen, CaseStateClaimed)
	if err != nil || c.Filer != ev.Actor {
		return fmt.Errorf("case %d cannot be withdrawn", b.Case)
	}
	c.State = CaseStateWithdrawn
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

func applyCaseStatement(w Writer, ev Event, b *CaseStatement) error {
	c, err := caseInState(w, b.Case)
	if err != nil || b.Statement != c.Evidence+1 {
		return fmt.Errorf("statement %d on case %d out of order", b.Statement, b.Case)
	}
	c.Evidence = b.Statement
	putJSON(w, evidenceKey(c.ID, b.Statement), Statement{ID: b.Statement, Author: ev.Actor, Body: b.Body, Time: ev.Time})
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

func applyCaseClaimed(w Writer, ev Event, b *CaseClaimed) error {
	c, err := caseInState(w, b.Case)
	m, _ := GetMember(w, ev.Actor)
	if err != nil || caseRule(ActClaim, m, c, ev.Time, lookupIn(w)) != nil {
		return fmt.Errorf("member %d may not claim case %d", ev.Actor, b.Case)
	}
	c.State, c.Moderator = CaseStateClaimed, ev.Actor
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

func applyCaseRecused(w Writer, ev Event, b *CaseRecused) error {
	c, err := caseInState(w, b.Case, CaseStateClaimed)
	if err != nil || c.Moderator != ev.Actor {
		return fmt.Errorf("case %d: only its moderator steps aside", b.Case)
	}
	c.State, c.Moderator, c.Recused = CaseStateOpen, 0, append(c.Recused, ev.Actor)
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

func applyCaseRuled(w Writer, ev Event, b *CaseRuled) error {
	c, err := caseInState(w, b.Case, CaseStateClaimed)
	m, _ := GetMember(w, ev.Actor)
	if err != nil || c.Moderator != ev.Actor || !m.HasRole(RoleModerator) || c.party(ev.Actor) || b.Outcome == OutcomeExpulsion {
		return fmt.Errorf("member %d may not rule %q on case %d", ev.Actor, b.Outcome, b.Case)
	}
	c.State, c.Outcome, c.Reason, c.SuspendDays, c.Ruled = CaseStateRuled, b.Outcome, b.Reason, b.SuspendDays, ev.Time
	if b.Outcome == OutcomeSuspension && (b.SuspendDays < 1 || b.SuspendDays > MaxSuspendDays) {
		return fmt.Errorf("case %d: suspension of %d days", c.ID, b.SuspendDays)
	}
	if b.Amount != 0 {
		if _, ok := GetAsset(w, b.Asset); !ok || b.Amount < 0 || b.Outcome != OutcomeRestitution {
			return fmt.Errorf("case %d: bad restitution", c.ID)
		}
	}
	// Within the cap the moderator orders the payout (the payout.created
	// that follows); above it the same command puts a spend proposal to
	// the members instead.
	if b.Amount != 0 && b.Amount <= RestitutionCapOf(w, b.Asset).Amount {
		c.Asset, c.Amount = b.Asset, b.Amount
	}
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

func applyCaseAppealed(w Writer, ev Event, b *CaseAppealed) error {
	c, err := caseInState(w, b.Case, CaseStateRuled)
	if err != nil || !c.party(ev.Actor) || ev.Time > c.Ruled+AppealWindowMS {
		return fmt.Errorf("case %d cannot be appealed", b.Case)
	}
	c.State, c.AppealSeq = CaseStateAppealed, ev.Seq
	putJSON(w, idKey(prefixCase, c.ID), c)
	setDue(w, 0, DueJury, c.ID)
	return nil
}

func applyJuryDrawn(w Writer, ev Event, b *JuryDrawn) error {
	c, err := caseInState(w, b.Case, CaseStateAppealed)
	if err != nil || c.JuryHeight != 0 || b.Height <= 0 {
		return fmt.Errorf("case %d has no jury to draw", b.Case)
	}
	seed, err := hex.DecodeString(b.Seed)
	if err != nil || len(seed) != 32 {
		return fmt.Errorf("case %d: bad jury seed", b.Case)
	}
	want := DrawJury([32]byte(seed), JuryPool(w, c, ev.Time), JurySize)
	if !slices.Equal(want, b.Jurors) {
		return fmt.Errorf("case %d: the jury is not the draw from its seed", b.Case)
	}
	c.Jury, c.JurySeed, c.JuryHeight = b.Jurors, b.Seed, b.Height
	clearDue(w, 0, DueJury, c.ID)
	if len(c.Jury) == 0 {
		// Nobody can serve (a tiny community): the ruling stands.
		c.State = CaseStateJuryRuled
	}
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

func applyJuryVoted(w Writer, ev Event, b *JuryVoted) error {
	c, err := caseInState(w, b.Case, CaseStateAppealed)
	if err != nil || !slices.Contains(c.Jury, ev.Actor) || c.party(ev.Actor) || !slices.Contains(Outcomes, b.Outcome) {
		return fmt.Errorf("member %d may not vote on case %d", ev.Actor, b.Case)
	}
	c.JuryVotes = slices.DeleteFunc(c.JuryVotes, func(v JuryVote) bool { return v.Juror == ev.Actor })
	c.JuryVotes = append(c.JuryVotes, JuryVote{Juror: ev.Actor, Outcome: b.Outcome})
	slices.SortFunc(c.JuryVotes, func(a, b JuryVote) int { return int(a.Juror) - int(b.Juror) })
	if o := juryMajority(c); o != "" {
		// The jury's word replaces the moderator's; its effect on the
		// respondent follows (see juryEffects).
		c.State, c.Outcome, c.JuryRuled = CaseStateJuryRuled, o, ev.Time
		if o == OutcomeSuspension && c.SuspendDays == 0 {
			// The moderator set no length: the jury's suspension
			// lasts the documented default.
			c.SuspendDays = JurySuspendDays
		}
	}
	putJSON(w, idKey(prefixCase, c.ID), c)
	return nil
}

// caseInState returns case id if it is in one of states (any, if none).
func caseInState(r Reader, id uint64, states ...string) (Case, error) {
	c, ok := GetCase(r, id)
	if !ok || (len(states) > 0 && !slices.Contains(states, c.State)) {
		return c, fmt.Errorf("case %d is not %v", id, states)
	}
	return c, nil
}

// expel is an expulsion's effect on member m, by case (0: by proposal).
func expel(w Writer, m Member, byCase uint64, now int64) {
	m.Expelled = true
	w.Set(prefixExpelled+strconv.FormatUint(m.ID, 10), []byte(strconv.FormatUint(byCase, 10)))
	w.Set(prefixGone+strconv.FormatUint(m.ID, 10), []byte("expelled"))
	censusLeft(w, m, now)
	putJSON(w, idKey(prefixMember, m.ID), m)
}

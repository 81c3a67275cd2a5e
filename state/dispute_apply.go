package state

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
)

// applyDispute folds dispute events. The recusal rule is enforced here as
// well as in the commands: no log, however produced, can show a party
// claiming, ruling on or judging their own case.
func applyDispute(w Writer, ev Event) (bool, error) {
	get := func(id uint64, states ...string) (Case, error) {
		c, ok := GetCase(w, id)
		if !ok || (len(states) > 0 && !slices.Contains(states, c.State)) {
			return c, fmt.Errorf("case %d is not %v", id, states)
		}
		return c, nil
	}
	switch b := ev.Body.(type) {
	case *CaseFiled:
		if b.Case != nextID(w, "case") || b.Respondent == ev.Actor {
			return true, fmt.Errorf("case %d out of order", b.Case)
		}
		putJSON(w, idKey(prefixCase, b.Case), Case{ID: b.Case, Filer: ev.Actor, Respondent: b.Respondent, Category: b.Category,
			Title: b.Title, Statement: b.Statement, State: CaseStateOpen, Created: ev.Time})
		useID(w, "case", b.Case)
	case *CaseWithdrawn:
		c, err := get(b.Case, CaseStateOpen, CaseStateClaimed)
		if err != nil || c.Filer != ev.Actor {
			return true, fmt.Errorf("case %d cannot be withdrawn", b.Case)
		}
		c.State = CaseStateWithdrawn
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *CaseStatement:
		c, err := get(b.Case)
		if err != nil || b.Statement != c.Evidence+1 {
			return true, fmt.Errorf("statement %d on case %d out of order", b.Statement, b.Case)
		}
		c.Evidence = b.Statement
		putJSON(w, evidenceKey(c.ID, b.Statement), Statement{ID: b.Statement, Author: ev.Actor, Body: b.Body, Time: ev.Time})
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *CaseClaimed:
		c, err := get(b.Case)
		m, _ := GetMember(w, ev.Actor)
		if err != nil || caseRule(ActClaim, m, c, ev.Time, lookupIn(w)) != nil {
			return true, fmt.Errorf("member %d may not claim case %d", ev.Actor, b.Case)
		}
		c.State, c.Moderator = CaseStateClaimed, ev.Actor
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *CaseRecused:
		c, err := get(b.Case, CaseStateClaimed)
		if err != nil || c.Moderator != ev.Actor {
			return true, fmt.Errorf("case %d: only its moderator steps aside", b.Case)
		}
		c.State, c.Moderator, c.Recused = CaseStateOpen, 0, append(c.Recused, ev.Actor)
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *CaseRuled:
		c, err := get(b.Case, CaseStateClaimed)
		m, _ := GetMember(w, ev.Actor)
		if err != nil || c.Moderator != ev.Actor || !m.HasRole(RoleModerator) || c.party(ev.Actor) || b.Outcome == OutcomeExpulsion {
			return true, fmt.Errorf("member %d may not rule %q on case %d", ev.Actor, b.Outcome, b.Case)
		}
		c.State, c.Outcome, c.Reason, c.SuspendDays, c.Ruled = CaseStateRuled, b.Outcome, b.Reason, b.SuspendDays, ev.Time
		if err := sanction(w, c, b.Outcome, ev.Time); err != nil {
			return true, err
		}
		if b.Amount != 0 {
			if _, ok := GetAsset(w, b.Asset); !ok || b.Amount < 0 || b.Outcome != OutcomeRestitution {
				return true, fmt.Errorf("case %d: bad restitution", c.ID)
			}
		}
		// Above the cap the same command puts a spend proposal to the
		// members instead of ordering the payout.
		if b.Amount != 0 && b.Amount <= RestitutionCapOf(w, b.Asset).Amount {
			// The ruling moderator is the order's author, so they cannot
			// also sign it.
			id := nextID(w, "payout")
			putJSON(w, idKey(prefixPayout, id), Payout{ID: id, Author: ev.Actor, To: c.Filer, Asset: b.Asset,
				Amount: b.Amount, Memo: fmt.Sprintf("restitution, case %d", c.ID), Needed: Policy(w).Signers,
				Signers: []uint64{}, Status: PayoutPending, Created: ev.Time})
			useID(w, "payout", id)
		}
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *CaseAppealed:
		c, err := get(b.Case, CaseStateRuled)
		if err != nil || !c.party(ev.Actor) || ev.Time > c.Ruled+AppealWindowMS {
			return true, fmt.Errorf("case %d cannot be appealed", b.Case)
		}
		c.State, c.AppealSeq = CaseStateAppealed, ev.Seq
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *JuryDrawn:
		c, err := get(b.Case, CaseStateAppealed)
		if err != nil || c.JuryHeight != 0 || b.Height <= 0 {
			return true, fmt.Errorf("case %d has no jury to draw", b.Case)
		}
		seed, err := hex.DecodeString(b.Seed)
		if err != nil || len(seed) != 32 {
			return true, fmt.Errorf("case %d: bad jury seed", b.Case)
		}
		want := DrawJury([32]byte(seed), JuryPool(w, c, ev.Time), JurySize)
		if !slices.Equal(want, b.Jurors) {
			return true, fmt.Errorf("case %d: the jury is not the draw from its seed", b.Case)
		}
		c.Jury, c.JurySeed, c.JuryHeight = b.Jurors, b.Seed, b.Height
		if len(c.Jury) == 0 {
			// Nobody can serve (a tiny community): the ruling stands.
			c.State = CaseStateJuryRuled
		}
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *JuryVoted:
		c, err := get(b.Case, CaseStateAppealed)
		if err != nil || !slices.Contains(c.Jury, ev.Actor) || c.party(ev.Actor) || !slices.Contains(Outcomes, b.Outcome) {
			return true, fmt.Errorf("member %d may not vote on case %d", ev.Actor, b.Case)
		}
		c.JuryVotes = slices.DeleteFunc(c.JuryVotes, func(v JuryVote) bool { return v.Juror == ev.Actor })
		c.JuryVotes = append(c.JuryVotes, JuryVote{Juror: ev.Actor, Outcome: b.Outcome})
		slices.SortFunc(c.JuryVotes, func(a, b JuryVote) int { return int(a.Juror) - int(b.Juror) })
		if o := juryMajority(c); o != "" {
			// The jury's word replaces the moderator's: lift a suspension
			// it did not uphold, then apply its own.
			if r, ok := GetMember(w, c.Respondent); ok && o != OutcomeSuspension {
				r.SuspendedUntil = 0
				putJSON(w, idKey(prefixMember, r.ID), r)
			}
			c.State, c.Outcome = CaseStateJuryRuled, o
			if o == OutcomeSuspension && c.SuspendDays == 0 {
				// The moderator set no length: the jury's suspension
				// lasts the documented default.
				c.SuspendDays = JurySuspendDays
			}
			if err := sanction(w, c, o, ev.Time); err != nil {
				return true, err
			}
		}
		putJSON(w, idKey(prefixCase, c.ID), c)
	case *CaseNoted:
		return true, applyNote(w, ev, b)
	default:
		return false, nil
	}
	return true, nil
}

// sanction applies an outcome's effect on the respondent.
func sanction(w Writer, c Case, outcome string, now int64) error {
	m, ok := GetMember(w, c.Respondent)
	if !ok {
		return nil // the respondent left; the ruling stands on record
	}
	switch outcome {
	case OutcomeSuspension:
		if c.SuspendDays < 1 || c.SuspendDays > MaxSuspendDays {
			return fmt.Errorf("case %d: suspension of %d days", c.ID, c.SuspendDays)
		}
		m.SuspendedUntil = now + int64(c.SuspendDays)*24*3600*1000
	case OutcomeExpulsion:
		if m.Gone() {
			return nil // left before the ruling; it stands on record
		}
		m.Expelled = true
		w.Set(prefixExpelled+strconv.FormatUint(m.ID, 10), []byte(strconv.FormatUint(c.ID, 10)))
		w.Set(prefixGone+strconv.FormatUint(m.ID, 10), []byte("expelled"))
		censusLeft(w, m, now)
	default:
		return nil
	}
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

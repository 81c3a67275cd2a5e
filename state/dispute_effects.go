package state

import (
	"fmt"
	"slices"
)

// A ruling changes the respondent (and the treasury) only through those
// domains' own events, which follow the case.ruled or the jury.voted that
// decided it in the same command: member.suspended, member.expelled,
// payout.created, each naming the case. Their appliers check the case
// against them with takeCaseEffect.

// rulingEffects is what a moderator's ruling does, as the events that
// follow its case.ruled: a suspension, or a restitution within the cap.
func rulingEffects(r Reader, cs Case, c Rule, now int64) []Body {
	switch c.Outcome {
	case OutcomeSuspension:
		if _, ok := GetMember(r, cs.Respondent); ok {
			return []Body{&MemberSuspended{Member: cs.Respondent, Case: cs.ID, Until: now + int64(c.SuspendDays)*dayMS}}
		}
	case OutcomeRestitution:
		if c.Amount != 0 && c.Amount <= RestitutionCapOf(r, c.Asset).Amount {
			// The ruling moderator is the order's author, so they
			// cannot also sign it.
			return []Body{&PayoutCreated{Payout: nextID(r, "payout"), Case: cs.ID, To: cs.Filer, Asset: c.Asset,
				Amount: c.Amount, Memo: restitutionMemo(cs.ID), Needed: Policy(r).Signers}}
		}
	}
	return nil
}

func restitutionMemo(id uint64) string { return fmt.Sprintf("restitution, case %d", id) }

// juryEffects is what the jury's verdict o on cs does, as the events that
// follow the jury.voted that reached it: its word replaces the
// moderator's, so a suspension it did not uphold is lifted, then its own
// applies.
func juryEffects(r Reader, cs Case, o string, now int64) []Body {
	m, ok := GetMember(r, cs.Respondent)
	if !ok {
		return nil
	}
	var out []Body
	if o != OutcomeSuspension && m.SuspendedUntil != 0 {
		out = append(out, &MemberSuspended{Member: m.ID, Case: cs.ID})
	}
	switch o {
	case OutcomeSuspension:
		days := cs.SuspendDays
		if days == 0 {
			days = JurySuspendDays
		}
		out = append(out, &MemberSuspended{Member: m.ID, Case: cs.ID, Until: now + int64(days)*dayMS})
	case OutcomeExpulsion:
		if !m.Gone() {
			out = append(out, &MemberExpelled{Member: m.ID, Case: cs.ID})
		}
	}
	return out
}

// withJuryVote is cs with juror's verdict o in place of their earlier one.
func withJuryVote(cs Case, juror uint64, o string) Case {
	cs.JuryVotes = slices.DeleteFunc(slices.Clone(cs.JuryVotes), func(v JuryVote) bool { return v.Juror == juror })
	cs.JuryVotes = append(cs.JuryVotes, JuryVote{Juror: juror, Outcome: o})
	return cs
}

// takeCaseEffect is the check every applier of a ruling's effect makes of
// the case its event names: ruled in this same command (by its moderator,
// at the event's time, or by its jury), with an outcome the event matches
// (as the applier judges; jury tells which ruling), and not yet taken
// for this ruling and event type. It marks the effect taken.
func takeCaseEffect(w Writer, ev Event, id uint64, matches func(c Case, jury bool) bool) (Case, error) {
	c, ok := GetCase(w, id)
	typ := ev.Body.EventType()
	var stage string
	switch {
	case ok && c.State == CaseStateRuled && c.Ruled == ev.Time:
		stage = "ruling"
	case ok && c.State == CaseStateJuryRuled && c.JuryRuled != 0 && c.JuryRuled == ev.Time:
		stage = "jury"
	default:
		return c, fmt.Errorf("%s: case %d was not ruled now", typ, id)
	}
	if !matches(c, stage == "jury") {
		return c, fmt.Errorf("%s is not what case %d ruled", typ, id)
	}
	key := idKey(prefixEffect+"case/", id) + "/" + stage + "/" + typ
	if _, done := w.Get(key); done {
		return c, fmt.Errorf("case %d: its %s has already taken effect", id, typ)
	}
	w.Set(key, []byte(typ))
	return c, nil
}

// applyMemberSuspended suspends (or, by a jury that did not uphold a
// suspension, lifts one) by a ruling on the case it names.
func applyMemberSuspended(w Writer, ev Event, b *MemberSuspended) error {
	m, ok := GetMember(w, b.Member)
	if !ok {
		return fmt.Errorf("unknown member %d", b.Member)
	}
	if _, err := takeCaseEffect(w, ev, b.Case, func(c Case, jury bool) bool {
		if c.Respondent != b.Member {
			return false
		}
		if c.Outcome == OutcomeSuspension {
			return c.SuspendDays >= 1 && c.SuspendDays <= MaxSuspendDays && b.Until == ev.Time+int64(c.SuspendDays)*dayMS
		}
		return jury && b.Until == 0
	}); err != nil {
		return err
	}
	m.SuspendedUntil = b.Until
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

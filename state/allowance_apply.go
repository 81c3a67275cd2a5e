package state

import "fmt"

// allowanceAppliers fold spending from an allowance and its new periods.
var allowanceAppliers = []applier{
	on(applyAllowanceSpent),
	on(applyAllowanceReset),
}

func applyAllowanceSpent(w Writer, ev Event, b *AllowanceSpent) error {
	a, ok := GetAllowance(w, b.Allowance)
	m, isMember := GetMember(w, ev.Actor)
	if !ok || !isMember || !a.holds(m) || b.Amount <= 0 || a.Spent+b.Amount > a.Amount {
		return fmt.Errorf("allowance %d cannot pay %d", b.Allowance, b.Amount)
	}
	if PeriodStart(a.Period, ev.Time) != a.PeriodStart {
		return fmt.Errorf("allowance %d spent outside its period", a.ID)
	}
	e := Entry{ID: b.Entry, Kind: EntryAllowance, Member: m.ID, Asset: a.Asset, Amount: b.Amount, Memo: b.Memo,
		Allowance: a.ID, By: m.ID, Time: ev.Time, Seq: ev.Seq,
		Lines: []Line{{"treasury", -b.Amount}, {memberAccount(m.ID, "out"), b.Amount}}}
	if err := addEntry(w, e); err != nil {
		return err
	}
	a.Spent += b.Amount
	putJSON(w, idKey(prefixAllowance, a.ID), a)
	return nil
}

func applyAllowanceReset(w Writer, ev Event, b *AllowanceReset) error {
	a, ok := GetAllowance(w, b.Allowance)
	if !ok || b.Start <= a.PeriodStart || b.Start != PeriodStart(a.Period, ev.Time) {
		return fmt.Errorf("allowance %d: bad reset", b.Allowance)
	}
	a.PeriodStart, a.Spent = b.Start, 0
	putJSON(w, idKey(prefixAllowance, a.ID), a)
	return nil
}

// grantAllowance is a passed spend proposal with a period.
func grantAllowance(w Writer, p Proposal, now int64) {
	id := nextID(w, "allowance")
	putJSON(w, idKey(prefixAllowance, id), Allowance{ID: id, Proposal: p.ID, Member: p.Action.Member, Role: p.Action.Role,
		Asset: p.Action.Asset, Amount: p.Action.Amount, Period: p.Action.Period, PeriodStart: PeriodStart(p.Action.Period, now)})
	useID(w, "allowance", id)
}

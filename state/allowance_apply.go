package state

import "fmt"

// allowanceAppliers fold spending from an allowance and its new periods.
var allowanceAppliers = []applier{
	on(applyAllowanceGranted),
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
	clearDue(w, nextPeriod(a.Period, a.PeriodStart), DueAllowance, a.ID)
	a.PeriodStart, a.Spent = b.Start, 0
	putJSON(w, idKey(prefixAllowance, a.ID), a)
	setDue(w, nextPeriod(a.Period, a.PeriodStart), DueAllowance, a.ID)
	return nil
}

// applyAllowanceGranted grants the allowance a spend proposal with a period
// decided.
func applyAllowanceGranted(w Writer, ev Event, b *AllowanceGranted) error {
	if _, ok := GetAllowance(w, b.Allowance); ok || b.Allowance != nextID(w, "allowance") {
		return fmt.Errorf("allowance %d out of order", b.Allowance)
	}
	if _, ok := GetAsset(w, b.Asset); !ok || b.Amount <= 0 || b.Start != PeriodStart(b.Period, ev.Time) {
		return fmt.Errorf("allowance %d is not an allowance the treasury grants", b.Allowance)
	}
	if _, err := takeEffect(w, ev, b.Proposal, KindSpend, func(a Action) bool {
		return a.Period == b.Period && a.Member == b.Member && a.Role == b.Role && a.Asset == b.Asset && a.Amount == b.Amount
	}); err != nil {
		return err
	}
	putJSON(w, idKey(prefixAllowance, b.Allowance), Allowance{ID: b.Allowance, Proposal: b.Proposal, Member: b.Member,
		Role: b.Role, Asset: b.Asset, Amount: b.Amount, Period: b.Period, PeriodStart: b.Start})
	useID(w, "allowance", b.Allowance)
	setDue(w, nextPeriod(b.Period, b.Start), DueAllowance, b.Allowance)
	return nil
}

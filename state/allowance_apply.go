package state

import "fmt"

func applyAllowance(w Writer, ev Event) (bool, error) {
	switch b := ev.Body.(type) {
	case *AllowanceSpent:
		a, ok := GetAllowance(w, b.Allowance)
		m, isMember := GetMember(w, ev.Actor)
		if !ok || !isMember || !a.holds(m) || b.Amount <= 0 || a.Spent+b.Amount > a.Amount {
			return true, fmt.Errorf("allowance %d cannot pay %d", b.Allowance, b.Amount)
		}
		if PeriodStart(a.Period, ev.Time) != a.PeriodStart {
			return true, fmt.Errorf("allowance %d spent outside its period", a.ID)
		}
		e := Entry{ID: b.Entry, Kind: EntryAllowance, Member: m.ID, Asset: a.Asset, Amount: b.Amount, Memo: b.Memo,
			Allowance: a.ID, By: m.ID, Time: ev.Time, Seq: ev.Seq,
			Lines: []Line{{"treasury", -b.Amount}, {memberAccount(m.ID, "out"), b.Amount}}}
		if err := addEntry(w, e); err != nil {
			return true, err
		}
		a.Spent += b.Amount
		putJSON(w, idKey(prefixAllowance, a.ID), a)
	case *AllowanceReset:
		a, ok := GetAllowance(w, b.Allowance)
		if !ok || b.Start <= a.PeriodStart || b.Start != PeriodStart(a.Period, ev.Time) {
			return true, fmt.Errorf("allowance %d: bad reset", b.Allowance)
		}
		a.PeriodStart, a.Spent = b.Start, 0
		putJSON(w, idKey(prefixAllowance, a.ID), a)
	default:
		return applyHousing(w, ev)
	}
	return true, nil
}

// grantAllowance is a passed spend proposal with a period.
func grantAllowance(w Writer, p Proposal, now int64) {
	id := nextID(w, "allowance")
	putJSON(w, idKey(prefixAllowance, id), Allowance{ID: id, Proposal: p.ID, Member: p.Action.Member, Role: p.Action.Role,
		Asset: p.Action.Asset, Amount: p.Action.Amount, Period: p.Action.Period, PeriodStart: PeriodStart(p.Action.Period, now)})
	useID(w, "allowance", id)
}

package state

import "testing"

func TestDaysAndBeds(t *testing.T) {
	s := Space{Beds: 2, Blackouts: []DateSpan{{From: "2026-12-14", To: "2026-12-16"}}}
	for _, tc := range []struct {
		date   string
		closed bool
	}{{"2026-12-13", false}, {"2026-12-14", true}, {"2026-12-15", true}, {"2026-12-16", false}} {
		d, err := DayNum(tc.date)
		if err != nil || DayDate(d) != tc.date {
			t.Fatalf("%s: %d %v", tc.date, d, err)
		}
		if s.ClosedOn(d) != tc.closed {
			t.Errorf("%s: closed %v, want %v", tc.date, !tc.closed, tc.closed)
		}
	}
	if d, _ := DayNum("2026-11-30"); Weekday(d) != 0 || Weekday(d+6) != 6 {
		t.Errorf("2026-11-30 is a Monday: %d", Weekday(d))
	}
	if n := (Booking{From: "2026-12-30", To: "2027-01-02"}).Nights(); n != 3 {
		t.Errorf("nights %d", n)
	}
	if n := (Booking{From: "bad", To: "2027-01-02"}).Nights(); n != 0 {
		t.Errorf("nights of a bad date %d", n)
	}
	for _, st := range []string{BookConfirmed, BookPending, BookWaitlisted, BookCancelled, BookDeclined} {
		if want := st == BookConfirmed || st == BookPending; (Booking{Status: st}).HoldsBeds() != want {
			t.Errorf("%s holds beds: %v", st, !want)
		}
	}
	if s.FreeBeds(1) != 1 || s.FreeBeds(3) != 0 || (Space{Beds: 2, Retired: true}).FreeBeds(0) != 0 {
		t.Error("free beds")
	}
}

package state

import "time"

// Days, beds and closures as the hub counts them, exported so that the
// doors show what Book checks rather than a copy of it: the app's calendar
// and the commands read these, never their own arithmetic.

// DayNum is the day number (days since 1970-01-01) of a YYYY-MM-DD date.
func DayNum(date string) (int, error) { return dayNum(date) }

// DayDate is day n as YYYY-MM-DD.
func DayDate(n int) string { return dayDate(n) }

// DayTime is midnight UTC at the start of day n: calendars read its
// month, day of the month and weekday.
func DayTime(n int) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// Weekday is 0 for Monday through 6 for Sunday: calendars start weeks on
// Monday.
func Weekday(n int) int { return (int(DayTime(n).Weekday()) + 6) % 7 }

// HoldsBeds reports whether a booking occupies its beds: confirmed, or
// pending a steward's approval.
func (b Booking) HoldsBeds() bool { return b.holds() }

// Nights is how many nights a booking covers (0 for dates the hub would
// never store).
func (b Booking) Nights() int {
	f, err1 := dayNum(b.From)
	t, err2 := dayNum(b.To)
	if err1 != nil || err2 != nil || t < f {
		return 0
	}
	return t - f
}

// ClosedOn reports whether night day falls in one of the space's
// blackouts.
func (s Space) ClosedOn(day int) bool {
	_, closed := s.closure(day, 1)
	return closed
}

// closure is the first blackout with a night in [first, first+nights).
func (s Space) closure(first, nights int) (DateSpan, bool) {
	for _, b := range s.Blackouts {
		bf, err1 := dayNum(b.From)
		bt, err2 := dayNum(b.To)
		if err1 == nil && err2 == nil && first < bt && bf < first+nights {
			return b, true
		}
	}
	return DateSpan{}, false
}

// FreeBeds is how many beds are free at s on a night on which held are
// held: none once it is retired.
func (s Space) FreeBeds(held int) int {
	if s.Retired {
		return 0
	}
	return max(s.Beds-held, 0)
}

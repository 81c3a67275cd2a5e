package state

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDayNum: the date parser behind every booking and blackout accepts
// only canonical YYYY-MM-DD dates, which survive the trip to a day number
// and back unchanged; anything else is one clean line of error.
func FuzzDayNum(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		n, err := dayNum(s)
		if err != nil {
			msg := err.Error()
			// The date is quoted, cut to 20 bytes: at most 80 characters
			// even if every byte needs an escape.
			if strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) || len(msg) > 128 {
				t.Fatalf("error is not one short clean line: %q", msg)
			}
			return
		}
		if back := dayDate(n); back != s {
			t.Fatalf("dayNum(%q) = %d, which is %q", s, n, back)
		}
	})
}

// FuzzStayNights: any pair of strings as a stay's dates gives a stay of 1 to
// 366 nights starting on from, or an error.
func FuzzStayNights(f *testing.F) {
	f.Fuzz(func(t *testing.T, from, to string) {
		first, nights, err := stayNights(from, to)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if nights < 1 || nights > 366 {
			t.Fatalf("stayNights(%q, %q) = %d nights", from, to, nights)
		}
		if dayDate(first) != from || dayDate(first+nights) != to {
			t.Fatalf("stayNights(%q, %q) = %d+%d", from, to, first, nights)
		}
	})
}

// FuzzToday: a space's stored zone and any event time give a day, never a
// panic, whatever the zone string holds.
func FuzzToday(f *testing.F) {
	f.Fuzz(func(t *testing.T, tz string, now int64) {
		d := Today(tz, now)
		if _, err := dayNum(dayDate(d)); err != nil && now > 0 && now < 1<<50 {
			t.Fatalf("Today(%q, %d) = %d, not a date: %v", tz, now, d, err)
		}
	})
}

package state

import (
	"fmt"

	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/state/zones"
)

// stayNights checks a requested stay's dates and returns its first night
// and its number of nights.
func stayNights(from, to string) (first, nights int, err error) {
	f, err := dayNum(from)
	if err != nil {
		return 0, 0, err
	}
	t, err := dayNum(to)
	if err != nil {
		return 0, 0, err
	}
	if t <= f {
		return 0, 0, fmt.Errorf("check-out %s must be after arrival %s", to, from)
	}
	if t-f > 366 {
		return 0, 0, fmt.Errorf("a stay is at most 366 nights")
	}
	return f, t - f, nil
}

// fullNight is the first night in [first, first+nights) on which beds more
// would exceed capacity, or -1.
func fullNight(r Reader, s Space, first, nights, beds int) int {
	for d := first; d < first+nights; d++ {
		if BedsHeld(r, s.ID, d)+beds > s.Beds {
			return d
		}
	}
	return -1
}

// stayRules checks notice, length, blackouts and the member's monthly quota
// for a stay; capacity is separate, because a stay that breaks no rule but
// does not fit may wait on the waitlist.
func stayRules(r Reader, s Space, member uint64, first, nights, beds int, today int) error {
	switch {
	case s.Retired:
		return fmt.Errorf("space %d is retired", s.ID)
	case first < today:
		return fmt.Errorf("%s is in the past (today is %s in %s)", dayDate(first), dayDate(today), s.TZ)
	case beds < 1 || beds > s.Beds:
		return fmt.Errorf("beds must be between 1 and %d", s.Beds)
	case s.MinNotice > 0 && first-today < s.MinNotice:
		return fmt.Errorf("notice: book at least %d days ahead", s.MinNotice)
	case s.MaxNotice > 0 && first-today > s.MaxNotice:
		return fmt.Errorf("notice: book at most %d days ahead", s.MaxNotice)
	case s.MaxNights > 0 && nights > s.MaxNights:
		return fmt.Errorf("a stay here is at most %d nights", s.MaxNights)
	}
	if b, closed := s.closure(first, nights); closed {
		return fmt.Errorf("blackout: the space is closed %s to %s", b.From, b.To)
	}
	if s.QuotaNights > 0 {
		used := map[string]int{}
		for _, b := range ListBookings(r) {
			if b.Member != member || b.Space != s.ID || !b.holds() {
				continue
			}
			bf, _ := dayNum(b.From)
			bt, _ := dayNum(b.To)
			for d := bf; d < bt; d++ {
				used[dayDate(d)[:7]]++
			}
		}
		for d := first; d < first+nights; d++ {
			month := dayDate(d)[:7]
			used[month]++
			if used[month] > s.QuotaNights {
				return fmt.Errorf("quota exceeded: at most %d nights per month here (%s)", s.QuotaNights, month)
			}
		}
	}
	return nil
}

// checkSpace validates a space's settings.
func checkSpace(s Space) error {
	if err := sanitize.Check("space name", s.Name, 60, false, true); err != nil {
		return err
	}
	if err := sanitize.Check("city", s.City, 60, false, false); err != nil {
		return err
	}
	if CheckCountry(s.Country) != nil {
		return fmt.Errorf("country must be a two-letter code like PT, from ISO 3166")
	}
	if s.Beds < 1 || s.Beds > 1000 {
		return fmt.Errorf("beds must be between 1 and 1000")
	}
	if !zones.Valid(s.TZ) {
		return fmt.Errorf("time zone %q is not an IANA zone like Europe/Lisbon", truncate(s.TZ, 40))
	}
	if err := sanitize.Check("house rules", s.Rules, 10000, true, false); err != nil {
		return err
	}
	if s.MinNotice < 0 || s.MaxNotice < 0 || s.MaxNights < 0 || s.QuotaNights < 0 || s.MinNotice > 3650 || s.MaxNotice > 3650 {
		return fmt.Errorf("notice, stay length and quota must not be negative")
	}
	if s.MaxNotice > 0 && s.MaxNotice < s.MinNotice {
		return fmt.Errorf("maximum notice is shorter than the minimum")
	}
	for _, b := range s.Blackouts {
		if _, _, err := stayNights(b.From, b.To); err != nil {
			return fmt.Errorf("blackout: %v", err)
		}
	}
	return nil
}

package tui

import (
	"cmp"
	"slices"
	"time"

	"github.com/polis-hub/polis/state"
)

// housingData is every space and booking as one consistent read. It is
// shared by every session (see sharedRead), so nothing may modify it.
type housingData struct {
	spaces   []state.Space   // by id
	bookings []state.Booking // by id
	// held is the beds held per space and night (day number), by the
	// bookings that hold beds: confirmed and pending.
	held map[uint64]map[int]int
}

// readHousing reads spaces, bookings and the beds held each night in one
// view.
func readHousing(hub *state.Hub) (*housingData, error) {
	d := &housingData{held: map[uint64]map[int]int{}}
	err := hub.View(func(r state.Reader) error {
		d.spaces = state.ListSpaces(r)
		d.bookings = state.ListBookings(r)
		// The nights are read from the state's own counters, not summed
		// from the bookings, so the calendar shows what Book will check.
		for _, b := range d.bookings {
			if !holdsBeds(b) {
				continue
			}
			from, ok1 := dayOf(b.From)
			to, ok2 := dayOf(b.To)
			if !ok1 || !ok2 {
				continue
			}
			m := d.held[b.Space]
			if m == nil {
				m = map[int]int{}
				d.held[b.Space] = m
			}
			for day := from; day < to && day < from+400; day++ {
				if _, seen := m[day]; !seen {
					m[day] = state.BedsHeld(r, b.Space, day)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(d.spaces, func(a, b state.Space) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.bookings, func(a, b state.Booking) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

// holdsBeds reports whether a booking occupies its beds.
func holdsBeds(b state.Booking) bool {
	return b.Status == state.BookConfirmed || b.Status == state.BookPending
}

func (d *housingData) space(id uint64) (state.Space, bool) {
	i, ok := slices.BinarySearchFunc(d.spaces, id, func(s state.Space, id uint64) int { return cmp.Compare(s.ID, id) })
	if !ok {
		return state.Space{}, false
	}
	return d.spaces[i], true
}

// free is how many beds are free at a space on a night (0 when retired).
func (d *housingData) free(s *state.Space, day int) int {
	if s.Retired {
		return 0
	}
	return max(s.Beds-d.held[s.ID][day], 0)
}

// blackout reports whether a night falls in one of the space's closures.
func blackout(s *state.Space, day int) bool {
	for _, b := range s.Blackouts {
		f, ok1 := dayOf(b.From)
		t, ok2 := dayOf(b.To)
		if ok1 && ok2 && f <= day && day < t {
			return true
		}
	}
	return false
}

// Day numbers count calendar days from 1970-01-01, as in state.

const dateLayout = "2006-01-02"

func dayOf(date string) (int, bool) {
	t, err := time.Parse(dateLayout, date)
	if err != nil {
		return 0, false
	}
	return int(t.Unix() / 86400), true
}

func dayTime(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func dateOf(d int) string { return dayTime(d).Format(dateLayout) }

// longDate is a day for people: "Tue 1 Dec 2026".
func longDate(d int) string { return dayTime(d).Format("Mon 2 Jan 2006") }

// monthStart is the first day of the month day d is in.
func monthStart(d int) int { return d - dayTime(d).Day() + 1 }

// monthLen is how many days the month of day d has.
func monthLen(d int) int {
	t := dayTime(d)
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// addMonths moves d by n months, keeping the day of the month where the
// target month has it.
func addMonths(d, n int) int {
	t := dayTime(d)
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return int(first.Unix()/86400) + min(t.Day(), last) - 1
}

// weekday is 0 for Monday through 6 for Sunday.
func weekday(d int) int { return (int(dayTime(d).Weekday()) + 6) % 7 }

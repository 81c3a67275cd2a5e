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
			if !b.HoldsBeds() {
				continue
			}
			from, err1 := state.DayNum(b.From)
			to, err2 := state.DayNum(b.To)
			if err1 != nil || err2 != nil {
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

func (d *housingData) space(id uint64) (state.Space, bool) {
	i, ok := slices.BinarySearchFunc(d.spaces, id, func(s state.Space, id uint64) int { return cmp.Compare(s.ID, id) })
	if !ok {
		return state.Space{}, false
	}
	return d.spaces[i], true
}

// free is how many beds are free at a space on a night (0 when retired).
func (d *housingData) free(s *state.Space, day int) int { return s.FreeBeds(d.held[s.ID][day]) }

// Calendars lay days out from state's day numbers (state.DayNum).

func dayTime(d int) time.Time { return state.DayTime(d) }

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

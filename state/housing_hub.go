package state

import (
	"fmt"
	"strings"
)

// SpaceView is a space with its free beds tonight (in its own zone).
type SpaceView struct {
	Space
	FreeTonight int `json:"free_tonight"`
}

// Night is one night's availability at a space.
type Night struct {
	Date string `json:"date"`
	Held int    `json:"held"`
	Free int    `json:"free"`
	// Closed is a night in one of the space's blackouts: no stay may
	// include it, whatever is free.
	Closed bool `json:"closed,omitempty"`
}

// Spaces lists every space with tonight's free beds.
func (h *Hub) Spaces() (out []SpaceView, err error) {
	now := h.eng.Now().UnixMilli()
	err = h.View(func(r Reader) error {
		for _, s := range ListSpaces(r) {
			out = append(out, SpaceView{Space: s, FreeTonight: s.FreeBeds(BedsHeld(r, s.ID, Today(s.TZ, now)))})
		}
		return nil
	})
	return out, err
}

// Availability returns each night in [from, to) at a space; with empty
// dates, the next 14 nights from today in the space's zone.
func (h *Hub) Availability(space uint64, from, to string) (s Space, nights []Night, err error) {
	now := h.eng.Now().UnixMilli()
	err = h.View(func(r Reader) error {
		var ok bool
		if s, ok = GetSpace(r, space); !ok {
			return notFound("no space %d", space)
		}
		first, n := Today(s.TZ, now), 14
		if from != "" || to != "" {
			var err error
			if first, n, err = stayNights(from, to); err != nil {
				return fmt.Errorf("%s", strings.Replace(err.Error(), "a stay is", "a calendar shows", 1))
			}
		}
		for d := first; d < first+n; d++ {
			held := BedsHeld(r, s.ID, d)
			nights = append(nights, Night{Date: dayDate(d), Held: held, Free: s.FreeBeds(held), Closed: s.ClosedOn(d)})
		}
		return nil
	})
	return s, nights, err
}

// BookingsOf lists a member's bookings.
func (h *Hub) BookingsOf(member uint64) (out []Booking, err error) {
	err = h.View(func(r Reader) error {
		for _, b := range ListBookings(r) {
			if b.Member == member {
				out = append(out, b)
			}
		}
		return nil
	})
	return out, err
}

// BookingsAt lists a space's bookings, optionally only with one status.
func (h *Hub) BookingsAt(space uint64, status string) (out []Booking, err error) {
	err = h.View(func(r Reader) error {
		if _, ok := GetSpace(r, space); !ok && space != 0 {
			return notFound("no space %d", space)
		}
		for _, b := range ListBookings(r) {
			if (space == 0 || b.Space == space) && (status == "" || b.Status == status) {
				out = append(out, b)
			}
		}
		return nil
	})
	return out, err
}

// Describe says a booking in words, for receipts and errors.
func (b Booking) Describe(s Space) string {
	return fmt.Sprintf("%d bed(s) at %s, %s to %s (%s)", b.Beds, s.Name, b.From, b.To, b.Status)
}

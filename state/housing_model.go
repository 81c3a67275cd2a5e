package state

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/polis-hub/polis/state/zones"
)

// Space is a shared flat or house with beds.
type Space struct {
	ID            uint64     `json:"id"`
	Name          string     `json:"name"`
	City          string     `json:"city,omitempty"`
	Country       string     `json:"country,omitempty"` // ISO 3166 alpha-2
	Beds          int        `json:"beds"`
	TZ            string     `json:"tz"` // IANA zone; dates are calendar dates there
	Rules         string     `json:"rules,omitempty"`
	NeedsApproval bool       `json:"needs_approval,omitempty"`
	MinNotice     int        `json:"min_notice,omitempty"`   // days before arrival, at least
	MaxNotice     int        `json:"max_notice,omitempty"`   // days before arrival, at most (0: any)
	MaxNights     int        `json:"max_nights,omitempty"`   // per stay (0: any)
	QuotaNights   int        `json:"quota_nights,omitempty"` // per member per calendar month (0: none)
	Blackouts     []DateSpan `json:"blackouts,omitempty"`
	Retired       bool       `json:"retired,omitempty"`
}

// DateSpan is the nights [From, To): the To day is the check-out, not a
// night.
type DateSpan struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Booking statuses.
const (
	BookConfirmed  = "confirmed"
	BookPending    = "pending" // waits for a steward; holds its beds
	BookWaitlisted = "waitlisted"
	BookCancelled  = "cancelled"
	BookDeclined   = "declined"
)

// Booking is a stay of Beds beds for the nights [From, To).
type Booking struct {
	ID      uint64 `json:"id"`
	Space   uint64 `json:"space"`
	Member  uint64 `json:"member"`
	From    string `json:"from"`
	To      string `json:"to"`
	Beds    int    `json:"beds"`
	Status  string `json:"status"`
	Created int64  `json:"created"`
	Seq     uint64 `json:"seq"`
	// Updated is the time of the last change of status (0: none since it
	// was requested); calendars show it as the stay's last revision.
	Updated int64 `json:"updated,omitempty"`
	// Signed: the request carries the member's own signature (member-signed
	// acts), so the app can mark it without reading the event.
	Signed bool `json:"signed,omitempty"`
}

// holds reports whether a booking occupies its beds.
func (b Booking) holds() bool { return b.Status == BookConfirmed || b.Status == BookPending }

const (
	prefixSpace   = "s/space/"
	prefixBooking = "s/booking/"
	prefixNight   = "s/night/" // s/night/<space>/<day>: beds held that night
)

const dateLayout = "2006-01-02"

// Day numbers count calendar days from 1970-01-01, so nights compare and
// iterate as integers; they are zone-free once the date is known.
func dayNum(date string) (int, error) {
	t, err := time.Parse(dateLayout, date)
	if err != nil || t.Format(dateLayout) != date {
		return 0, fmt.Errorf("date %q is not YYYY-MM-DD", truncate(date, 20))
	}
	return int(t.Unix() / 86400), nil
}

func dayDate(n int) string { return time.Unix(int64(n)*86400, 0).UTC().Format(dateLayout) }

// Today is the calendar day in zone tz at unix ms now, by the pinned zone
// rules (state/zones), never the system's.
func Today(tz string, now int64) int {
	loc, err := zones.Load(tz)
	if err != nil {
		loc = time.UTC
	}
	t := time.UnixMilli(now).In(loc)
	n, _ := dayNum(t.Format(dateLayout))
	return n
}

func nightKey(space uint64, day int) string {
	return fmt.Sprintf("%s%012d/%08d", prefixNight, space, day)
}

// BedsHeld is how many beds are held on a night.
func BedsHeld(r Reader, space uint64, day int) int {
	b, ok := r.Get(nightKey(space, day))
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		panic(corruptError{key: nightKey(space, day), err: err})
	}
	return n
}

func addBeds(w Writer, space uint64, day, delta int) {
	n := BedsHeld(w, space, day) + delta
	if n == 0 {
		w.Delete(nightKey(space, day))
		return
	}
	w.Set(nightKey(space, day), []byte(strconv.Itoa(n)))
}

// GetSpace returns space id.
func GetSpace(r Reader, id uint64) (Space, bool) {
	var s Space
	ok := getJSON(r, idKey(prefixSpace, id), &s)
	return s, ok
}

// ListSpaces returns every space.
func ListSpaces(r Reader) []Space {
	var out []Space
	r.Scan(prefixSpace, func(k string, v []byte) bool {
		var s Space
		if err := json.Unmarshal(v, &s); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, s)
		return true
	})
	return out
}

// GetBooking returns booking id.
func GetBooking(r Reader, id uint64) (Booking, bool) {
	var b Booking
	ok := getJSON(r, idKey(prefixBooking, id), &b)
	return b, ok
}

// ListBookings returns every booking in ID order.
func ListBookings(r Reader) []Booking {
	var out []Booking
	r.Scan(prefixBooking, func(k string, v []byte) bool {
		var b Booking
		if err := json.Unmarshal(v, &b); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, b)
		return true
	})
	return out
}

// prefixWait indexes waitlisted bookings by space, in booking order:
// s/wait/<space>/<booking>. A cancellation looks for stays to promote in
// its own space's waitlist instead of decoding every booking ever made.
const prefixWait = "s/wait/"

func waitKey(space, booking uint64) string {
	return fmt.Sprintf("%s%012d/%012d", prefixWait, space, booking)
}

// bookingStatusChanged keeps what follows a booking's status: the census
// counters and the waitlist index.
func bookingStatusChanged(w Writer, before string, bk Booking) {
	censusBooking(w, before, bk)
	switch {
	case before != BookWaitlisted && bk.Status == BookWaitlisted:
		w.Set(waitKey(bk.Space, bk.ID), []byte{})
	case before == BookWaitlisted && bk.Status != BookWaitlisted:
		w.Delete(waitKey(bk.Space, bk.ID))
	}
}

// waitlisted lists a space's waitlisted bookings in booking order.
func waitlisted(r Reader, space uint64) (out []Booking) {
	prefix := fmt.Sprintf("%s%012d/", prefixWait, space)
	r.Scan(prefix, func(k string, _ []byte) bool {
		id, err := strconv.ParseUint(k[len(prefix):], 10, 64)
		if err != nil {
			panic(corruptError{key: k, err: err})
		}
		if bk, ok := GetBooking(r, id); ok {
			out = append(out, bk)
		}
		return true
	})
	return out
}

package state

import "strconv"

func addCount(w Writer, key string, delta int64) {
	n := getCount(w, key) + delta
	if n == 0 {
		w.Delete(key)
		return
	}
	w.Set(key, []byte(strconv.FormatInt(n, 10)))
}

// censusJoined counts a new member.
func censusJoined(w Writer, now int64) { addCount(w, prefixJoinedM+month(now), 1) }

// censusLeft takes a member who stops counting out of every live figure.
func censusLeft(w Writer, m Member, now int64) {
	addCount(w, prefixLeftM+month(now), 1)
	if m.Country != "" {
		addCount(w, prefixCountry+m.Country, -1)
	}
	if b, ok := w.Get(idKey(prefixLastAct, m.ID)); ok {
		d, _ := strconv.Atoi(string(b))
		addCount(w, dayKey(prefixActDay, d), -1)
		w.Delete(idKey(prefixLastAct, m.ID))
	}
}

// censusCountry moves a member from one declared country to another.
func censusCountry(w Writer, from, to string) {
	if from != "" {
		addCount(w, prefixCountry+from, -1)
	}
	if to != "" {
		addCount(w, prefixCountry+to, 1)
	}
}

// censusActive notes that member took part at time now. At most one
// write set per member per day, so voting all day costs nothing extra.
func censusActive(w Writer, member uint64, now int64) {
	if member == 0 {
		return
	}
	// The common case, a member active again the same day, reads one key.
	day := dayOf(now)
	key := idKey(prefixLastAct, member)
	b, seen := w.Get(key)
	if seen {
		if old, _ := strconv.Atoi(string(b)); old >= day {
			return
		}
	}
	if _, gone := w.Get(prefixGone + strconv.FormatUint(member, 10)); gone {
		return
	}
	if _, ok := w.Get(idKey(prefixMember, member)); !ok {
		return
	}
	if seen {
		old, _ := strconv.Atoi(string(b))
		addCount(w, dayKey(prefixActDay, old), -1)
	}
	addCount(w, dayKey(prefixActDay, day), 1)
	w.Set(key, []byte(strconv.Itoa(day)))
}

// isActivity says which events count as taking part: voting, booking,
// contributing, pledging.
func isActivity(b Body) bool {
	switch b.(type) {
	case *VoteCast, *BookingRequested, *Contributed, *Pledged:
		return true
	}
	return false
}

// censusBooking counts confirmed bed-nights as a booking's status moves.
func censusBooking(w Writer, before string, bk Booking) {
	was, is := before == BookConfirmed, bk.Status == BookConfirmed
	if was == is {
		return
	}
	sign := int64(1)
	if was {
		sign = -1
	}
	first, nights, err := stayNights(bk.From, bk.To)
	if err != nil {
		panic(corruptError{key: idKey(prefixBooking, bk.ID), err: err})
	}
	for d := first; d < first+nights; d++ {
		addCount(w, dayKey(prefixBNDay, d), sign*int64(bk.Beds))
		addCount(w, prefixBNMonth+dayMonth(d), sign*int64(bk.Beds))
	}
}

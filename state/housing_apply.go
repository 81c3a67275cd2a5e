package state

import "fmt"

// housingAppliers fold housing events. They re-check capacity, so a forged
// log that overbooks a night fails verification.
var housingAppliers = []applier{
	on(applySpaceAdded),
	on(applySpaceRetired),
	on(applyBookingRequested),
	on(applyBookingCancelled),
	on(applyBookingDecided),
	on(applyBookingPromoted),
}

func applySpaceAdded(w Writer, ev Event, b *SpaceAdded) error {
	s := b.Space
	if _, ok := GetSpace(w, s.ID); ok || s.ID != nextID(w, "space") {
		return fmt.Errorf("space %d out of order", s.ID)
	}
	if err := checkSpace(s); err != nil {
		return err
	}
	if b.Proposal != 0 {
		if _, err := takeEffect(w, ev, b.Proposal, KindSpace, func(a Action) bool {
			if a.Space == nil {
				return false
			}
			want := *a.Space
			want.ID = s.ID
			return sameJSON(want, s)
		}); err != nil {
			return err
		}
	} else if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not add spaces", ev.Actor)
	}
	putJSON(w, idKey(prefixSpace, s.ID), s)
	useID(w, "space", s.ID)
	return nil
}

func applySpaceRetired(w Writer, ev Event, b *SpaceRetired) error {
	s, ok := GetSpace(w, b.Space)
	if !ok || s.Retired {
		return fmt.Errorf("space %d cannot be retired", b.Space)
	}
	if b.Proposal != 0 {
		if _, err := takeEffect(w, ev, b.Proposal, KindSpace, func(a Action) bool { return a.Retire == b.Space }); err != nil {
			return err
		}
	} else if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not retire spaces", ev.Actor)
	}
	s.Retired = true
	putJSON(w, idKey(prefixSpace, s.ID), s)
	return nil
}

func applyBookingRequested(w Writer, ev Event, b *BookingRequested) error {
	s, ok := GetSpace(w, b.Space)
	if !ok || b.Booking != nextID(w, "booking") {
		return fmt.Errorf("booking %d out of order", b.Booking)
	}
	bk := Booking{ID: b.Booking, Space: s.ID, Member: ev.Actor, From: b.From, To: b.To, Beds: b.Beds,
		Status: b.Status, Created: ev.Time, Seq: ev.Seq, Signed: b.Sig != ""}
	if err := hold(w, s, bk); err != nil {
		return err
	}
	bookingStatusChanged(w, "", bk)
	putJSON(w, idKey(prefixBooking, bk.ID), bk)
	useID(w, "booking", bk.ID)
	return nil
}

func applyBookingCancelled(w Writer, ev Event, b *BookingCancelled) error {
	bk, ok := GetBooking(w, b.Booking)
	if !ok || (bk.Status != BookConfirmed && bk.Status != BookPending && bk.Status != BookWaitlisted) {
		return fmt.Errorf("booking %d cannot be cancelled", b.Booking)
	}
	release(w, bk)
	before := bk.Status
	bk.Status = BookCancelled
	bookingStatusChanged(w, before, bk)
	bk.Updated = ev.Time
	putJSON(w, idKey(prefixBooking, bk.ID), bk)
	return nil
}

func applyBookingDecided(w Writer, ev Event, b *BookingDecided) error {
	bk, ok := GetBooking(w, b.Booking)
	if !ok || bk.Status != BookPending {
		return fmt.Errorf("booking %d is not pending", b.Booking)
	}
	if err := selfApproval(bk, ev.Actor, b.Approved); err != nil {
		return err
	}
	if b.Approved {
		bk.Status = BookConfirmed
	} else {
		release(w, bk)
		bk.Status = BookDeclined
	}
	bookingStatusChanged(w, BookPending, bk)
	bk.Updated = ev.Time
	putJSON(w, idKey(prefixBooking, bk.ID), bk)
	return nil
}

func applyBookingPromoted(w Writer, ev Event, b *BookingPromoted) error {
	bk, ok := GetBooking(w, b.Booking)
	s, sok := GetSpace(w, bk.Space)
	if !ok || !sok || bk.Status != BookWaitlisted || (b.Status != BookConfirmed && b.Status != BookPending) {
		return fmt.Errorf("booking %d cannot be promoted", b.Booking)
	}
	bk.Status = b.Status
	if err := hold(w, s, bk); err != nil {
		return err
	}
	bookingStatusChanged(w, BookWaitlisted, bk)
	bk.Updated = ev.Time
	putJSON(w, idKey(prefixBooking, bk.ID), bk)
	return nil
}

// hold takes a booking's beds on each of its nights, if it holds any.
func hold(w Writer, s Space, bk Booking) error {
	if !bk.holds() {
		return nil
	}
	first, nights, err := stayNights(bk.From, bk.To)
	if err != nil {
		return err
	}
	if d := fullNight(w, s, first, nights, bk.Beds); d >= 0 {
		return fmt.Errorf("booking %d overbooks %s on %s", bk.ID, s.Name, dayDate(d))
	}
	for d := first; d < first+nights; d++ {
		addBeds(w, s.ID, d, bk.Beds)
	}
	return nil
}

func release(w Writer, bk Booking) {
	if !bk.holds() {
		return
	}
	first, nights, _ := stayNights(bk.From, bk.To)
	for d := first; d < first+nights; d++ {
		addBeds(w, bk.Space, d, -bk.Beds)
	}
}

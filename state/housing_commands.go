package state

import (
	"fmt"

	"github.com/polis-hub/polis/state/markdown"
)

// AddSpace opens a space (stewards; or a passed space proposal).
type AddSpace struct{ Space Space }

func (c AddSpace) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "add spaces")
	if err != nil {
		return 0, nil, err
	}
	s := c.Space
	if s.TZ == "" {
		s.TZ = "UTC"
	}
	s.ID, s.Retired = nextID(r, "space"), false
	if err := checkSpace(s); err != nil {
		return 0, nil, err
	}
	if err := markdown.Check("house rules", s.Rules); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&SpaceAdded{Space: s}}, nil
}

// RetireSpace closes a space to new bookings (stewards).
type RetireSpace struct{ ID uint64 }

func (c RetireSpace) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "retire spaces")
	if err != nil {
		return 0, nil, err
	}
	s, ok := GetSpace(r, c.ID)
	if !ok {
		return 0, nil, notFound("no space %d", c.ID)
	}
	if s.Retired {
		return 0, nil, fmt.Errorf("space %d is already retired", s.ID)
	}
	return m.ID, []Body{&SpaceRetired{Space: s.ID}}, nil
}

// Book asks for a stay. A stay that breaks no rule but does not fit is
// refused with the first full night, or joins the waitlist if Waitlist.
type Book struct {
	Space    uint64
	From, To string
	Beds     int
	Waitlist bool
	Sig      string // the member's armoured SSHSIG over ActToSign's bytes, or ""
}

func (c Book) Decide(r Reader, env Env) (uint64, []Body, error) {
	id, b, err := decideSigned(r, env, c, c.Sig)
	if err != nil {
		return 0, nil, err
	}
	return id, []Body{b}, nil
}

// unsignedAct is the booking Decide makes, before its signature.
func (c Book) unsignedAct(r Reader, env Env) (uint64, Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	s, ok := GetSpace(r, c.Space)
	if !ok {
		return 0, nil, notFound("no space %d", c.Space)
	}
	beds := c.Beds
	if beds == 0 {
		beds = 1
	}
	first, nights, err := stayNights(c.From, c.To)
	if err != nil {
		return 0, nil, err
	}
	if err := stayRules(r, s, m.ID, first, nights, beds, Today(s.TZ, env.Time)); err != nil {
		return 0, nil, err
	}
	status := BookConfirmed
	if s.NeedsApproval {
		status = BookPending
	}
	if d := fullNight(r, s, first, nights, beds); d >= 0 {
		if !c.Waitlist {
			return 0, nil, fmt.Errorf("full on the night of %s (%d of %d beds taken); add --waitlist to wait for a cancellation", dayDate(d), BedsHeld(r, s.ID, d), s.Beds)
		}
		status = BookWaitlisted
	}
	return m.ID, &BookingRequested{Booking: nextID(r, "booking"), Space: s.ID, From: c.From, To: c.To, Beds: beds, Status: status}, nil
}

// CancelBooking cancels a booking (its member, or a steward) and promotes
// from the waitlist what now fits.
type CancelBooking struct{ ID uint64 }

func (c CancelBooking) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	bk, ok := GetBooking(r, c.ID)
	if !ok {
		return 0, nil, notFound("no booking %d", c.ID)
	}
	if bk.Member != m.ID && !Can(m, RightRoles) {
		return 0, nil, forbidden("booking %d is not yours", bk.ID)
	}
	switch bk.Status {
	case BookCancelled, BookDeclined:
		return 0, nil, fmt.Errorf("booking %d is already %s", bk.ID, bk.Status)
	}
	return m.ID, withPromotions(r, env, m.ID, bk.Space, &BookingCancelled{Booking: bk.ID}), nil
}

// DecideBooking approves or declines a pending booking (stewards).
type DecideBooking struct {
	ID      uint64
	Approve bool
}

func (c DecideBooking) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "approve bookings")
	if err != nil {
		return 0, nil, err
	}
	bk, ok := GetBooking(r, c.ID)
	if !ok {
		return 0, nil, notFound("no booking %d", c.ID)
	}
	if bk.Status != BookPending {
		return 0, nil, fmt.Errorf("booking %d is %s, not pending", bk.ID, bk.Status)
	}
	if err := selfApproval(bk, m.ID, c.Approve); err != nil {
		return 0, nil, err
	}
	ev := &BookingDecided{Booking: bk.ID, Approved: c.Approve}
	if c.Approve {
		return m.ID, []Body{ev}, nil
	}
	return m.ID, withPromotions(r, env, m.ID, bk.Space, ev), nil
}

// selfApproval refuses a steward confirming their own stay at a space that
// needs approval: like a payout, it needs someone other than the person it
// benefits. Declining one's own booking is only a cancellation, and stays
// allowed. Decide and Apply both call it, so a forged log fails verify.
func selfApproval(bk Booking, actor uint64, approve bool) error {
	if approve && actor == bk.Member {
		return forbidden("booking %d is your own: another steward must approve it", bk.ID)
	}
	return nil
}

// withPromotions follows a change that frees beds with the promotion of
// every waitlisted booking of the space that now fits and is still ahead,
// in booking order. It works out the effect on a scratch overlay with the
// real Apply, so the rule and the bookkeeping cannot drift apart.
func withPromotions(r Reader, env Env, actor uint64, space uint64, freeing Body) []Body {
	events := []Body{freeing}
	scratch := newOverlay(r)
	if Apply(scratch, Event{Time: env.Time, Actor: actor, Body: freeing}) != nil {
		return events
	}
	s, _ := GetSpace(scratch, space)
	today := Today(s.TZ, env.Time)
	for _, bk := range waitlisted(scratch, space) {
		first, nights, err := stayNights(bk.From, bk.To)
		if err != nil || first < today || fullNight(scratch, s, first, nights, bk.Beds) >= 0 {
			continue
		}
		status := BookConfirmed
		if s.NeedsApproval {
			status = BookPending
		}
		p := &BookingPromoted{Booking: bk.ID, Status: status}
		if Apply(scratch, Event{Time: env.Time, Actor: actor, Body: p}) != nil {
			continue
		}
		events = append(events, p)
	}
	return events
}

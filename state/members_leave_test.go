package state

import (
	"strings"
	"testing"
)

func TestLeaveEndsWhatWasPending(t *testing.T) {
	f := newGov(t) // today is 2026-11-25
	sp := addSpace(t, f, Space{Name: "Loft", Beds: 1, TZ: "UTC"})
	evs := f.do("carol", NewProposal{Kind: KindText, Title: "Paint it green"})
	prop := evs[0].Body.(*ProposalCreated).Proposal
	f.do("carol", CastVote{ID: prop, Ballot: yes("yes")})
	f.do("dave", CastVote{ID: prop, Ballot: yes("no")})
	f.do("carol", Delegate{To: f.ids["bob"]})
	f.do("dave", Delegate{To: f.ids["carol"]}) // someone else's delegation to the leaver stays theirs
	today := f.do("carol", Book{Space: sp, From: "2026-11-25", To: "2026-11-27"})
	future := f.do("carol", Book{Space: sp, From: "2026-12-10", To: "2026-12-12"})
	wait := f.do("dave", Book{Space: sp, From: "2026-12-10", To: "2026-12-11", Waitlist: true})

	f.refuse("alice", Leave{}, "only steward")
	evs = f.do("carol", Leave{Anonymous: true})
	var types []string
	for _, e := range evs {
		types = append(types, e.Body.EventType())
	}
	if got := strings.Join(types, " "); got != "vote.withdrawn delegation.revoked booking.cancelled booking.promoted member.left" {
		t.Fatalf("leave events: %s", got)
	}
	var carol Member
	var bks []Booking
	f.h.View(func(r Reader) error {
		carol, _ = GetMember(r, f.ids["carol"])
		bks = ListBookings(r)
		return nil
	})
	if !carol.Gone() || carol.Name != FormerMember {
		t.Fatalf("carol after leaving: %+v", carol)
	}
	status := map[uint64]string{}
	for _, b := range bks {
		status[b.ID] = b.Status
	}
	id := func(evs []Event) uint64 { return evs[0].Body.(*BookingRequested).Booking }
	if status[id(today)] != BookConfirmed || status[id(future)] != BookCancelled || status[id(wait)] != BookConfirmed {
		t.Fatalf("bookings after leaving: %v", status)
	}
	// Her keys stop at once; dave's vote and delegation stay.
	f.refuse("carol", CastVote{ID: prop, Ballot: yes("yes")}, "members only")
	v := f.view(prop, "dave")
	if v.MyVote == nil || v.Tally.No != 1 || v.Tally.Yes != 0 || v.Tally.Eligible != 3 {
		t.Fatalf("tally after leaving: %+v", v.Tally)
	}
	rec, err := f.h.RecordOf(f.ids["carol"])
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Events); n < 8 || rec.Events[n-1].Type != "member.left" || rec.Events[0].Type != "member.joined" {
		t.Fatalf("record has %d events: %+v", n, rec.Events)
	}
	f.verifies()
}

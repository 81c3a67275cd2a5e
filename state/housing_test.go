package state

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func addSpace(t *testing.T, f *govFixture, s Space) uint64 {
	t.Helper()
	evs := f.do("alice", AddSpace{Space: s})
	return evs[0].Body.(*SpaceAdded).Space.ID
}

func TestBookingRules(t *testing.T) {
	f := newGov(t) // today is 2026-11-25
	id := addSpace(t, f, Space{Name: "Alfama flat", City: "Lisbon", Country: "PT", Beds: 1, TZ: "Europe/Lisbon"})
	f.refuse("bob", AddSpace{Space: Space{Name: "x", Beds: 1}}, "only stewards")
	f.refuse("alice", AddSpace{Space: Space{Name: "x", Beds: 0}}, "beds")
	f.refuse("alice", AddSpace{Space: Space{Name: "x", Beds: 1, TZ: "Mars/Olympus"}}, "time zone")
	f.refuse("alice", AddSpace{Space: Space{Name: "x", Beds: 1, Country: "Portugal"}}, "two-letter")
	// Check-out day is not a night: back-to-back stays both fit one bed.
	f.do("bob", Book{Space: id, From: "2026-12-10", To: "2026-12-15"})
	f.do("carol", Book{Space: id, From: "2026-12-15", To: "2026-12-18"})
	f.refuse("dave", Book{Space: id, From: "2026-12-14", To: "2026-12-16"}, "full on the night of 2026-12-14")
	f.refuse("dave", Book{Space: id, From: "2026-12-05", To: "2026-12-03"}, "must be after")
	f.refuse("dave", Book{Space: id, From: "2026-11-20", To: "2026-11-22"}, "in the past")
	f.refuse("dave", Book{Space: id, From: "2026-13-01", To: "2026-13-02"}, "not YYYY-MM-DD")
	f.refuse("dave", Book{Space: 9, From: "2026-12-01", To: "2026-12-02"}, "no space 9")
	f.refuse("dave", Book{Space: id, From: "2026-12-01", To: "2026-12-02", Beds: 2}, "beds must be between 1 and 1")
	// Waitlist: dave waits; carol cancels; dave is promoted by event.
	w := f.do("dave", Book{Space: id, From: "2026-12-15", To: "2026-12-17", Waitlist: true})
	wid := w[0].Body.(*BookingRequested).Booking
	if w[0].Body.(*BookingRequested).Status != BookWaitlisted {
		t.Fatalf("not waitlisted: %+v", w[0].Body)
	}
	f.refuse("dave", CancelBooking{ID: 2}, "not yours")
	evs := f.do("carol", CancelBooking{ID: 2})
	if len(evs) != 2 || evs[1].Body.(*BookingPromoted).Booking != wid {
		t.Fatalf("promotion: %v", evs)
	}
	_, nights, _ := f.h.Availability(id, "2026-12-14", "2026-12-18")
	if got := fmt.Sprint(nights); got != "[{2026-12-14 1 0 false} {2026-12-15 1 0 false} {2026-12-16 1 0 false} {2026-12-17 0 1 false}]" {
		t.Fatalf("availability %s", got)
	}
}

func TestBookingPoliciesAndApproval(t *testing.T) {
	f := newGov(t)
	id := addSpace(t, f, Space{Name: "Porto house", Beds: 3, TZ: "Europe/Lisbon", NeedsApproval: true,
		MinNotice: 2, MaxNotice: 60, MaxNights: 7, QuotaNights: 5, Blackouts: []DateSpan{{"2026-12-24", "2026-12-27"}}})
	f.refuse("bob", Book{Space: id, From: "2026-11-26", To: "2026-11-27"}, "at least 2 days")
	f.refuse("bob", Book{Space: id, From: "2027-03-01", To: "2027-03-02"}, "at most 60 days")
	f.refuse("bob", Book{Space: id, From: "2026-12-01", To: "2026-12-10"}, "at most 7 nights")
	f.refuse("bob", Book{Space: id, From: "2026-12-23", To: "2026-12-25"}, "blackout")
	f.do("bob", Book{Space: id, From: "2026-12-01", To: "2026-12-04"})
	f.refuse("bob", Book{Space: id, From: "2026-12-10", To: "2026-12-13"}, "quota exceeded")
	f.do("bob", Book{Space: id, From: "2026-12-10", To: "2026-12-12"})
	bs, _ := f.h.BookingsOf(f.ids["bob"])
	if len(bs) != 2 || bs[0].Status != BookPending {
		t.Fatalf("bookings %+v", bs)
	}
	f.refuse("bob", DecideBooking{ID: 1, Approve: true}, "only stewards")
	f.do("alice", DecideBooking{ID: 1, Approve: true})
	f.refuse("alice", DecideBooking{ID: 1, Approve: true}, "not pending")
	f.do("alice", DecideBooking{ID: 2})
	bs, _ = f.h.BookingsOf(f.ids["bob"])
	if bs[0].Status != BookConfirmed || bs[1].Status != BookDeclined {
		t.Fatalf("after decisions %+v", bs)
	}
	f.do("alice", RetireSpace{ID: id})
	f.refuse("carol", Book{Space: id, From: "2026-12-05", To: "2026-12-06"}, "retired")
}

// A steward's own stay at a space that needs approval is approved by
// someone else, by a command and in a replayed log alike.
func TestOwnBookingNeedsAnotherSteward(t *testing.T) {
	f := newGov(t)
	id := addSpace(t, f, Space{Name: "Porto house", Beds: 3, TZ: "Europe/Lisbon", NeedsApproval: true})
	f.do("alice", Book{Space: id, From: "2026-12-01", To: "2026-12-04"})
	f.refuse("alice", DecideBooking{ID: 1, Approve: true}, "your own: another steward must approve it")

	// A forged log in which she approves it herself fails to apply.
	err := f.s.View(func(r Reader) error {
		return Apply(newOverlay(r), Event{Seq: f.s.Size(), Time: f.clk.now().UnixMilli(), Actor: f.ids["alice"],
			Body: &BookingDecided{Booking: 1, Approved: true}})
	})
	if err == nil || !strings.Contains(err.Error(), "your own") {
		t.Fatalf("self-approval applied: %v", err)
	}

	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward, Grant: true})
	f.do("bob", DecideBooking{ID: 1, Approve: true})
	// Declining one's own pending stay is only a cancellation.
	f.do("alice", Book{Space: id, From: "2026-12-10", To: "2026-12-11"})
	f.do("alice", DecideBooking{ID: 2})
	bs, _ := f.h.BookingsOf(f.ids["alice"])
	if len(bs) != 2 || bs[0].Status != BookConfirmed || bs[1].Status != BookDeclined {
		t.Fatalf("bookings %+v", bs)
	}
}

func TestSpaceProposal(t *testing.T) {
	f := newGov(t)
	pid := f.do("bob", NewProposal{Kind: KindSpace, Title: "Rent the Faro house",
		Action: Action{Space: &Space{Name: "Faro house", Beds: 4, City: "Faro", Country: "PT", TZ: "Europe/Lisbon"}}})[0].Body.(*ProposalCreated).Proposal
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: pid, Ballot: tallyBallot("yes")})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	sp, _ := f.h.Spaces()
	if len(sp) != 1 || sp[0].Name != "Faro house" || sp[0].FreeTonight != 4 {
		t.Fatalf("spaces %+v", sp)
	}
}

// For any interleaving of book, cancel and approve commands from several
// members: no night ever holds more beds than the space has, the night
// counters equal the bookings that hold beds, and running the same
// commands again gives the same state (promotion is deterministic).
func TestHousingProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		type step struct {
			who string
			c   Command
		}
		names := []string{"alice", "bob", "carol", "dave"}
		var steps []step
		for i := 0; i < rapid.IntRange(1, 40).Draw(rt, "n"); i++ {
			who := rapid.SampledFrom(names).Draw(rt, "who")
			from := rapid.IntRange(1, 12).Draw(rt, "from")
			to := from + rapid.IntRange(-1, 4).Draw(rt, "len")
			date := func(d int) string { return fmt.Sprintf("2026-12-%02d", max(d, 1)) }
			var c Command
			switch rapid.IntRange(0, 3).Draw(rt, "op") {
			case 0, 1:
				c = Book{Space: rapid.Uint64Range(1, 2).Draw(rt, "space"), From: date(from), To: date(to),
					Beds: rapid.IntRange(0, 3).Draw(rt, "beds"), Waitlist: rapid.Bool().Draw(rt, "wait")}
			case 2:
				c = CancelBooking{ID: rapid.Uint64Range(1, 12).Draw(rt, "id")}
			default:
				c = DecideBooking{ID: rapid.Uint64Range(1, 12).Draw(rt, "id"), Approve: rapid.Bool().Draw(rt, "ok")}
				who = "alice"
			}
			steps = append(steps, step{who, c})
		}
		// Invite codes are random, so compare the housing state only.
		run := func() string {
			f := newGov(t)
			addSpace(t, f, Space{Name: "Small", Beds: 2, TZ: "UTC"})
			addSpace(t, f, Space{Name: "Approval", Beds: 3, TZ: "UTC", NeedsApproval: true})
			for _, s := range steps {
				f.s.Submit(f.ctx, f.ppl[s.who], s.c)
			}
			f.h.View(func(r Reader) error {
				held := map[string]int{}
				for _, b := range ListBookings(r) {
					if !b.holds() {
						continue
					}
					first, nights, _ := stayNights(b.From, b.To)
					for d := first; d < first+nights; d++ {
						held[nightKey(b.Space, d)] += b.Beds
					}
				}
				for _, s := range ListSpaces(r) {
					for d, _ := dayNum("2026-12-01"); d < 20800; d++ {
						n := BedsHeld(r, s.ID, d)
						if n > s.Beds {
							rt.Fatalf("%s overbooked on %s: %d of %d", s.Name, dayDate(d), n, s.Beds)
						}
						if n != held[nightKey(s.ID, d)] {
							rt.Fatalf("%s on %s: counter %d, bookings %d", s.Name, dayDate(d), n, held[nightKey(s.ID, d)])
						}
					}
				}
				return nil
			})
			var b strings.Builder
			f.h.View(func(r Reader) error {
				for _, p := range []string{prefixBooking, prefixNight, prefixSpace} {
					r.Scan(p, func(k string, v []byte) bool { b.WriteString(k + "=" + string(v) + "\n"); return true })
				}
				return nil
			})
			return b.String()
		}
		if a, b := run(), run(); a != b {
			rt.Fatal("the same commands gave two different states")
		}
	})
}

func TestBookingErrorsAreOneLine(t *testing.T) {
	f := newGov(t)
	id := addSpace(t, f, Space{Name: "x", Beds: 1, TZ: "UTC"})
	_, err := f.s.Submit(f.ctx, f.ppl["bob"], Book{Space: id, From: "2026-12-01\n", To: "2026-12-02"})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err %q", err)
	}
}

package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
)

func housingTabOf(m tea.Model) *housingTab {
	return m.(*App).shell.tab(tabHousing).(*housingTab)
}

// addSpace opens a space as alice, a steward; the fixture's day is
// Wednesday 2026-11-25.
func addSpace(f *fixture, alice Identity, s state.Space) {
	f.t.Helper()
	if s.TZ == "" {
		s.TZ = "Europe/Lisbon"
	}
	f.as(alice, state.AddSpace{Space: s})
}

func bookingOf(t *testing.T, f *fixture, id uint64) state.Booking {
	t.Helper()
	bs, err := f.hub.BookingsAt(0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("no booking %d in %+v", id, bs)
	return state.Booking{}
}

func TestHousingEmptyState(t *testing.T) {
	f, alice, _ := seeded(t)
	v := screen(press(New(f.hub, alice, WithSize(80, 24)), "4"))
	mustContain(t, v, "Housing", "shared places to stay", "No spaces yet.")
	if strings.Contains(v, "Nothing here yet") {
		t.Fatalf("still the placeholder:\n%s", v)
	}
}

func TestHousingBookAStay(t *testing.T) {
	f, alice, bob := seeded(t)
	m := press(New(f.hub, bob, WithSize(80, 24), WithClock(f.clk.peek)), "4")
	// Live: a space added while the tab is open shows up.
	addSpace(f, alice, state.Space{Name: "Casa Azul", City: "Lisbon", Country: "PT", Beds: 4, Rules: "Quiet after 22h."})
	m = refresh(m)
	mustContain(t, screen(m), "Spaces (1)", "Casa Azul", "Lisbon, PT", "4 beds", "4 free", "··············")

	m = press(m, "enter")
	v := screen(m)
	mustContain(t, v, "Casa Azul", "November 2026", "Mon", "Sun", "Wed 25 Nov 2026 · tonight · 4 of 4 beds free",
		"House rules", "Quiet after 22h.")
	// Six days on is Tuesday 1 December: the calendar turns the month.
	m = press(m, "right", "right", "right", "right", "right", "right")
	mustContain(t, screen(m), "December 2026", "Tue 1 Dec 2026 · 4 of 4 beds free")
	m = press(m, "enter")
	mustContain(t, m.(*App).c.status, "arriving Tue 1 Dec 2026")
	mustContain(t, screen(m), "arriving Tue 1 Dec · move to the check-out day")
	m = press(m, "right")
	mustContain(t, screen(m), "1 night · Tue 1 Dec → Wed 2 Dec (check-out) · 1 bed", "enter sets the check-out")
	m = press(m, "right")
	m = drain(m.Update(tea.KeyPressMsg{Code: tea.KeySpace}))
	m = press(m, "+")
	mustContain(t, screen(m), "2 nights · Tue 1 Dec → Thu 3 Dec (check-out) · 2 beds · b books")
	m = press(m, "b")
	mustContain(t, statusLineOf(m), "booked #1: 2 beds, 2 nights at Casa Azul")
	if b := bookingOf(t, f, 1); b.From != "2026-12-01" || b.To != "2026-12-03" || b.Beds != 2 || b.Status != state.BookConfirmed || b.Member != 2 {
		t.Fatalf("booking %+v", b)
	}
	// The calendar counts the nights booked; the check-out night is free.
	m = press(m, "left")
	mustContain(t, screen(m), "Wed 2 Dec 2026 · 2 of 4 beds free")
	m = press(m, "right")
	mustContain(t, screen(m), "Thu 3 Dec 2026 · 4 of 4 beds free")
	// esc goes back to the list, where the stay is listed.
	m = press(m, "esc")
	v = screen(m)
	mustContain(t, v, "Your stays (1)", "#1", "2026-12-01 → 2026-12-03", "2 nights, 2 beds", "confirmed", "1 upcoming stay")
	// Months move with [ and ], and stays can be opened from the list.
	m = press(m, "G", "enter")
	mustContain(t, screen(m), "December 2026", "Tue 1 Dec 2026 · 2 of 4 beds free")
	m = press(m, "]")
	mustContain(t, screen(m), "January 2027", "Fri 1 Jan 2027")
	m = press(m, "[", "[", "t")
	mustContain(t, screen(m), "November 2026", "Wed 25 Nov 2026 · tonight")
	m = drain(m.Update(tea.KeyPressMsg{Code: tea.KeyPgDown}))
	mustContain(t, screen(m), "December 2026", "Fri 25 Dec 2026")
}

func TestHousingLiveCalendar(t *testing.T) {
	f, alice, bob := seeded(t)
	addSpace(f, alice, state.Space{Name: "Casa Azul", Beds: 3})
	m := press(New(f.hub, bob, WithSize(80, 24), WithClock(f.clk.peek)), "4", "enter", "right")
	mustContain(t, screen(m), "Thu 26 Nov 2026 · 3 of 3 beds free")
	f.as(alice, state.Book{Space: 1, From: "2026-11-26", To: "2026-11-28", Beds: 2})
	m = refresh(m)
	mustContain(t, screen(m), "Thu 26 Nov 2026 · 1 of 3 beds free")
	m = press(m, "esc")
	mustContain(t, screen(m), "3 free", "·▅▅···········")
}

func TestHousingFullNightIsRefused(t *testing.T) {
	f, alice, bob := seeded(t)
	addSpace(f, alice, state.Space{Name: "Tiny flat", Beds: 2})
	f.as(alice, state.Book{Space: 1, From: "2026-11-26", To: "2026-11-28", Beds: 2})
	m := press(New(f.hub, bob, WithSize(80, 24), WithClock(f.clk.peek)), "4")
	mustContain(t, screen(m), "Tiny flat", "2 free", "·██···········")
	m = press(m, "enter", "right")
	mustContain(t, screen(m), "Thu 26 Nov 2026 · full, all 2 beds taken")
	m = press(m, "enter", "right", "enter")
	mustContain(t, screen(m), "full on Thu 26 Nov: w joins the waitlist")
	a := press(m, "b").(*App)
	st := statusLineOf(a)
	mustContain(t, st, "full on the night of 2026-11-26")
	if !a.c.statusErr || strings.Contains(a.c.status, "--waitlist") || !strings.Contains(a.c.status, "press w to join the waitlist") {
		t.Fatalf("refusal %q (error %v)", a.c.status, a.c.statusErr)
	}
	if bs, _ := f.hub.BookingsOf(2); len(bs) != 0 {
		t.Fatalf("a full night was booked: %+v", bs)
	}
	// w joins the waitlist instead.
	press(a, "w")
	mustContain(t, a.c.status, "on the waitlist (not booked) #2")
	press(a, "esc", "esc")
	mustContain(t, screen(a), "Your stays (1)", "on the waitlist")
}

func TestHousingStewardApproves(t *testing.T) {
	f, alice, bob := seeded(t)
	addSpace(f, alice, state.Space{Name: "Loft", Beds: 2, NeedsApproval: true})
	f.as(bob, state.Book{Space: 1, From: "2026-12-01", To: "2026-12-04"})
	f.as(bob, state.Book{Space: 1, From: "2026-12-10", To: "2026-12-11"})
	// bob waits; he has nothing to approve.
	v := screen(press(New(f.hub, bob, WithSize(80, 24), WithClock(f.clk.peek)), "4"))
	mustContain(t, v, "Your stays (2)", "waiting for a steward")
	if strings.Contains(v, "approval") {
		t.Fatalf("bob is not a steward:\n%s", v)
	}
	m := press(New(f.hub, alice, WithSize(80, 24), WithClock(f.clk.peek)), "4")
	mustContain(t, screen(m), "Waiting for your approval (2)", "#1", "bob", "3 nights at Loft, 2026-12-01 to 2026-12-04",
		"2 bookings to approve")
	m = press(m, "a")
	mustContain(t, statusLineOf(m), "approved #1 for bob")
	if b := bookingOf(t, f, 1); b.Status != state.BookConfirmed {
		t.Fatalf("booking 1 is %s", b.Status)
	}
	v = screen(m)
	mustContain(t, v, "Waiting for your approval (1)", "#2")
	// Declining asks twice.
	m = press(m, "d")
	mustContain(t, statusLineOf(m), "press d again to decline #2")
	if b := bookingOf(t, f, 2); b.Status != state.BookPending {
		t.Fatalf("declined on the first press: %s", b.Status)
	}
	m = press(m, "d")
	mustContain(t, statusLineOf(m), "declined #2 for bob")
	if b := bookingOf(t, f, 2); b.Status != state.BookDeclined {
		t.Fatalf("booking 2 is %s", b.Status)
	}
	if v := screen(m); strings.Contains(v, "approval") {
		t.Fatalf("nothing left to approve:\n%s", v)
	}
}

func TestHousingCancelAsksTwice(t *testing.T) {
	f, alice, bob := seeded(t)
	addSpace(f, alice, state.Space{Name: "Casa Azul", Beds: 2})
	f.as(bob, state.Book{Space: 1, From: "2026-12-01", To: "2026-12-03"})
	m := press(New(f.hub, bob, WithSize(80, 24), WithClock(f.clk.peek)), "4")
	m = press(m, "x")
	mustContain(t, statusLineOf(m), "move down to one of your stays")
	m = press(m, "G", "x")
	mustContain(t, statusLineOf(m), "press x again to cancel #1")
	if b := bookingOf(t, f, 1); b.Status != state.BookConfirmed {
		t.Fatalf("cancelled on the first press: %s", b.Status)
	}
	// Moving away disarms.
	m = press(m, "up", "down", "x")
	if b := bookingOf(t, f, 1); b.Status != state.BookConfirmed {
		t.Fatalf("cancelled after moving: %s", b.Status)
	}
	m = press(m, "x")
	mustContain(t, statusLineOf(m), "cancelled #1")
	if b := bookingOf(t, f, 1); b.Status != state.BookCancelled {
		t.Fatalf("booking is %s", b.Status)
	}
	mustContain(t, screen(m), "cancelled", "2 free")
}

func TestHousingFitsAllSizes(t *testing.T) {
	f, alice, bob := seeded(t)
	addSpace(f, alice, state.Space{Name: "Casa Azul with a rather long name", City: "Lisbon", Country: "PT", Beds: 4,
		Rules: strings.Repeat("Be kind to the neighbours and take the bins out. ", 30), NeedsApproval: true,
		MinNotice: 1, MaxNights: 14, Blackouts: []state.DateSpan{{From: "2026-12-24", To: "2026-12-27"}}})
	for i := 0; i < 6; i++ {
		addSpace(f, alice, state.Space{Name: "Room " + string(rune('A'+i)), City: "Porto", Country: "PT", Beds: 1 + i, TZ: "Pacific/Auckland"})
	}
	for i := 0; i < 8; i++ {
		from := 1 + 2*i
		f.as(bob, state.Book{Space: 1, From: state.DayDate(monthStart(mustDay(t, "2026-12-01")) + from), To: state.DayDate(mustDay(t, "2026-12-01") + from + 1)})
	}
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		for _, who := range []Identity{alice, bob} {
			m := New(f.hub, who, WithSize(sz[0], sz[1]), WithClock(f.clk.peek))
			for _, keys := range [][]string{{"4"}, {"down"}, {"G"}, {"?"}, {"?", "g"}, {"enter"}, {"right", "enter"}, {"down", "enter"}, {"]"}, {"?"}, {"?", "esc", "esc"}} {
				m = press(m, keys...)
				v := screen(m)
				if who == alice {
					checkFits(t, v, sz[0], sz[1])
				} else if lines := strings.Split(v, "\n"); len(lines) != sz[1] || !strings.Contains(lines[sz[1]-1], "bob") {
					t.Fatalf("bob's screen does not fit:\n%s", v)
				}
			}
		}
	}
	m := New(f.hub, alice, WithClock(f.clk.peek))
	for _, sz := range [][2]int{{1, 1}, {0, 0}, {10, 3}, {30, 8}, {45, 12}, {60, 15}, {5000, 2}, {3, 4000}} {
		m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, k := range []string{"4", "down", "enter", "right", "enter", "down", "enter", "+", "]", "esc", "esc", "G", "x", "g", "a", "?", "?"} {
			m = press(m, k)
			v := m.View().Content
			w, h := max(sz[0], 1), max(sz[1], 1)
			if got := strings.Count(v, "\n") + 1; got > h {
				t.Fatalf("%dx%d: %d lines", sz[0], sz[1], got)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%dx%d: line too wide: %q", sz[0], sz[1], l)
				}
			}
		}
	}
}

func mustDay(t *testing.T, date string) int {
	d, err := state.DayNum(date)
	if err != nil {
		t.Fatalf("bad date %q", date)
	}
	return d
}

func TestHousingHostileTextIsInert(t *testing.T) {
	f, alice, _ := seeded(t)
	a := New(f.hub, alice, WithSize(120, 40), WithClock(f.clk.peek)).(*App)
	snap := *a.c.snap
	snap.members = []state.Member{{ID: 1, Name: "alice"}, {ID: 2, Name: evil}}
	snap.housing = &housingData{
		spaces: []state.Space{{ID: 1, Name: evil, City: evil, Country: evil, Beds: 2, TZ: evil, Rules: "rules " + evil + "\nmore " + evil,
			Blackouts: []state.DateSpan{{From: evil, To: evil}}}},
		bookings: []state.Booking{
			{ID: 1, Space: 1, Member: 2, From: "2026-12-01", To: "2026-12-02", Beds: 1, Status: state.BookPending},
			{ID: 2, Space: 1, Member: 1, From: evil, To: evil, Beds: 1, Status: evil},
			{ID: 3, Space: 9, Member: 1, From: "2026-12-01", To: "2026-12-02", Beds: 1, Status: state.BookConfirmed},
		},
		held: map[uint64]map[int]int{1: {mustDay(t, "2026-12-01"): 1}},
	}
	a.applySnapshot(&snap)
	for _, k := range []string{"4", "down", "enter", "esc", "G", "enter", "esc", "?"} {
		press(a, k)
		assertInert(t, "housing "+k, a.View().Content)
	}
}

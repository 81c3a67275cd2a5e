package ssh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// joinMembers admits n more members through one invite from alice.
func joinMembers(t *testing.T, ts *testServer, alice *user, n int) []*user {
	t.Helper()
	r := mustRun(t, "invite", alice.run(t, ts, fmt.Sprintf("invite create --uses %d --expires 0", n)))
	code := lastLine(r.stdout)
	us := make([]*user, n)
	for i := range us {
		us[i] = newUser(t, fmt.Sprintf("m%02d", i+1))
		mustRun(t, us[i].name+" join", us[i].run(t, ts, cmdline("join", code, "--name", us[i].name)))
	}
	return us
}

// raceRun runs cmdline as every user at once, each on its own connection:
// all connect and open a session first, then all send the command together.
func raceRun(t *testing.T, ts *testServer, us []*user, cmdline string) []result {
	t.Helper()
	sessions := make([]*gossh.Session, len(us))
	for i, u := range us {
		c, err := dial(ts.addr, gossh.PublicKeys(u.signer))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if sessions[i], err = c.NewSession(); err != nil {
			t.Fatal(err)
		}
	}
	results := make([]result, len(us))
	errs := make([]error, len(us))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stdout, stderr bytes.Buffer
			s.Stdout, s.Stderr = &stdout, &stderr
			<-start
			err := s.Run(cmdline)
			var ee *gossh.ExitError
			if errors.As(err, &ee) {
				results[i].code, err = ee.ExitStatus(), nil
			}
			results[i].stdout, results[i].stderr, errs[i] = stdout.String(), stderr.String(), err
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", us[i].name, err)
		}
	}
	return results
}

func availabilityOf(t *testing.T, ts *testServer, u *user, args string) cmd.AvailabilityJSON {
	t.Helper()
	r := mustRun(t, "housing show --json", u.run(t, ts, "housing show --json "+args))
	var a cmd.AvailabilityJSON
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("housing show --json: %v: %q", err, r.stdout)
	}
	return a
}

// Twelve members, each on their own connection, race for the same nights
// in a two-bed space: exactly two get in, the others are told which night
// is full, and the space never holds more than its beds.
func TestHousingRaceForLastBeds(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, _, _ := community(t, hub)
	racers := joinMembers(t, ts, alice, 12)
	r := mustRun(t, "space add", alice.run(t, ts, "housing space add --name Last Beds --beds 2"))
	space := lastLine(r.stdout)

	results := raceRun(t, ts, racers, "housing book "+space+" --from 2026-12-01 --to 2026-12-04")
	won := map[string]bool{}
	for i, r := range results {
		if r.code == 0 {
			if !strings.HasPrefix(r.stdout, "Booking ") || !strings.Contains(r.stdout, " is confirmed: 1 bed at Last Beds") {
				t.Errorf("%s: %q", racers[i].name, r.stdout)
			}
			won[lastLine(r.stdout)] = true
			continue
		}
		checkFailure(t, racers[i].name, r)
		if want := "polis: full on the night of 2026-12-01 (2 of 2 beds taken)"; !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%s: stderr %q, want %q", racers[i].name, r.stderr, want)
		}
	}
	if len(won) != 2 {
		t.Fatalf("%d distinct bookings succeeded, want 2: %v", len(won), won)
	}
	a := availabilityOf(t, ts, alice, space+" --from 2026-11-30 --to 2026-12-05")
	var want []state.Night
	for i, d := range []string{"2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"} {
		held := []int{0, 2, 2, 2, 0}[i]
		want = append(want, state.Night{Date: d, Held: held, Free: 2 - held})
	}
	if fmt.Sprint(a.Nights) != fmt.Sprint(want) || a.Space.Beds != 2 {
		t.Fatalf("availability: %+v, want %+v", a, want)
	}
	bs, err := hub.BookingsAt(1, state.BookConfirmed)
	if err != nil || len(bs) != 2 {
		t.Fatalf("confirmed bookings: %v %+v", err, bs)
	}

	// The losers race again with --waitlist: all queue, none gets a bed.
	var losers []*user
	for i, r := range results {
		if r.code != 0 {
			losers = append(losers, racers[i])
		}
	}
	for i, r := range raceRun(t, ts, losers, "housing book "+space+" --from 2026-12-02 --to 2026-12-03 --waitlist") {
		if r.code != 0 || !strings.Contains(r.stdout, "is on the waitlist") {
			t.Errorf("%s waitlist: %+v", losers[i].name, r)
		}
	}
	if a := availabilityOf(t, ts, alice, space+" --from 2026-12-02 --to 2026-12-03"); a.Nights[0].Free != 0 || a.Nights[0].Held != 2 {
		t.Fatalf("after the waitlist: %+v", a.Nights)
	}
	r = mustRun(t, "waitlist", alice.run(t, ts, "housing waitlist --json "+space))
	var wl []cmd.BookingJSON
	if err := json.Unmarshal([]byte(r.stdout), &wl); err != nil || len(wl) != len(losers) {
		t.Fatalf("waitlist: %v %q", err, r.stdout)
	}
}

// Notice and "today" follow the space's time zone: at 23:30 UTC it is
// already the next day in Auckland.
func TestHousingNoticeInSpaceZone(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, _ := community(t, hub)
	mustRun(t, "space add", alice.run(t, ts, "housing space add --name Bach --beds 1 --tz Pacific/Auckland --min-notice 3 --max-notice 30"))
	for _, b := range []struct{ from, to, want string }{
		{"2026-11-20", "2026-11-22", "polis: 2026-11-20 is in the past (today is 2026-11-21 in Pacific/Auckland)"},
		{"2026-11-23", "2026-11-25", "polis: notice: book at least 3 days ahead"},
		{"2026-12-22", "2026-12-23", "polis: notice: book at most 30 days ahead"},
	} {
		r := bob.run(t, ts, "housing book 1 --from "+b.from+" --to "+b.to)
		checkFailure(t, b.from, r)
		if !strings.HasPrefix(r.stderr, b.want) {
			t.Errorf("%s: stderr %q, want %q", b.from, r.stderr, b.want)
		}
	}
	mustRun(t, "book", bob.run(t, ts, "housing book 1 --from 2026-11-24 --to 2026-11-25"))
	// Without dates, show covers the next 14 nights from today there.
	a := availabilityOf(t, ts, bob, "1")
	if len(a.Nights) != 14 || a.Nights[0].Date != "2026-11-21" || a.Nights[3] != (state.Night{Date: "2026-11-24", Held: 1, Free: 0}) {
		t.Fatalf("default availability: %+v", a.Nights)
	}
	r := mustRun(t, "list", bob.run(t, ts, "housing list --json"))
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("list --json: %v %q", err, r.stdout)
	}
	for _, k := range []string{"id", "name", "beds", "free_tonight"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("list --json has no %q: %s", k, r.stdout)
		}
	}
}

// A space's stays and a member's own, as iCalendar: all-day events whose
// DTEND is the check-out day; hostile names stay text.
func TestHousingICal(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, carol := community(t, hub)
	evil := `Bob;X=1,\n END:VEVENT UID:evil`
	mustRun(t, "rename", bob.runIn(t, ts, "", "rename", evil))
	mustRun(t, "space add", alice.runIn(t, ts, "", "housing", "space", "add", "--name", `Flat, "A"; END:VCALENDAR`, "--beds", "1", "--city", "Porto", "--country", "PT"))
	mustRun(t, "space add", alice.run(t, ts, "housing space add --name Loft --beds 1 --approval"))
	mustRun(t, "bob books", bob.run(t, ts, "housing book 1 --from 2026-12-10 --to 2026-12-15"))                // 1
	mustRun(t, "carol books", carol.run(t, ts, "housing book 1 --from 2026-12-15 --to 2026-12-16"))            // 2
	mustRun(t, "carol waits", carol.run(t, ts, "housing book 1 --from 2026-12-12 --to 2026-12-13 --waitlist")) // 3
	mustRun(t, "bob pending", bob.run(t, ts, "housing book 2 --from 2026-12-01 --to 2026-12-02"))              // 4
	mustRun(t, "bob again", bob.run(t, ts, "housing book 1 --from 2026-12-20 --to 2026-12-21"))                // 5
	mustRun(t, "bob cancels", bob.run(t, ts, "housing cancel 5"))

	// UIDs name the hub: two hubs' booking 1 never merge in a calendar.
	dom := cmd.ICalUIDDomain(hub.VerifierKey())
	if other := cmd.ICalUIDDomain(newHubWith(t, store.Options{Clock: clk.now}).VerifierKey()); other == dom {
		t.Fatalf("two hubs share the UID domain %s", dom)
	}
	uid := func(id int) string { return fmt.Sprintf("booking-%d@%s", id, dom) }

	r := mustRun(t, "ical 1", carol.run(t, ts, "housing ical 1"))
	if !strings.HasPrefix(r.stdout, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(r.stdout, "END:VCALENDAR\r\n") {
		t.Fatalf("ical 1: %q", r.stdout)
	}
	// The waitlisted stay is not in it; the cancelled one is, as cancelled,
	// so a subscribed calendar drops it.
	hubtest.CheckEvents(t, "ical 1", hubtest.ParseICal(t, "ical 1", r.stdout), []hubtest.WantEvent{
		{uid(1), "2026-12-10", "2026-12-15", evil + " (1 bed)", "CONFIRMED"},
		{uid(2), "2026-12-15", "2026-12-16", "carol (1 bed)", "CONFIRMED"},
		{uid(5), "2026-12-20", "2026-12-21", evil + " (1 bed)", "CANCELLED"},
	})
	if n := strings.Count(r.stdout, "\r\nBEGIN:VEVENT\r\n"); n != 3 {
		t.Errorf("ical 1: %d VEVENT lines", n)
	}

	r = mustRun(t, "ical --mine", bob.run(t, ts, "housing ical --mine"))
	hubtest.CheckEvents(t, "ical --mine", hubtest.ParseICal(t, "ical --mine", r.stdout), []hubtest.WantEvent{
		{uid(1), "2026-12-10", "2026-12-15", `Stay at Flat, "A"; END:VCALENDAR (1 bed)`, "CONFIRMED"},
		{uid(4), "2026-12-01", "2026-12-02", "Stay at Loft (1 bed)", "TENTATIVE"},
		{uid(5), "2026-12-20", "2026-12-21", `Stay at Flat, "A"; END:VCALENDAR (1 bed)`, "CANCELLED"},
	})
	stamp := func(out string, i int) string {
		return hubtest.ParseICal(t, "stamp", out)[i].GetProperty(ics.ComponentPropertyDtstamp).Value
	}
	before := stamp(r.stdout, 1)
	clk.advance(time.Hour)
	mustRun(t, "approve", alice.run(t, ts, "housing approve 4"))
	r = mustRun(t, "ical --mine", bob.run(t, ts, "housing ical --mine"))
	if evs := hubtest.ParseICal(t, "ical --mine", r.stdout); len(evs) != 3 || evs[1].GetProperty(ics.ComponentPropertyStatus).Value != "CONFIRMED" {
		t.Fatalf("after approval: %q", r.stdout)
	}
	// The approval is a revision a calendar client must pick up.
	if after := stamp(r.stdout, 1); after == before || after != "20261120T130000Z" {
		t.Fatalf("DTSTAMP %s before the approval, %s after", before, after)
	}
	r = mustRun(t, "ical 2", alice.run(t, ts, "housing ical 2"))
	hubtest.CheckEvents(t, "ical 2", hubtest.ParseICal(t, "ical 2", r.stdout), []hubtest.WantEvent{
		{uid(4), "2026-12-01", "2026-12-02", evil + " (1 bed)", "CONFIRMED"},
	})
}

// A passed space proposal opens the space; another retires it.
func TestSpaceProposal(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	hub := newHubWith(t, store.Options{Clock: clk.now})
	ts, alice, bob, carol := community(t, hub)
	pass := func(args ...string) {
		t.Helper()
		r := mustRun(t, "space proposal", bob.runIn(t, ts, "By the sea.", append([]string{"proposal", "new", "--kind", "space"}, args...)...))
		id := lastLine(r.stdout)
		for _, v := range []*user{alice, bob, carol} {
			mustRun(t, v.name+" vote", v.run(t, ts, "vote "+id+" yes"))
		}
		clk.advance(7*24*time.Hour + time.Minute)
		hub.CloseDue(context.Background())
		if v := showJSON(t, ts, bob, id); v.State != state.PropExecuted {
			t.Fatalf("space proposal %s is %s, want executed", id, v.State)
		}
	}
	// OpenSSH drops the quotes: the name's words come back together.
	pass(strings.Fields("--title Sea house --space-name Casa do Mar --beds 4 --city Vila Real --country pt --max-nights 7")...)
	r := mustRun(t, "proposal show", alice.run(t, ts, "proposal show 1"))
	if !strings.Contains(r.stdout, "kind      space (open space Casa do Mar with 4 beds)") {
		t.Fatalf("proposal show: %q", r.stdout)
	}
	ss, err := hub.Spaces()
	if err != nil || len(ss) != 1 || ss[0].Name != "Casa do Mar" || ss[0].City != "Vila Real" || ss[0].Country != "PT" ||
		ss[0].Beds != 4 || ss[0].MaxNights != 7 || ss[0].TZ != "UTC" || ss[0].Retired {
		t.Fatalf("spaces: %v %+v", err, ss)
	}
	pass("--title", "Close it", "--retire", "1")
	if ss, _ := hub.Spaces(); !ss[0].Retired {
		t.Fatalf("not retired: %+v", ss[0])
	}

	before := hub.StateDigest()
	for _, b := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "text", "--beds", "2"}, "are for space proposals"},
		{[]string{"--kind", "space"}, "needs --space-name NAME --beds N, or --retire SPACE-ID"},
		{[]string{"--kind", "space", "--space-name", "X"}, "needs --space-name NAME and --beds N"},
		{[]string{"--kind", "space", "--space-name", "X", "--beds", "2", "--retire", "1"}, "not both"},
		{[]string{"--kind", "space", "--retire", "1"}, "no open space 1"},
		{[]string{"--kind", "space", "--retire", "x"}, "not a valid ID"},
		{[]string{"--kind", "space", "--space-name", "X", "--beds", "2", "--tz", "Nowhere"}, "not an IANA zone"},
	} {
		r := alice.runIn(t, ts, "", append([]string{"proposal", "new", "--title", "S"}, b.args...)...)
		checkFailure(t, strings.Join(b.args, " "), r)
		if !strings.Contains(r.stderr, b.want) {
			t.Errorf("%v: stderr %q, want %q", b.args, r.stderr, b.want)
		}
	}
	if hub.StateDigest() != before {
		t.Fatal("a refused proposal changed the state")
	}
}

package state

import (
	"strings"
	"testing"

	"github.com/polis-hub/polis/state/internal/srcguard"
)

// Apply's name, country and time zone rules read only pinned data
// (state/names, state/countries, state/zones): no file of the state
// package may consult the system's zoneinfo or x/text's region tables.
func TestNoToolchainDataInState(t *testing.T) {
	srcguard.Check(t, ".", 20, srcguard.Rules{
		Imports: []string{"golang.org/x/text/...", "time/tzdata"},
		Calls:   []string{"time.LoadLocation"},
	})
}

func TestPinnedCountriesAndZones(t *testing.T) {
	f := newGov(t)
	// Codes x/text took but ISO 3166-1 does not assign.
	for _, cc := range []string{"UK", "EU", "SU", "YU", "UN"} {
		f.refuse("bob", SetCountry{Country: cc}, "two-letter ISO 3166 code")
		f.refuse("alice", AddSpace{Space: Space{Name: "x", Beds: 1, TZ: "UTC", Country: cc}}, "two-letter code like PT, from ISO 3166")
	}
	f.do("bob", SetCountry{Country: "GB"})
	f.do("carol", SetCountry{Country: "XK"})
	for _, tz := range []string{"Local", "utc", "Europe/Atlantis", "../../etc/localtime"} {
		f.refuse("alice", AddSpace{Space: Space{Name: "x", Beds: 1, TZ: tz}}, "time zone")
	}
	addSpace(t, f, Space{Name: "Kyiv flat", Beds: 1, TZ: "Europe/Kyiv", Country: "UA"})

	// A forged log is held to the same lists.
	st := NewMemState()
	for i, b := range []Body{&HubCreated{Name: "hub"},
		&MemberJoined{Member: 1, Name: "alice", Key: testActor(t, "alice").Key, Via: "admin-key", Roles: []string{RoleSteward}}} {
		if err := Apply(st, Event{Seq: uint64(i), Time: 1, Body: b}); err != nil {
			t.Fatal(err)
		}
	}
	if err := Apply(st, Event{Seq: 2, Time: 2, Actor: 1, Body: &CountrySet{Member: 1, Country: "EU"}}); err == nil {
		t.Fatal("Apply took country EU")
	}
	if err := Apply(st, Event{Seq: 2, Time: 2, Actor: 1, Body: &SpaceAdded{Space: Space{ID: 1, Name: "x", Beds: 1, TZ: "Mars/Olympus"}}}); err == nil || !strings.Contains(err.Error(), "time zone") {
		t.Fatalf("Apply took zone Mars/Olympus: %v", err)
	}
}

// Today reads the pinned zone rules: the same instant is a different day
// either side of the date line.
func TestTodayUsesPinnedZones(t *testing.T) {
	const now = 1764072000000 // 2025-11-25 12:00 UTC
	utc, _ := dayNum("2025-11-25")
	if got := Today("UTC", now); got != utc {
		t.Fatalf("UTC: day %d, want %d", got, utc)
	}
	if got := Today("Pacific/Kiritimati", now); got != utc+1 { // UTC+14: 2025-11-26 02:00
		t.Fatalf("Kiritimati: day %d, want %d", got, utc+1)
	}
	if got := Today("Pacific/Pago_Pago", now-13*3600*1000); got != utc-1 { // UTC-11: 2025-11-24 12:00
		t.Fatalf("Pago Pago: day %d, want %d", got, utc-1)
	}
}

package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// withCensus is a chartered hub where three of four members live in PT
// and bob, who joined before the charter, has not consented to it.
func withCensus(t *testing.T) (*fixture, Identity) {
	f, alice, bob := chartered(t)
	dave := f.member(alice, "dave")
	for _, id := range []Identity{alice, bob, dave} {
		f.as(id, state.SetCountry{Country: "PT"})
	}
	f.as(f.member(alice, "erin"), state.SetCountry{Country: "DE"})
	f.as(bob, state.Contribute{Asset: "EUR", Amount: 25000, Memo: "June share"})
	return f, alice
}

func TestMembersTabConsentAndCountry(t *testing.T) {
	f, alice := withCensus(t)
	m := press(New(f.hub, alice, WithSize(80, 24)), "6")
	v := screen(m)
	checkFits(t, v, 80, 24)
	mustContain(t, v, "Members  4 members", "Consent", "Country")
	rows := map[string]*regexp.Regexp{
		"alice": regexp.MustCompile(`alice .* v1 ✓ +PT`),
		"bob":   regexp.MustCompile(`bob .* — +PT`),
		"erin":  regexp.MustCompile(`erin .* v1 ✓ +DE`),
	}
	for who, re := range rows {
		if !re.MatchString(v) {
			t.Fatalf("%s's row does not match %s:\n%s", who, re, v)
		}
	}
	// / filters by consent state too.
	m = typeText(press(m, "/"), "—")
	mustContain(t, screen(m), "1 of 4 members match", "bob")

	// After an amendment, consents fall behind until renewed.
	amend(f, alice, testIdentity(t, "bob"))
	f.as(alice, state.Consent{Version: 2})
	m = press(refresh(press(m, "esc")), "1", "6")
	v = screen(press(m, "esc"))
	for who, re := range map[string]*regexp.Regexp{
		"alice": regexp.MustCompile(`alice .* v2 ✓`),
		"dave":  regexp.MustCompile(`dave .* v1 \(v2 pending\)`),
		"bob":   regexp.MustCompile(`bob .* —`),
	} {
		if !re.MatchString(v) {
			t.Fatalf("%s's row does not match %s:\n%s", who, re, v)
		}
	}
}

func TestMembersTabCensus(t *testing.T) {
	f, alice := withCensus(t)
	// Narrow: c swaps the list for the census.
	m := press(New(f.hub, alice, WithSize(80, 24)), "6")
	mustContain(t, screen(m), "c census")
	m = press(m, "c")
	v := screen(m)
	checkFits(t, v, 80, 24)
	at := f.hub.LastCensus()
	if at == nil {
		t.Fatal("no census after a checkpoint")
	}
	mustContain(t, v, "Census", "at checkpoint #", "Members    4", "since Nov 2026", "Active", "30d", "90d",
		"1 of 4", "Countries", "PT", "3", "1 in smaller groups · 0 undeclared",
		"Housing", "0 beds in 0 spaces", "bed-nights used", "Treasury   EUR 250.00")
	mustContain(t, v, fmt.Sprintf("at checkpoint #%d, %d events", at.At.Height, at.At.Size))
	if strings.Contains(v, "DE") {
		t.Fatalf("a country shared by fewer than %d members is shown:\n%s", state.CensusCountryMin, v)
	}
	m = press(m, "c")
	mustContain(t, screen(m), "Members  4 members")

	// Wide: the census sits beside the table.
	m = press(New(f.hub, alice, WithSize(200, 60)), "6")
	v = screen(m)
	checkFits(t, v, 200, 60)
	mustContain(t, v, "Members  4 members", "v1 ✓", "Census", "at checkpoint #", "Treasury   EUR 250.00")
	if strings.Contains(v, "c census") {
		t.Fatalf("the census key is offered where the census is already shown:\n%s", v)
	}
}

func TestHomeShowsCensus(t *testing.T) {
	f, alice := withCensus(t)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		v := screen(New(f.hub, alice, WithSize(sz[0], sz[1])))
		checkFits(t, v, sz[0], sz[1])
		mustContain(t, v, "Census", "4 members · 1 active in 30d", "since Nov 2026", "0 beds · EUR 250.00", "at checkpoint #")
	}
}

func TestCensusBeforeFirstCheckpoint(t *testing.T) {
	th := themeNamed("mono")
	mustContain(t, censusView(th, nil, 60), "census at next checkpoint")
	mustContain(t, censusCompact(th, nil, 30), "census at next checkpoint")
}

func TestMembersOverTime(t *testing.T) {
	f := state.CensusFigures{
		Joined: []state.MonthCount{{Month: "2026-09", Count: 3}, {Month: "2026-11", Count: 2}},
		Left:   []state.MonthCount{{Month: "2026-11", Count: 1}, {Month: "2027-01", Count: 2}},
	}
	at := time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC).UnixMilli()
	got := membersOverTime(f, at, 24)
	want := []monthTotal{{"2026-09", 3}, {"2026-10", 3}, {"2026-11", 4}, {"2026-12", 4}, {"2027-01", 2}, {"2027-02", 2}}
	if !slices.Equal(got, want) {
		t.Fatalf("membersOverTime = %v, want %v", got, want)
	}
	if got := membersOverTime(f, at, 2); !slices.Equal(got, want[4:]) {
		t.Fatalf("last 2 months = %v", got)
	}
	if got := membersOverTime(state.CensusFigures{}, at, 24); got != nil {
		t.Fatalf("no joins gave %v", got)
	}
	if s := sparkline(themeNamed("mono"), []int64{0, 1, 4, 8}); !strings.Contains(s, "·") || !strings.Contains(s, "█") {
		t.Fatalf("sparkline %q", s)
	}
}

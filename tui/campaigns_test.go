package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
)

// withCampaigns: alice's roof campaign (1000 EUR, 650 pledged by two
// members) and bob's bikes campaign (500 EUR, nothing yet), which ends
// first.
func withCampaigns(t *testing.T) (*fixture, Identity, Identity) {
	f, alice, bob := seeded(t)
	dl := time.Date(2026, 12, 25, 12, 0, 0, 0, time.UTC).UnixMilli()
	f.as(alice, state.NewCampaign{Title: "New roof for the Lisbon flat", Funds: "Tiles, a roofer for three days, and a skip.",
		Asset: "EUR", Goal: 100000, Deadline: dl})
	f.as(bob, state.NewCampaign{Title: "Cargo bikes", Funds: "Two cargo bikes for the shared garage.",
		Asset: "EUR", Goal: 50000, Deadline: dl - 10*24*3600*1000})
	f.as(bob, state.PledgeTo{Campaign: 1, Amount: 25000})
	f.as(alice, state.PledgeTo{Campaign: 1, Amount: 40000})
	return f, alice, bob
}

func campaignOf(t *testing.T, f *fixture, id uint64) state.Campaign {
	t.Helper()
	c, _, err := f.hub.CampaignWithPledges(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCampaignsListAndDetail(t *testing.T) {
	f, alice, _ := withCampaigns(t)
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "3")
	mustContain(t, screen(m), "f campaigns")
	m = press(m, "f")
	v := screen(m)
	checkFits(t, v, 80, 24)
	mustContain(t, v, "Campaigns  2 open · 2 in all", "#2 Cargo bikes", "open · 19d 23h left",
		"#1 New roof for the Lisbon flat", "open · 29d 23h left",
		"65%  650.00 of 1000.00 EUR · 2 pledgers · you 400.00", "0%  0.00 of 500.00 EUR · 0 pledgers", "█", "░")
	// The one ending first is on top.
	if strings.Index(v, "Cargo bikes") > strings.Index(v, "New roof") {
		t.Fatalf("campaigns not ordered by deadline:\n%s", v)
	}
	// / filters.
	m = typeText(press(m, "/"), "roof")
	v = screen(m)
	mustContain(t, v, "New roof")
	if strings.Contains(v, "Cargo bikes") {
		t.Fatalf("filter kept the bikes:\n%s", v)
	}
	m = press(m, "enter", "enter")
	v = screen(m)
	mustContain(t, v, "Campaign #1", "New roof for the Lisbon flat", "started by alice on 2026-11-25",
		"650.00 EUR of 1000.00 EUR pledged by 2 members", "Pledges are promises until 2026-12-25 12:00 UTC",
		"What it funds", "Tiles, a roofer for three days", "Pledges (2)", "alice (you)", "400.00 EUR", "bob", "250.00 EUR")
	checkFits(t, v, 80, 24)
	// esc: detail, then filter, then back to the treasury.
	m = press(m, "esc", "esc")
	mustContain(t, screen(m), "Cargo bikes")
	m = press(m, "esc")
	mustContain(t, screen(m), "Treasury")
	// 200x60 fits too.
	m = press(New(f.hub, alice, WithSize(200, 60), pinned(propNow)), "3", "f", "down", "enter")
	checkFits(t, screen(m), 200, 60)
	mustContain(t, screen(m), "Campaign #1")
}

func TestCampaignPledgeAndWithdraw(t *testing.T) {
	f, alice, bob := withCampaigns(t)
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "3", "f", "down", "p")
	mustContain(t, screen(m), "Pledge to #1 New roof", "amount in EUR")
	if !treasuryTabOf(m).Capturing() {
		t.Fatal("the pledge input does not capture keys")
	}
	m = press(typeText(m, "lots"), "enter")
	mustContain(t, statusLineOf(m), "amount")
	if c := campaignOf(t, f, 1); c.Pledged != 65000 {
		t.Fatalf("a bad amount was pledged: %d", c.Pledged)
	}
	for range 4 {
		m = press(m, "backspace")
	}
	m = press(typeText(m, "100.50"), "enter")
	mustContain(t, screen(m), "thank you: you pledged 100.50 EUR to #1", "75%  750.50 of 1000.00 EUR · 2 pledgers · you 500.50")
	if c := campaignOf(t, f, 1); c.Pledged != 75050 || c.Pledgers != 2 {
		t.Fatalf("after pledging: %+v", c)
	}

	// Live: another member's pledge moves the bar on screen.
	f.as(bob, state.PledgeTo{Campaign: 1, Amount: 24950})
	m = refresh(m)
	mustContain(t, screen(m), "100%  1000.00 of 1000.00 EUR")

	// u asks first, then withdraws.
	m = press(m, "u")
	mustContain(t, statusLineOf(m), "press u again to withdraw 500.50 EUR from #1")
	if c := campaignOf(t, f, 1); c.Pledged != 100000 {
		t.Fatalf("one u withdrew: %d", c.Pledged)
	}
	m = press(m, "u")
	mustContain(t, screen(m), "your pledge to #1 is withdrawn")
	if c := campaignOf(t, f, 1); c.Pledged != 49950 || c.Pledgers != 1 {
		t.Fatalf("after withdrawing: %+v", c)
	}
	// Nothing left to withdraw.
	m = press(m, "u")
	mustContain(t, statusLineOf(m), "you have no pledge to #1")

	// At the deadline the hub closes it: short of the goal, it failed.
	f.clk.advance(31 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())
	m = refresh(m)
	v := screen(m)
	mustContain(t, v, "Campaigns  0 open · 2 in all", "ended short 2026-12-26")
	m = press(m, "p")
	mustContain(t, statusLineOf(m), "is closed to pledges")
}

func TestCampaignSucceeds(t *testing.T) {
	f, alice, bob := withCampaigns(t)
	f.as(bob, state.PledgeTo{Campaign: 1, Amount: 35000})
	f.clk.advance(31 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())
	m := press(New(f.hub, alice, WithSize(100, 30)), "3", "f", "down", "enter")
	mustContain(t, screen(m), "succeeded", "The goal was reached: every pledge became a contribution", "ledger entry #")
}

func TestNewCampaignForm(t *testing.T) {
	f, alice, _ := seeded(t)
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "3", "f")
	mustContain(t, screen(m), "No campaigns yet", "Press n to start one")
	m = press(m, "n")
	v := screen(m)
	mustContain(t, v, "New campaign", "Title", "What it funds", "Asset", "Goal", "Deadline")
	checkFits(t, v, 80, 24)
	for i, val := range []string{"Solar panels", "Six panels for the roof.", "eur", "1,200.00", "next week"} {
		if i > 0 {
			m = press(m, "tab")
		}
		m = typeText(m, val)
	}
	m = press(m, "enter")
	mustContain(t, statusLineOf(m), "goal")
	// Fix the goal, then the deadline.
	m = press(m, "shift+tab")
	for range len("1,200.00") {
		m = press(m, "backspace")
	}
	m = press(typeText(m, "1200.00"), "tab", "enter")
	mustContain(t, statusLineOf(m), `deadline: a date (2027-01-31) or "in 30 days"`)
	for range len("next week") {
		m = press(m, "backspace")
	}
	m = press(typeText(m, "in 30 days"), "enter")
	v = screen(m)
	mustContain(t, v, "campaign #1 is open for pledges", "Campaign #1", "Solar panels", "Six panels for the roof.")
	c := campaignOf(t, f, 1)
	if c.Goal != 120000 || c.Asset != "EUR" || c.Deadline != propNow.Add(30*24*time.Hour).UnixMilli() {
		t.Fatalf("campaign %+v", c)
	}
}

func TestParseDeadline(t *testing.T) {
	now := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, c := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2027-01-31", want: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)},
		{in: "in 30 days", want: now.Add(30 * day)},
		{in: "In 1 Day", want: now.Add(day)},
		{in: "7d", want: now.Add(7 * day)},
		{in: " 12 days ", want: now.Add(12 * day)},
		{in: "in 0 days", bad: true},
		{in: "in 366 days", bad: true},
		{in: "in -3 days", bad: true},
		{in: "tomorrow", bad: true},
		{in: "2027-02-30", bad: true},
		{in: "", bad: true},
	} {
		got, err := parseDeadline(c.in, now)
		switch {
		case c.bad && err == nil:
			t.Errorf("parseDeadline(%q) = %d, want an error", c.in, got)
		case !c.bad && (err != nil || got != c.want.UnixMilli()):
			t.Errorf("parseDeadline(%q) = %d, %v; want %d", c.in, got, err, c.want.UnixMilli())
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		pledged, goal int64
		want          int
	}{{0, 100, 0}, {1, 1000, 0}, {999, 1000, 99}, {99999, 100000, 99}, {1000, 1000, 100}, {2500, 1000, 250}, {1 << 60, 1, 999}, {5, 0, 0}} {
		if got := percent(c.pledged, c.goal); got != c.want {
			t.Errorf("percent(%d, %d) = %d, want %d", c.pledged, c.goal, got, c.want)
		}
	}
}

// The new screens keep to the terminal at any size, as the rest do.
func TestCivicScreensAnySize(t *testing.T) {
	f, alice, bob := withCampaigns(t)
	f.as(alice, state.SetCharter{Text: charterV1})
	sizes := [][2]int{{1, 1}, {10, 3}, {30, 8}, {80, 24}, {200, 60}, {5000, 2}, {3, 400}}
	script := map[Identity][]string{
		bob:                      {"C", "down", "esc", "1", "3", "f", "down", "enter", "p", "esc", "n", "esc", "esc", "/", "x", "esc", "esc", "6", "c", "c", "8", "L", "tab", "esc", "o", "esc", "?"},
		testIdentity(t, "zed"):   {"i", "a", "tab", "b", "enter", "down", "left", "esc", "esc"},
		testIdentity(t, "alice"): {"3", "f", "enter", "u", "esc", "esc", "6", "c"},
	}
	for who, keys := range script {
		for _, sz := range sizes {
			m := New(f.hub, who, WithSize(sz[0], sz[1]), pinned(propNow))
			for _, k := range keys {
				m = press(m, k)
				v := m.View().Content
				w, h := max(sz[0], 1), max(sz[1], 1)
				if got := strings.Count(v, "\n") + 1; got > h {
					t.Fatalf("%dx%d after %q: %d lines", sz[0], sz[1], k, got)
				}
				for _, l := range strings.Split(v, "\n") {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%dx%d after %q: line too wide: %q", sz[0], sz[1], k, l)
					}
				}
			}
		}
	}
}

package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// Charter text, campaign titles and what they fund, countries and asset
// codes are member-written too; every screen that shows them makes them
// inert.
func TestHostileCivicTextIsInert(t *testing.T) {
	f, alice, _ := seeded(t)
	charter := &state.Charter{Version: 2, Text: "# Rules " + evil + "\n\nBe kind, mallory. " + evil, Adopted: 1}
	figures := &state.CensusAt{At: state.CensusPoint{Height: 3, Size: 9, Time: 1},
		Figures: state.CensusFigures{Members: 4, Joined: []state.MonthCount{{Month: "1970-01", Count: 4}},
			Countries: []state.CountryCount{{Country: evil, Count: 3}}, Treasury: []state.AssetBalance{{Asset: evil, Balance: 5}}}}
	camps := &campaignData{
		list: []state.Campaign{{ID: 1, Creator: 1, Title: "roof " + evil, Funds: "tiles " + evil + "\nand more", Asset: evil,
			Goal: 100, Pledged: 40, Pledgers: 1, State: state.CampaignOpen, Deadline: 1 << 50}},
		pledges: map[uint64][]state.Pledge{1: {{Campaign: 1, Member: 1, Amount: 40}}},
	}
	me := state.Member{ID: 1, Name: evil, Roles: []string{state.RoleMember}, Consent: 1, Country: evil}
	member := &snapshot{
		info: state.HubInfo{Name: "Hub " + evil}, member: true, me: me,
		members: []state.Member{me}, roster: []state.Member{me}, count: 1,
		charter: charter, figures: figures, campaigns: camps, treasury: &treasuryData{},
	}
	a := New(f.hub, alice, WithSize(120, 40)).(*App)
	a.applySnapshot(member)
	assertInert(t, "consent prompt", a.View().Content)
	press(a, "esc")
	for _, keys := range [][]string{{"1"}, {"6"}, {"6", "c"}, {"8"}, {"3", "f"}, {"enter"}, {"p"}, {"esc", "esc", "esc"}, {"C"}} {
		press(a, keys...)
		assertInert(t, "after "+keys[0], a.View().Content)
	}
	// The Members tab beside the census, on a wide screen.
	press(a, "esc", "6")
	a.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	assertInert(t, "wide members", a.View().Content)

	visitor := &snapshot{info: state.HubInfo{Name: evil}, charter: charter, figures: figures,
		census: []state.CensusMember{{ID: 1, Name: evil}}, count: 1, size: 2}
	v := New(f.hub, testIdentity(t, "stranger"), WithSize(120, 40)).(*App)
	v.applySnapshot(visitor)
	assertInert(t, "visitor", v.View().Content)
	press(v, "i", "x", "tab", "y", "enter")
	assertInert(t, "visitor charter", v.View().Content)
}

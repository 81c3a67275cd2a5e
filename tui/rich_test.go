package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// Names as members really write them: long, right-to-left, wide CJK and
// emoji. The log refuses control characters, so escape sequences reach the
// screens only through hostileSnapshot.
const (
	longName  = "Erin O'Connell-Villanueva de la Fuente" // 38 characters
	rtlName   = "נועה בן־דוד"
	cjkName   = "山田太郎と仲間たち🏠"
	emojiName = "🌻 sunny 🌻🌻🌻"
)

// rich is a hub with something on every tab: every proposal method and
// several kinds, money, a campaign, spaces with bookings, a dispute, an
// application, and members whose names are long or wide. The session's
// member is the steward with the long name.
func rich(t *testing.T) (*fixture, Identity) {
	t.Helper()
	f := newMemFixture(t)
	erin := f.steward(longName)
	noa := f.member(erin, rtlName)
	yam := f.member(erin, cjkName)
	sun := f.member(erin, emojiName)
	for _, id := range []uint64{1, 2} {
		f.as(erin, state.SetRole{Member: id, Role: state.RoleTreasurer, Grant: true})
	}
	f.as(erin, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	f.as(testIdentity(t, "applicant"), state.ApplyToJoin{Name: "Bartholomew Featherstonehaugh-Smythe",
		Text: "I run the bakery on the corner, 山田さんの隣. I would like to help with the solar panels and the garden."})

	f.as(noa, state.Contribute{Asset: "EUR", Amount: 123456789, Memo: "solar panels for the roof of the big house on the hill, first instalment"})
	f.as(yam, state.Contribute{Asset: "EUR", Amount: 5000, Memo: "月会費 🌸"})
	f.as(sun, state.Contribute{Asset: "BTC", Amount: 1234567, Memo: "sats"})

	long := "Replace the solar panels on the big house roof and the two batteries in the shed before winter"
	f.as(erin, state.NewProposal{Kind: state.KindText, Title: long, Method: state.MethodYesNo,
		Body: "## Why\n\nThe panels are **twenty years old**.\n\n- cost: 4,000 EUR\n- 工期: 三日\n- שלום\n\n" + strings.Repeat("More words here. ", 60)})
	f.as(noa, state.NewProposal{Kind: state.KindText, Title: "Where shall we hold the winter gathering? 🎄", Method: state.MethodApproval,
		Options: []string{"Lisbon", "Porto", "東京", "תל אביב", "Online only with a very long option name indeed"}})
	f.as(yam, state.NewProposal{Kind: state.KindText, Title: "Rank the garden projects", Method: state.MethodRanked,
		Options: []string{"Greenhouse", "Compost", "Beehives"}})
	f.as(sun, state.NewProposal{Kind: state.KindText, Title: "Score the logo drafts", Method: state.MethodScore,
		Options: []string{"Sun", "Tree", "Bridge"}})
	f.as(noa, state.NewProposal{Kind: state.KindSpend, Title: "Pay the roofer", Method: state.MethodYesNo,
		Action: state.Action{Member: 2, Asset: "EUR", Amount: 40000, Memo: "roof repair, three days of work and a skip"}})
	f.as(erin, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})
	f.as(noa, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "no"}})
	f.as(noa, state.CastVote{ID: 2, Ballot: tally.Ballot{Approve: []int{0, 2}}})
	f.as(yam, state.CastVote{ID: 2, Ballot: tally.Ballot{Approve: []int{0}}})
	f.as(yam, state.CommentOn{ID: 1, Body: "Yes please! 賛成です。 " + strings.Repeat("blah ", 40)})

	dl := time.Date(2026, 12, 25, 12, 0, 0, 0, time.UTC).UnixMilli()
	f.as(erin, state.NewCampaign{Title: "New roof for the Lisbon flat, tiles and a roofer for three days", Funds: "Tiles, a roofer, a skip.",
		Asset: "EUR", Goal: 100000, Deadline: dl})
	f.as(yam, state.PledgeTo{Campaign: 1, Amount: 25000})

	addSpace(f, erin, state.Space{Name: "Casa Azul, the big blue house on the hill above the river", City: "Lisbon", Country: "PT", Beds: 4,
		Rules: "# House rules\n\n- **Quiet** after 22h\n- 靴を脱いでください\n" + strings.Repeat("Be kind to the neighbours. ", 20), NeedsApproval: true})
	addSpace(f, erin, state.Space{Name: "東京の部屋", City: "東京", Country: "JP", Beds: 2, TZ: "Asia/Tokyo"})
	f.as(noa, state.Book{Space: 1, From: "2026-12-01", To: "2026-12-05"})
	f.as(yam, state.Book{Space: 1, From: "2026-12-03", To: "2026-12-08", Beds: 2})

	f.as(noa, state.FileCase{Against: 4, Category: "conduct", Title: "Loud music every night in the shared kitchen 🎶🎶🎶",
		Statement: "It went on until 4am. " + strings.Repeat("Again and again. ", 30)})
	return f, erin
}

// TestDumpScreens writes what the app draws to a directory, for a person
// to look at: POLIS_DUMP=dir go test ./tui -run TestDumpScreens.
func TestDumpScreens(t *testing.T) {
	dir := os.Getenv("POLIS_DUMP")
	if dir == "" {
		t.Skip("set POLIS_DUMP to a directory to write screens there")
	}
	f, erin := rich(t)
	for _, sz := range sizeGrid {
		for _, sc := range screenWalks {
			m := New(f.hub, erin, WithSize(sz[0], sz[1]), WithClock(f.clk.peek))
			m = press(m, sc.keys...)
			name := strings.ReplaceAll(sc.name, " ", "_")
			_ = os.WriteFile(dir+"/"+itoa(uint64(sz[0]))+"x"+itoa(uint64(sz[1]))+"-"+name+".txt", []byte(screen(m)), 0o644)
		}
	}
}

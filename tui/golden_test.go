package tui

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// goldenScreens are every tab and the forms, as a member with a long name
// sees them in a hub of long, right-to-left, wide and emoji names.
var goldenScreens = []struct {
	name string
	keys []string
}{
	{"home", []string{"1"}},
	{"proposals", []string{"2"}},
	{"treasury", []string{"3"}},
	{"housing", []string{"4"}},
	{"disputes", []string{"5"}},
	{"members", []string{"6"}},
	{"chain", []string{"7"}},
	{"settings", []string{"8"}},
	{"proposal_new", []string{"2", "n"}},
	{"proposal_new_spend", []string{"2", "n", "shift+tab", "shift+tab", "right", "right"}},
	{"ballot_ranked", []string{"2", "g", "down", "enter", "v", "down", "K"}},
	{"case_file", []string{"5", "f"}},
	{"campaign_new", []string{"3", "f", "n"}},
	{"space", []string{"4", "G", "enter"}},
}

// signedBits are what a fresh hub key makes differ on every run: the
// signatures, the key, and the previous checkpoint's hash (which covers a
// signature).
var signedBits = regexp.MustCompile(`(polis\.local/hub\+)[0-9a-f]{8}\+\S+|(— polis\.local/hub )\S+|(Previous  |prev )\S+`)

func unsigned(v string) string {
	return signedBits.ReplaceAllStringFunc(v, func(m string) string {
		sub := signedBits.FindStringSubmatch(m)
		return sub[1] + sub[2] + sub[3] + "<signed>"
	})
}

func TestGoldenScreens(t *testing.T) {
	f, erin := rich(t)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		for _, g := range goldenScreens {
			t.Run(fmt.Sprintf("%s_%dx%d", g.name, sz[0], sz[1]), func(t *testing.T) {
				m := press(New(f.hub, erin, WithSize(sz[0], sz[1]), WithClock(f.clk.peek)), g.keys...)
				v := screen(m)
				if err := fitsScreen(v, sz[0], sz[1], "Erin"); err != nil {
					t.Fatal(err)
				}
				golden.RequireEqual(t, unsigned(v))
			})
		}
	}
}

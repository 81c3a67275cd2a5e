package tui

import (
	"regexp"
	"strings"
	"testing"
)

// A wide terminal is used: the proposals list shares it with a preview,
// titles and names are whole, the calendar grows and says its beds in
// words, and the house rules stand beside it.
func TestWideScreensUseTheirWidth(t *testing.T) {
	f, erin := rich(t)
	m := New(f.hub, erin, WithSize(200, 60), WithClock(f.clk.peek))
	v := screen(press(m, "2"))
	mustContain(t, v, "Needs your vote (4)", "│ #2 Where shall we hold the winter gathering?", "Live tally",
		"enter opens it to read all")
	v = screen(press(m, "G"))
	mustContain(t, v, "│ #1 Replace the solar panels on the big house roof", "1 yes 1 no")

	v = screen(press(m, "3"))
	mustContain(t, v, "solar panels for the roof of the big house on the hill, first instalment", cjkName)

	v = screen(press(m, "4", "G", "up", "enter"))
	mustContain(t, v, "4 free", "House rules", "Quiet", "after 22h") // rendered, or plain until it is
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "Mon") && strings.Contains(l, "Sun") && len(strings.TrimSpace(l)) < 80 {
			t.Fatalf("the calendar did not grow: %q", l)
		}
	}

	// Home fills the height with what is open and the money.
	v = screen(press(m, "1"))
	mustContain(t, v, "Open for a vote (5)", "Treasury", "Where shall we hold the winter gathering?",
		"Your stays", "Campaigns open", "25% New roof for the Lisbon flat", "Your cases")
}

// Approval results give the share of voters approving each option: two
// voters, both approve Lisbon (100%), one approves 東京 (50%).
func TestApprovalShowsShareOfVoters(t *testing.T) {
	f, erin := rich(t)
	v := screen(press(New(f.hub, erin, WithSize(120, 40), WithClock(f.clk.peek)), "2", "g", "enter"))
	mustContain(t, v, "share of voters approving")
	if !regexp.MustCompile(`1 Lisbon .* 2 +100%`).MatchString(v) || !regexp.MustCompile(`3 東京 .* 1 +50%`).MatchString(v) {
		t.Fatalf("approval shares are not of voters:\n%s", v)
	}
}

// The moderator's queue shares a wide screen with the selected case.
func TestDisputesPreviewWhenWide(t *testing.T) {
	f, _ := rich(t)
	yam := testIdentity(t, cjkName)
	for _, w := range []int{150, 200, 300, 1000} {
		m := press(New(f.hub, yam, WithSize(w, 50), WithClock(f.clk.peek)), "5")
		v := screen(m)
		if err := fitsScreen(v, w, 50, cjkName[:6]); err != nil {
			t.Fatalf("%d: %v\n%s", w, err, v)
		}
		mustContain(t, v, "Moderation queue (1)", "│ Case #1", "Filed by", "It went on until 4am.", "enter opens it")
	}
	v := screen(press(New(f.hub, yam, WithSize(120, 40), WithClock(f.clk.peek)), "5"))
	if strings.Contains(v, "│ Case #1") {
		t.Fatalf("a preview at 120 columns:\n%s", v)
	}
}

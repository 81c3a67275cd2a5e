package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
)

func caseOf(t *testing.T, f *fixture, id uint64) state.Case {
	t.Helper()
	c, _, err := f.hub.CaseWithThread(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withModerator: alice is a steward and the respondent-to-be, bob a member,
// dave a moderator.
func withModerator(t *testing.T) (f *fixture, alice, bob, dave Identity) {
	f, alice, bob = seeded(t)
	dave = f.member(alice, "dave")
	f.as(alice, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	return f, alice, bob, dave
}

func TestDisputesEmptyState(t *testing.T) {
	f, _, bob := seeded(t)
	v := screen(press(New(f.hub, bob, WithSize(80, 24)), "5"))
	mustContain(t, v, "Disputes", "never a party", "You have no cases.", "f to file a case")
	if strings.Contains(v, "Nothing here yet") {
		t.Fatalf("still the placeholder:\n%s", v)
	}
}

func TestDisputesFileClaimRuleAppeal(t *testing.T) {
	f, alice, bob, dave := withModerator(t)

	// bob files a case against alice through the tab.
	mb := press(New(f.hub, bob, WithSize(100, 30), WithClock(f.clk.peek)), "5", "f")
	if !mb.(*App).shell.tab(tabDisputes).Capturing() {
		t.Fatal("the form should capture keys")
	}
	mb = typeText(mb, "alice")
	mb = press(mb, "enter")
	mb = typeText(mb, "conduct")
	mb = press(mb, "enter")
	mb = typeText(mb, "Loud parties every night")
	mb = press(mb, "enter")
	mb = typeText(mb, "Music until 4am, three nights in a row.")
	mb = press(mb, "enter")
	mustContain(t, statusLineOf(mb), "filed case #1 against alice")
	if c := caseOf(t, f, 1); c.Filer != 2 || c.Respondent != 1 || c.Category != "conduct" || c.State != state.CaseStateOpen {
		t.Fatalf("case %+v", c)
	}
	mustContain(t, screen(mb), "Your cases (1)", "#1", "bob v alice", "open · unclaimed", "Loud parties every night")

	// alice is made a moderator too: as a party she is refused the claim.
	f.as(alice, state.SetRole{Member: 1, Role: state.RoleModerator, Grant: true})
	ma := press(New(f.hub, alice, WithSize(100, 30), WithClock(f.clk.peek)), "5")
	mustContain(t, screen(ma), "Your cases (1)", "Moderation queue (0)", "no cases waiting")
	ma = press(ma, "c")
	mustContain(t, statusLineOf(ma), "you are a party to case 1, so you can never handle it")

	// dave's queue has it; he claims it and rules a suspension.
	md := press(New(f.hub, dave, WithSize(100, 30), WithClock(f.clk.peek)), "5")
	mustContain(t, screen(md), "Moderation queue (1)", "bob v alice")
	md = press(md, "c")
	mustContain(t, statusLineOf(md), "you claimed case #1")
	mustContain(t, screen(md), "with dave")
	md = press(md, "r", "right", "right", "right")
	mustContain(t, screen(md), "Rule on case #1", "suspension")
	md = press(md, "enter")
	md = typeText(md, "3")
	md = press(md, "enter")
	md = typeText(md, "Quiet hours are part of the house rules.")
	md = press(md, "enter")
	mustContain(t, statusLineOf(md), "you ruled on case #1: suspension for 3 days")
	if c := caseOf(t, f, 1); c.State != state.CaseStateRuled || c.Outcome != state.OutcomeSuspension || c.SuspendDays != 3 || c.Moderator != 3 {
		t.Fatalf("case %+v", c)
	}

	// Live: alice's open tab shows the ruling; she opens it and appeals.
	ma = refresh(ma)
	mustContain(t, screen(ma), "ruled: suspension, 3 days")
	ma = press(ma, "enter")
	mustContain(t, screen(ma), "Case #1", "Loud parties every night", "Moderator", "dave", "Quiet hours are part",
		"Music until 4am", "Evidence thread (0)")
	ma = press(ma, "e")
	ma = typeText(ma, "I was away that week.")
	ma = press(ma, "enter")
	mustContain(t, statusLineOf(ma), "statement added to case #1")
	mustContain(t, screen(ma), "Evidence thread (1)", "I was away that week.")
	ma = press(ma, "A")
	mustContain(t, statusLineOf(ma), "press A again to appeal")
	if c := caseOf(t, f, 1); c.State != state.CaseStateRuled {
		t.Fatalf("one press appealed: %+v", c)
	}
	ma = press(ma, "A")
	mustContain(t, statusLineOf(ma), "appealed case #1")
	if c := caseOf(t, f, 1); c.State != state.CaseStateAppealed {
		t.Fatalf("case %+v", c)
	}
	mustContain(t, screen(ma), "appealed", "the jury is drawn by lottery from the next checkpoint")
}

func TestDisputesWithdrawTakesTwoPresses(t *testing.T) {
	f, alice, bob, _ := withModerator(t)
	f.as(bob, state.FileCase{Against: 1, Title: "Borrowed bike", Statement: "Not returned."})
	m := press(New(f.hub, bob, WithSize(80, 24)), "5", "W")
	mustContain(t, statusLineOf(m), "press W again to withdraw case #1")
	m = press(m, "down", "W")
	if c := caseOf(t, f, 1); c.State != state.CaseStateOpen {
		t.Fatalf("moving disarms: %+v", c)
	}
	m = press(m, "W")
	mustContain(t, statusLineOf(m), "withdrew case #1")
	mustContain(t, screen(m), "withdrawn")
	_ = alice
}

func TestDisputesJuryLine(t *testing.T) {
	cs := state.Case{State: state.CaseStateAppealed, Jury: []uint64{2, 3, 5}, JuryHeight: 7, JurySeed: "abcdef0123456789"}
	got := juryLine(cs)
	if got != "jury of 3 drawn from checkpoint 7 · seed abcdef01… · any member can recompute it with polis verify" {
		t.Fatalf("jury line %q", got)
	}
}

func TestDisputesSizesFit(t *testing.T) {
	f, alice, bob, dave := withModerator(t)
	f.as(bob, state.FileCase{Against: 1, Category: "housing", Title: strings.Repeat("Long title ", 10), Statement: strings.Repeat("words ", 400)})
	f.as(dave, state.CaseAction{ID: 1, Action: "claim"})
	_ = alice
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {1, 1}} {
		for _, who := range []Identity{bob, dave} {
			for _, keys := range [][]string{{"5"}, {"5", "enter"}, {"5", "f"}, {"5", "r"}, {"5", "enter", "down", "down"}} {
				m := press(New(f.hub, who, WithSize(sz[0], sz[1])), keys...)
				lines := strings.Split(m.View().Content, "\n")
				if len(lines) > sz[1] {
					t.Fatalf("%v %v: %d lines", sz, keys, len(lines))
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Fatalf("%v %v: line %d wide: %q", sz, keys, w, ansi.Strip(l))
					}
				}
			}
		}
	}
}

func TestDisputesHostileTextIsInert(t *testing.T) {
	f, alice, _ := seeded(t)
	m := press(New(f.hub, alice, WithSize(100, 40)), "5")
	a := m.(*App)
	s := loadSnapshot(f.hub, alice, 0, nil)
	s.cases = []state.Case{{ID: 1, Filer: 1, Respondent: 2, Category: evil, Title: "title " + evil, Statement: "stmt " + evil + "\nmore",
		State: state.CaseStateAppealed, Outcome: evil, Reason: "reason " + evil, Jury: []uint64{1}, JurySeed: evil, JuryHeight: 2}}
	a.applySnapshot(s)
	assertInert(t, "list", m.View().Content)
	m = press(m, "enter")
	assertInert(t, "case", m.View().Content)
	var _ tea.Model = m
}

// A moderator who is not a party reads the private notes in the case view;
// a party does not.
func TestDisputesPrivateNotes(t *testing.T) {
	f, alice, bob, dave := withModerator(t)
	f.as(bob, state.FileCase{Against: 1, Title: "Noise"})
	f.as(dave, state.NewPrivateNote(1, "Talked to both; calmer now."))
	md := press(New(f.hub, dave, WithSize(100, 30), WithClock(f.clk.peek)), "5", "enter")
	mustContain(t, screen(md), "Private notes (1)", "Talked to both")
	mb := press(New(f.hub, bob, WithSize(100, 30), WithClock(f.clk.peek)), "5", "enter")
	if v := screen(mb); strings.Contains(v, "Talked to both") || strings.Contains(v, "Private notes") {
		t.Fatalf("a party sees private notes:\n%s", v)
	}
	_ = alice
}

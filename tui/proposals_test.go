package tui

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// The fixture's hub clock starts at 2026-11-25 12:00 UTC, so a text
// proposal opened then closes a week later; the app's clock is pinned an
// hour in.
var propNow = time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)

func pinned(t time.Time) Option { return WithClock(func() time.Time { return t }) }

// withProposal is the seeded hub with one open yes/no proposal by alice.
func withProposal(t *testing.T) (*fixture, Identity, Identity) {
	f, alice, bob := seeded(t)
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Paint the shed green",
		Body: "The shed is grey.\nGreen would be nicer.", Method: state.MethodYesNo})
	return f, alice, bob
}

func refresh(m tea.Model) tea.Model {
	m, cmd := m.Update(changedMsg{})
	return drain(m, cmd)
}

func TestProposalsListShowsTally(t *testing.T) {
	f, alice, bob := withProposal(t)
	f.as(bob, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "no"}})
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Pick a day", Method: state.MethodApproval,
		Options: []string{"Monday", "Friday"}})
	f.as(bob, state.CastVote{ID: 2, Ballot: tally.Ballot{Approve: []int{1}}})
	m := press(New(f.hub, alice, WithSize(100, 30), pinned(propNow)), "2")
	v := screen(m)
	mustContain(t, v, "Proposals  2 open · 2 need your vote", "Needs your vote (2)",
		"#1", "Paint the shed green", "active", "6d 23h", "0 yes 1 no", "Friday 1", "▓▓▓▓▓▓▓▓")

	// bob voted on both, so they are open but no longer his to do.
	v = screen(press(New(f.hub, bob, WithSize(100, 30), pinned(propNow)), "2"))
	mustContain(t, v, "Open (2)")
	if strings.Contains(v, "Needs your vote") {
		t.Fatalf("bob has voted everywhere:\n%s", v)
	}

	// / filters by title.
	m = typeText(press(m, "/"), "day")
	v = screen(m)
	mustContain(t, v, "Pick a day", "1 of 2 proposals match")
	if strings.Contains(v, "Paint the shed") {
		t.Fatalf("filter kept the shed:\n%s", v)
	}
	m = press(m, "esc")
	mustContain(t, screen(m), "Paint the shed", "Pick a day")
}

func TestProposalsVoteWithAKey(t *testing.T) {
	f, alice, bob := withProposal(t)
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "2", "enter")
	v := screen(m)
	mustContain(t, v, "#1 Paint the shed green", "text · yes/no · by alice", "6d 23h left",
		"The shed is grey.", "You have not voted", "Discussion (0)")

	m = press(m, "y")
	v = screen(m)
	mustContain(t, v, "you voted yes on #1", "your vote: yes", "receipt: event #", "1 of 2 members",
		"1 direct, 0 delegated", "passing now")
	if !strings.Contains(v, "yes") || !regexpCount(v, `yes\s+█+\s+1\s+100%`) {
		t.Fatalf("tally lacks 1 yes:\n%s", v)
	}
	pv, err := f.hub.ProposalFor(1, 1)
	if err != nil || pv.Tally.Yes != 1 || pv.MyVote == nil || pv.MyVote.Choice != "yes" {
		t.Fatalf("vote not recorded: %+v %v", pv.Tally, err)
	}
	rc, err := f.hub.VoteReceipt(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, v, "event #"+itoa(rc.Seq))

	// Another member votes directly; the open screen shows it on refresh.
	if _, err := f.hub.Submit(context.Background(), state.Actor{Key: bob.Key, Fingerprint: bob.Fingerprint},
		state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "no"}}); err != nil {
		t.Fatal(err)
	}
	v = screen(refresh(m))
	mustContain(t, v, "2 of 2 members", "your vote: yes")
	if !regexpCount(v, `no\s+▓+░*\s+1\s+50%`) {
		t.Fatalf("bob's no is missing:\n%s", v)
	}

	// The same key again changes nothing; esc goes back to the list.
	m = press(m, "y")
	mustContain(t, screen(m), "you already voted yes on #1")
	m = press(m, "esc")
	mustContain(t, screen(m), "Open (1)", "1 yes 1 no")
}

func TestProposalsLiveTally(t *testing.T) {
	f, alice, bob := withProposal(t)
	tm := teatest.NewTestModel(t, New(f.hub, alice, WithContext(t.Context()), pinned(propNow)), teatest.WithInitialTermSize(120, 40))
	tm.Send(keyMsg("2"))
	tm.Send(keyMsg("enter"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("0 of 2 members")) },
		teatest.WithDuration(5*time.Second))
	// The renderer only redraws changed cells, so wait for new words: a
	// comment bob sends after his vote.
	f.as(bob, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})
	f.as(bob, state.CommentOn{ID: 1, Body: "voted, see you there"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("see you there")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyMsg("q"))
	a := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	mustContain(t, screen(a), "1 of 2 members", "You have not voted", "passing now")
	if !regexpCount(screen(a), `yes\s+█+\s+1\s+100%`) {
		t.Fatalf("bob's yes is missing:\n%s", screen(a))
	}
}

func TestProposalsCommentCapturesKeys(t *testing.T) {
	f, alice, _ := withProposal(t)
	a := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "2", "enter", "c").(*App)
	if !a.shell.tab(tabProposals).Capturing() {
		t.Fatal("comment box does not capture keys")
	}
	typeText(a, "q1 looks good")
	if a.shell.active != tabProposals || a.sess.closed() {
		t.Fatal("q or 1 acted as a global key while typing")
	}
	press(a, "enter")
	v := screen(a)
	mustContain(t, v, "comment added to #1", "Discussion (1)", "alice", "q1 looks good")
	if a.shell.tab(tabProposals).Capturing() {
		t.Fatal("still capturing after sending")
	}
}

func TestProposalsBallotInput(t *testing.T) {
	f, alice, _ := seeded(t)
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Where to meet", Method: state.MethodRanked,
		Options: []string{"Library", "Cafe", "Park"}})
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "2", "enter")
	mustContain(t, screen(m), "1 Library", "3 Park", "press v to vote")
	m = press(m, "y")
	mustContain(t, screen(m), "press v to vote")
	// Park to the top, Cafe left out: the ranking is marked with keys.
	m = press(m, "v")
	mustContain(t, screen(m), "Your ranked choice ballot on #1", " 1. Library", " 3. Park")
	m = press(m, "down", "down", "K", "K", "down", "down", "space")
	mustContain(t, screen(m), " 1. Park", " 2. Library", "Cafe  (left out)")
	m = press(m, "enter")
	mustContain(t, screen(m), "your vote: Park > Library", "your ranked choice ballot on #1 is in")
}

func TestProposalsNewForm(t *testing.T) {
	f, alice, _ := seeded(t)
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "2", "n")
	a := m.(*App)
	mustContain(t, screen(a), "New proposal", "Title", "Body", "ctrl+s")
	if !a.shell.tab(tabProposals).Capturing() {
		t.Fatal("form does not capture keys")
	}
	press(a, "ctrl+s")
	mustContain(t, screen(a), "a proposal needs a title", "New proposal")
	typeText(a, "Quiet hours after 10")
	press(a, "enter") // to the body
	typeText(a, "So the kids can sleep.")
	press(a, "enter")
	typeText(a, "Second line.")
	press(a, "ctrl+s")
	v := screen(a)
	mustContain(t, v, "your proposal is open for votes", "#1 Quiet hours after 10", "So the kids can sleep.", "Second line.")
	ps, _ := f.hub.ProposalsFor(1)
	if len(ps) != 1 || ps[0].Body != "So the kids can sleep.\nSecond line." || ps[0].Method != state.MethodYesNo {
		t.Fatalf("proposals %+v", ps)
	}
	// esc leaves a form without sending; with something typed, it asks
	// first.
	press(a, "esc", "N", "x", "esc")
	mustContain(t, screen(a), "New proposal", "press esc again to discard")
	press(a, "esc")
	mustContain(t, screen(a), "Proposals  1 open")
	press(a, "N", "esc")
	mustContain(t, screen(a), "Proposals  1 open")
}

func TestProposalsSubmitErrorInStatusBar(t *testing.T) {
	f, alice, _ := withProposal(t)
	m := press(New(f.hub, alice, WithSize(80, 24), pinned(propNow)), "2", "enter")
	f.as(alice, state.CancelProposal{ID: 1}) // the screen has not seen it yet
	m = press(m, "n")
	lines := strings.Split(screen(m), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "voting is closed") {
		t.Fatalf("status bar %q", last)
	}
}

func TestHomeShowsProposalsNeedingMe(t *testing.T) {
	f, alice, _ := withProposal(t)
	v := screen(New(f.hub, alice, WithSize(80, 24), pinned(propNow)))
	mustContain(t, v, "1 proposal needs your vote", "vote in 2 Proposals")
	if strings.Contains(v, "closing within a day") {
		t.Fatalf("a week-long vote is not closing soon:\n%s", v)
	}
	late := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	a := New(f.hub, alice, WithSize(80, 24), pinned(late))
	mustContain(t, screen(a), "1 closing within a day")
	mustContain(t, screen(press(a, "2")), "6h 00m")
	f.as(alice, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "abstain"}})
	if v := screen(refresh(press(a, "1"))); strings.Contains(v, "needs your vote") {
		t.Fatalf("voted, still asked to:\n%s", v)
	}
}

func TestProposalsFitAllSizes(t *testing.T) {
	f, alice, bob := withProposal(t)
	f.as(bob, state.CommentOn{ID: 1, Body: strings.Repeat("a long comment that wraps ", 30)})
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: strings.Repeat("W", state.MaxTitleLen), Method: state.MethodScore,
		Options: []string{"one", "two", "three"}})
	f.as(bob, state.CastVote{ID: 2, Ballot: tally.Ballot{Scores: []int{1, 2, 3}}})
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {120, 40}} {
		m := New(f.hub, alice, WithSize(sz[0], sz[1]), pinned(propNow))
		for _, keys := range [][]string{{"2"}, {"down"}, {"enter"}, {"v"}, {"esc", "esc", "up", "enter"}, {"y"}, {"c"}, {"esc", "N"}, {"esc", "esc", "?"}, {"?"}} {
			m = press(m, keys...)
			checkFits(t, screen(m), sz[0], sz[1])
		}
	}
	m := New(f.hub, alice, pinned(propNow))
	for _, sz := range [][2]int{{1, 1}, {0, 0}, {10, 3}, {30, 8}, {45, 12}, {60, 15}, {5000, 2}, {3, 4000}} {
		m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, k := range []string{"2", "/", "x", "esc", "down", "enter", "c", "esc", "v", "esc", "esc", "n", "esc", "enter", "esc"} {
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

func TestProposalsHostileTextIsInert(t *testing.T) {
	f, alice, _ := seeded(t)
	deadline := propNow.Add(3 * time.Hour).UnixMilli()
	hostile := []state.ProposalView{
		{Proposal: state.Proposal{ID: 1, Author: 2, Kind: "text" + evil, Title: "Title " + evil, Body: "body " + evil + "\nmore " + evil,
			Method: state.MethodYesNo, State: state.PropActive, Deadline: deadline},
			AuthorName: evil, Tally: state.Tally{Method: state.MethodYesNo, Eligible: 2, Participants: 1, Yes: 1, Winner: -1}},
		{Proposal: state.Proposal{ID: 2, Author: 2, Kind: "text", Title: evil, Method: state.MethodApproval,
			Options: []string{evil, "b" + evil}, State: state.PropActive, Deadline: deadline},
			AuthorName: evil, Tally: state.Tally{Method: state.MethodApproval, Options: []string{evil, "b" + evil}, Counts: []int{1, 0}, Winner: 0},
			MyVote: &state.Vote{Approve: []int{0, 1}, Seq: 4}},
	}
	open := hostile[1]
	open.Comments = []state.Comment{{ID: 1, Author: 1, Body: "hi " + evil + "\nthere"}}
	snap := &snapshot{
		info: state.HubInfo{Name: "Hub"}, member: true,
		me:        state.Member{ID: 1, Name: evil, Roles: []string{state.RoleMember}},
		members:   []state.Member{{ID: 1, Name: evil}, {ID: 2, Name: "b" + evil}},
		proposals: hostile, open: &open, receipt: &state.Receipt{Seq: 4, LeafHash: evil, Sealed: true},
		size: 5,
	}
	for _, w := range []int{80, 200} {
		a := New(f.hub, alice, WithSize(w, 40), pinned(propNow)).(*App)
		a.applySnapshot(snap)
		press(a, "2")
		assertInert(t, "list", a.View().Content)
		mustContain(t, screen(a), "Title mallory")
		// Open without reloading, so the hostile snapshot stays on screen.
		a.Update(keyMsg("down"))
		a.Update(keyMsg("enter"))
		a.c.snap = snap
		a.shell.refresh()
		assertInert(t, "detail", a.View().Content)
		mustContain(t, screen(a), "Discussion (1)", "hi mallory", "your vote: mallory")
		a.Update(keyMsg("c"))
		assertInert(t, "comment", a.View().Content)
		a.Update(keyMsg("esc"))
		a.Update(keyMsg("esc"))
		a.Update(keyMsg("up"))
		a.Update(keyMsg("enter"))
		assertInert(t, "detail yes/no", a.View().Content)
		press(a, "1")
		assertInert(t, "home", a.View().Content)
	}
}

func regexpCount(s, re string) bool { return regexp.MustCompile(re).MatchString(s) }

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

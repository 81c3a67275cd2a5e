package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// The read rules live in state, and both doors ask them: these tests run
// the app and the command tree on one hub and hold each to the other and
// to state's answer.

// door runs a command line for who through the command tree, as the SSH
// door does.
func door(t *testing.T, f *fixture, who Identity, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cmd.Execute(context.Background(), f.hub, who, args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// cmdJSON runs a command line with --json and decodes what it prints.
func cmdJSON(t *testing.T, f *fixture, who Identity, v any, args ...string) {
	t.Helper()
	out, errs, code := door(t, f, who, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("%s: %s", strings.Join(args, " "), errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func disputesOf(m tea.Model) *disputesTab {
	d := m.(*App).shell.tab(tabDisputes).(*disputesTab)
	d.sync()
	return d
}

func caseIDs(cs []state.Case) []uint64 {
	ids := []uint64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// withCases: bob files three cases against alice; dave claims case 1 and
// steps aside, erin (a moderator too) holds case 2, dave handles case 3.
func withCases(t *testing.T) (f *fixture, alice, bob, dave, erin Identity) {
	f, alice, bob, dave = withModerator(t)
	erin = f.member(alice, "erin")
	f.as(alice, state.SetRole{Member: 4, Role: state.RoleModerator, Grant: true})
	for _, title := range []string{"Noise", "Mess", "Rent"} {
		f.as(bob, state.FileCase{Against: 1, Category: "conduct", Title: title, Statement: "It happened."})
	}
	f.as(dave, state.CaseAction{ID: 1, Action: "claim"})
	f.as(dave, state.CaseAction{ID: 1, Action: "recuse"})
	f.as(erin, state.CaseAction{ID: 2, Action: "claim"})
	f.as(dave, state.CaseAction{ID: 3, Action: "claim"})
	return f, alice, bob, dave, erin
}

// After a moderator steps aside, neither door queues the case for them,
// and neither queues a case another moderator holds: the queue is the
// cases claim accepts, and the ones the moderator handles.
func TestQueueAgreesWithClaim(t *testing.T) {
	f, _, _, dave, erin := withCases(t)
	for _, tc := range []struct {
		name string
		who  Identity
		want []uint64
	}{
		{"dave", dave, []uint64{3}},
		{"erin", erin, []uint64{1, 2}},
	} {
		var listed []state.Case
		cmdJSON(t, f, tc.who, &listed, "dispute", "list", "--queue")
		if got := caseIDs(listed); !slices.Equal(got, tc.want) {
			t.Errorf("%s: dispute list --queue lists %v, want %v", tc.name, got, tc.want)
		}
		app := disputesOf(press(New(f.hub, tc.who, WithSize(100, 30), WithClock(f.clk.peek)), "5"))
		if got := caseIDs(app.lists[dsQueue]); !slices.Equal(got, tc.want) {
			t.Errorf("%s: the app queues %v, want %v", tc.name, got, tc.want)
		}
	}
	_, errs, code := door(t, f, dave, "dispute", "claim", "1")
	if code == 0 || !strings.Contains(errs, "you stepped aside from case 1") {
		t.Fatalf("dave claims case 1 again: %d %q", code, errs)
	}
}

// What the app offers on a case, as keys, is what `dispute show` says the
// member may do, for every member and case: both are state.CaseActions.
// (Private notes are written with the command only.)
func TestCaseActionsAgree(t *testing.T) {
	f, alice, bob, dave, erin := withCases(t)
	f.as(dave, state.Rule{ID: 3, Outcome: state.OutcomeWarning, Reason: "Pay it."})
	people := map[string]Identity{"alice": alice, "bob": bob, "dave": dave, "erin": erin}
	offered := 0
	for name, who := range people {
		app := disputesOf(press(New(f.hub, who, WithSize(100, 30), WithClock(f.clk.peek)), "5"))
		for id := uint64(1); id <= 3; id++ {
			var shown struct {
				Actions []state.CaseAct `json:"actions"`
			}
			cmdJSON(t, f, who, &shown, "dispute", "show", strconv.FormatUint(id, 10))
			var want []string
			for _, a := range shown.Actions {
				if k, ok := app.actKey(a); ok {
					want = append(want, k.Help().Key)
				}
			}
			cs, _ := app.find(id)
			var got []string
			for _, k := range app.caseKeys(cs) {
				got = append(got, k.Help().Key)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s on case %d: the app offers %v, the command %v", name, id, got, shown.Actions)
			}
			offered += len(got)
		}
	}
	if offered == 0 {
		t.Fatal("nothing was offered to anyone")
	}
}

// The app's calendar and the commands count free beds, closed nights and
// tonight the same way: state's. Space 1 has a blackout, a confirmed and a
// pending stay (both hold beds), a waitlisted and a cancelled one (which
// do not); space 2 is retired.
func TestHousingAgrees(t *testing.T) {
	f, alice, bob := seeded(t)
	addSpace(f, alice, state.Space{Name: "Casa", Beds: 3, NeedsApproval: true,
		Blackouts: []state.DateSpan{{From: "2026-12-14", To: "2026-12-16"}}})
	addSpace(f, alice, state.Space{Name: "Old", Beds: 2})
	f.as(bob, state.Book{Space: 1, From: "2026-12-10", To: "2026-12-13", Beds: 2})
	f.as(alice, state.DecideBooking{ID: 1, Approve: true})
	f.as(alice, state.Book{Space: 1, From: "2026-12-11", To: "2026-12-12", Beds: 1}) // pending
	f.as(bob, state.Book{Space: 1, From: "2026-12-10", To: "2026-12-11", Beds: 2, Waitlist: true})
	f.as(bob, state.Book{Space: 1, From: "2026-12-16", To: "2026-12-18", Beds: 1})
	f.as(bob, state.CancelBooking{ID: 4})
	f.as(alice, state.RetireSpace{ID: 2})

	app, err := readHousing(f.hub)
	if err != nil {
		t.Fatal(err)
	}
	var shown struct {
		Nights []state.Night `json:"nights"`
	}
	cmdJSON(t, f, bob, &shown, "housing", "show", "1", "--from", "2026-12-09", "--to", "2026-12-19")
	s, _ := app.space(1)
	var free []int
	for _, n := range shown.Nights {
		day, err := state.DayNum(n.Date)
		if err != nil {
			t.Fatal(err)
		}
		if got := app.free(&s, day); got != n.Free {
			t.Errorf("%s: the app has %d free, the command %d", n.Date, got, n.Free)
		}
		if s.ClosedOn(day) != n.Closed {
			t.Errorf("%s: the app has closed %v, the command %v", n.Date, s.ClosedOn(day), n.Closed)
		}
		free = append(free, n.Free)
	}
	if want := []int{3, 1, 0, 1, 3, 3, 3, 3, 3, 3}; !slices.Equal(free, want) {
		t.Errorf("free beds %v, want %v", free, want)
	}
	var spaces []state.SpaceView
	cmdJSON(t, f, bob, &spaces, "housing", "list")
	for _, sv := range spaces {
		s, _ := app.space(sv.ID)
		if got := app.free(&s, state.Today(s.TZ, f.clk.peek().UnixMilli())); got != sv.FreeTonight {
			t.Errorf("space %d: the app has %d free tonight, the command %d", sv.ID, got, sv.FreeTonight)
		}
	}
	if len(spaces) != 2 || spaces[1].FreeTonight != 0 {
		t.Errorf("spaces %+v", spaces)
	}
}

// A vote reads the same in the app and in `proposal show`, for every
// method: both doors say it with state.BallotText.
func TestBallotsAgree(t *testing.T) {
	opts := []string{"Soup", "Salad", "Stew"}
	for _, tc := range []struct {
		method string
		ballot tally.Ballot
		want   string
	}{
		{state.MethodYesNo, tally.Ballot{Choice: tally.ChoiceYes}, "yes"},
		{state.MethodApproval, tally.Ballot{Approve: []int{0, 2}}, "Soup, Stew"},
		{state.MethodRanked, tally.Ballot{Ranking: []int{1, 0, 2}}, "Salad > Soup > Stew"},
		{state.MethodScore, tally.Ballot{Scores: []int{3, 5, 0}}, "Soup 3, Salad 5, Stew 0"},
	} {
		f, alice, bob := seeded(t)
		p := state.NewProposal{Kind: state.KindText, Title: "Lunch", Method: tc.method, Options: opts}
		if tc.method == state.MethodYesNo {
			p.Options = nil
		}
		f.as(alice, p)
		f.as(bob, state.CastVote{ID: 1, Ballot: tc.ballot})
		out, errs, code := door(t, f, bob, "proposal", "show", "1")
		if code != 0 {
			t.Fatalf("%s: %s", tc.method, errs)
		}
		if !strings.Contains(out, "Your vote: "+tc.want+" (event") {
			t.Errorf("%s: the command says\n%s", tc.method, out)
		}
		mustContain(t, screen(press(New(f.hub, bob, WithSize(100, 30), pinned(propNow)), "2", "enter")), "your vote: "+tc.want)
	}
}

// The applications waiting reach those who may decide them and nobody
// else, in the app and through `applications --json` alike: a plain
// member or a moderator gets neither the list nor an applicant's text.
func TestApplicationsAgree(t *testing.T) {
	f, alice, bob, dave := withModerator(t) // carol's application waits
	for _, tc := range []struct {
		name string
		who  Identity
		may  bool
	}{{"alice", alice, true}, {"bob", bob, false}, {"dave", dave, false}, {"a visitor", testIdentity(t, "zed"), false}} {
		me, _, _ := f.hub.Whoami(tc.who.Fingerprint)
		if state.MaySeeApplications(me) != tc.may {
			t.Errorf("%s: state says %v", tc.name, !tc.may)
		}
		out, errs, code := door(t, f, tc.who, "applications", "--json")
		if (code == 0) != tc.may || strings.Contains(out, "bakery") != tc.may {
			t.Errorf("%s: applications --json: %d %q %q", tc.name, code, out, errs)
		}
		if tc.name == "bob" && !strings.Contains(errs, "only stewards may read applications") {
			t.Errorf("bob is refused with %q", errs)
		}
		snap := loadSnapshot(f.hub, tc.who, 0, nil)
		v := screen(press(New(f.hub, tc.who, WithSize(100, 30)), "6"))
		if (len(snap.pending) > 0) != tc.may || strings.Contains(v, "Applications waiting") != tc.may || strings.Contains(v, "bakery") != tc.may {
			t.Errorf("%s: the app has %d applications:\n%s", tc.name, len(snap.pending), v)
		}
	}
}

package state

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state/tally"
)

type govFixture struct {
	t   *testing.T
	s   *Memory
	h   *Hub
	clk *fakeClock
	ppl map[string]Actor
	ids map[string]uint64
	ctx context.Context
}

// newGov makes a hub with alice (steward), bob, carol and dave.
func newGov(t *testing.T) *govFixture { return newGovWith(t, MemoryOptions{}) }

func newGovWith(t *testing.T, o MemoryOptions) *govFixture {
	clk := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	o.Clock = clk.now
	s := openTest(t, o)
	f := &govFixture{t: t, s: s, h: NewHub(s), clk: clk, ppl: map[string]Actor{}, ids: map[string]uint64{}, ctx: context.Background()}
	mustSubmit(t, s, SystemActor, CreateHub{Name: "gov"})
	for i, n := range []string{"alice", "bob", "carol", "dave"} {
		f.ppl[n] = testActor(t, n)
		if i == 0 {
			mustSubmit(t, s, SystemActor, AdmitAdmin{Key: f.ppl[n].Key, Name: n})
		} else {
			code, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 1, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			mustSubmit(t, s, f.ppl[n], Join{CodeHash: HashCode(code), Name: n})
		}
		f.ids[n] = uint64(i + 1)
	}
	return f
}

// verify checks the whole log (see verifyLog).
func (f *govFixture) verify() (VerifyReport, error) { return verifyLog(f.s) }

func (f *govFixture) do(who string, c Command) []Event {
	f.t.Helper()
	return mustSubmit(f.t, f.s, f.ppl[who], c)
}

func (f *govFixture) refuse(who string, c Command, want string) {
	f.t.Helper()
	before, size := f.s.StateDigest(), f.s.Size()
	_, err := f.s.Submit(f.ctx, f.ppl[who], c)
	if err == nil || !strings.Contains(err.Error(), want) {
		f.t.Fatalf("%s %T: err %v, want %q", who, c, err, want)
	}
	if strings.Contains(err.Error(), "\n") {
		f.t.Fatalf("error is not one line: %q", err)
	}
	if f.s.StateDigest() != before || f.s.Size() != size {
		f.t.Fatalf("refused %T changed state", c)
	}
}

func (f *govFixture) view(id uint64, who string) ProposalView {
	f.t.Helper()
	v, err := f.h.ProposalFor(id, f.ids[who])
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

func yes(c string) tally.Ballot { return tally.Ballot{Choice: c} }

func TestProposalLifecycleAndRoleExecution(t *testing.T) {
	f := newGov(t)
	evs := f.do("carol", NewProposal{Kind: KindRole, Title: "Make bob a moderator", Body: "He *listens*.",
		Action: Action{Member: f.ids["bob"], Role: RoleModerator, Grant: true}})
	id := evs[0].Body.(*ProposalCreated).Proposal
	f.do("alice", CastVote{ID: id, Ballot: yes("yes")})
	f.do("bob", CastVote{ID: id, Ballot: yes("no")})
	f.do("carol", CastVote{ID: id, Ballot: yes("yes")})
	f.do("bob", CastVote{ID: id, Ballot: yes("yes")}) // changes his vote: still counts once
	v := f.view(id, "bob")
	if v.Tally.Yes != 3 || v.Tally.No != 0 || v.Tally.Participants != 3 || v.MyVote == nil || v.MyVote.Choice != "yes" {
		t.Fatalf("tally %+v my %+v", v.Tally, v.MyVote)
	}
	f.do("dave", CommentOn{ID: id, Body: "Agreed."})
	// Not yet: the hub refuses to close early, and a member cannot close.
	f.refuse("alice", CloseProposal{ID: id}, "deadline")
	if _, err := f.s.Submit(f.ctx, SystemActor, CloseProposal{ID: id}); err == nil {
		t.Fatal("closed before the deadline")
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.refuse("dave", CastVote{ID: id, Ballot: yes("yes")}, "closed")
	f.h.CloseDue(f.ctx)
	v = f.view(id, "alice")
	if v.State != PropExecuted || !v.Outcome.Passing || len(v.Comments) != 1 {
		t.Fatalf("after deadline: %+v", v.Proposal)
	}
	bob, _ := GetMemberFrom(t, f.h, f.ids["bob"])
	if !bob.HasRole(RoleModerator) {
		t.Fatalf("role not granted: %+v", bob)
	}
	rc, err := f.h.VoteReceipt(id, f.ids["bob"])
	if err != nil {
		t.Fatal(err)
	}
	rep := f.verifies()
	if rc.Seq >= rep.Events {
		t.Fatalf("receipt seq %d beyond log", rc.Seq)
	}
}

func GetMemberFrom(t *testing.T, h *Hub, id uint64) (m Member, ok bool) {
	h.View(func(r Reader) error { m, ok = GetMember(r, id); return nil })
	return
}

func TestQuorumExpiresAndDelegation(t *testing.T) {
	f := newGov(t)
	id := f.do("alice", NewProposal{Kind: KindText, Title: "Paint the door green"})[0].Body.(*ProposalCreated).Proposal
	// bob delegates everything to alice, carol delegates text to bob (a chain),
	// dave delegates to carol and carol... a cycle never counts twice.
	f.do("bob", Delegate{To: f.ids["alice"]})
	f.do("carol", Delegate{To: f.ids["bob"], Kind: KindText})
	f.do("dave", Delegate{To: f.ids["carol"]})
	f.do("alice", CastVote{ID: id, Ballot: yes("no")})
	v := f.view(id, "alice")
	if v.Tally.No != 4 || v.Tally.Delegated != 3 || v.Tally.DirectVoters != 1 {
		t.Fatalf("chain: %+v", v.Tally)
	}
	// A direct vote overrides the voter's own delegation.
	f.do("carol", CastVote{ID: id, Ballot: yes("yes")})
	v = f.view(id, "alice")
	if v.Tally.No != 2 || v.Tally.Yes != 2 {
		t.Fatalf("override: %+v", v.Tally)
	}
	// Cycle: alice -> dave -> carol -> bob -> alice, nobody votes directly.
	id2 := f.do("bob", NewProposal{Kind: KindText, Title: "Cycle"})[0].Body.(*ProposalCreated).Proposal
	f.do("alice", Delegate{To: f.ids["dave"]})
	v = f.view(id2, "bob")
	if v.Tally.Participants != 0 {
		t.Fatalf("cycle counted: %+v", v.Tally)
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if v := f.view(id2, "bob"); v.State != PropExpired {
		t.Fatalf("no quorum should expire, got %s", v.State)
	}
	f.refuse("bob", Undelegate{Kind: KindRole}, "no delegation")
	f.do("bob", Undelegate{})
	f.refuse("bob", Delegate{To: f.ids["bob"]}, "yourself")
	f.refuse("bob", Delegate{To: 99}, "no member 99")
}

func TestGovernanceBadInput(t *testing.T) {
	f := newGov(t)
	mallory := testActor(t, "mallory")
	f.ppl["mallory"] = mallory
	long := strings.Repeat("x", MaxTitleLen+1)
	f.refuse("bob", NewProposal{Kind: "coup", Title: "x"}, "unknown kind")
	f.refuse("bob", NewProposal{Kind: KindText, Title: "x", Method: "dice"}, "unknown method")
	f.refuse("bob", NewProposal{Kind: KindText, Title: ""}, "title is empty")
	f.refuse("bob", NewProposal{Kind: KindText, Title: long}, "too long")
	f.refuse("bob", NewProposal{Kind: KindText, Title: "t\x1b]0;PWNED\x07"}, "escape")
	f.refuse("bob", NewProposal{Kind: KindText, Title: "t", Method: MethodApproval, Options: []string{"a"}}, "2 to")
	f.refuse("bob", NewProposal{Kind: KindText, Title: "t", Method: MethodRanked, Options: []string{"a", "A"}}, "twice")
	f.refuse("bob", NewProposal{Kind: KindSpace, Title: "t"}, "opens a space or retires one")
	f.refuse("bob", NewProposal{Kind: KindSpend, Title: "t", Action: Action{Member: 2, Asset: "XYZ", Amount: 5}}, "unknown asset")
	f.refuse("bob", NewProposal{Kind: KindRole, Title: "t", Action: Action{Member: 9, Role: RoleSteward, Grant: true}}, "no member 9")
	f.refuse("bob", NewProposal{Kind: KindRole, Title: "t", Action: Action{Member: 1, Role: RoleSteward, Grant: true}}, "already")
	f.refuse("mallory", NewProposal{Kind: KindText, Title: "t"}, "members only")
	id := f.do("bob", NewProposal{Kind: KindText, Title: "Ranked", Method: MethodRanked, Options: []string{"a", "b", "c"}})[0].Body.(*ProposalCreated).Proposal
	f.refuse("mallory", CastVote{ID: id, Ballot: yes("yes")}, "members only")
	f.refuse("alice", CastVote{ID: 77, Ballot: yes("yes")}, "no proposal 77")
	f.refuse("alice", CastVote{ID: id, Ballot: tally.Ballot{Ranking: []int{0, 0}}}, "")
	f.refuse("alice", CancelProposal{ID: id}, "only the author")
	f.do("bob", CancelProposal{ID: id})
	f.refuse("alice", CastVote{ID: id, Ballot: tally.Ballot{Ranking: []int{0, 1}}}, "cancelled")
	for i := 0; i < MaxProposalsDaily-1; i++ {
		f.do("bob", NewProposal{Kind: KindText, Title: fmt.Sprint("p", i)})
	}
	f.refuse("bob", NewProposal{Kind: KindText, Title: "one too many"}, "last 24 hours")
	f.clk.t = f.clk.t.Add(25 * time.Hour)
	f.do("bob", NewProposal{Kind: KindText, Title: "next day"})
}

func TestRulesProposalAndHiddenResults(t *testing.T) {
	f := newGov(t)
	f.refuse("bob", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 3600000, QuorumBP: 0, ThresholdBP: 5000, Hidden: true}}, "only stewards")
	f.do("alice", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 3600000, QuorumBP: 5000, ThresholdBP: 5000, Hidden: true}})
	id := f.do("bob", NewProposal{Kind: KindText, Title: "Secret"})[0].Body.(*ProposalCreated).Proposal
	f.do("alice", CastVote{ID: id, Ballot: yes("yes")})
	f.do("carol", CastVote{ID: id, Ballot: yes("yes")})
	v := f.view(id, "bob")
	if !v.Tally.Hidden || v.Tally.Yes != 0 || v.Tally.Participants != 2 {
		t.Fatalf("hidden tally leaked: %+v", v.Tally)
	}
	f.clk.t = f.clk.t.Add(2 * time.Hour)
	f.h.CloseDue(f.ctx)
	v = f.view(id, "bob")
	if v.Tally.Hidden || v.Tally.Yes != 2 || v.State != PropPassed {
		t.Fatalf("after close: %+v %s", v.Tally, v.State)
	}
	newRules := KindRules{Kind: KindText, PeriodMS: 2 * 3600000, QuorumBP: 1000, ThresholdBP: 6000}
	rid := f.do("carol", NewProposal{Kind: KindRuleset, Title: "Faster text votes", Action: Action{Rules: &newRules}})[0].Body.(*ProposalCreated).Proposal
	for _, n := range []string{"alice", "bob", "carol"} {
		f.do(n, CastVote{ID: rid, Ballot: yes("yes")})
	}
	f.clk.t = f.clk.t.Add(15 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if v := f.view(rid, "carol"); v.State != PropExecuted {
		t.Fatalf("rules proposal: %s", v.State)
	}
	f.h.View(func(r Reader) error {
		if got, _ := RulesFor(r, KindText); got != newRules {
			t.Fatalf("rules now %+v", got)
		}
		return nil
	})
}

func tallyBallot(choice string) tally.Ballot { return tally.Ballot{Choice: choice} }

// A closed proposal's result is what it was at its close, in every view:
// delegations, joins and departures afterwards never move it.
func TestClosedTallyIsFinal(t *testing.T) {
	f := newGov(t)
	pid := f.do("alice", NewProposal{Kind: KindText, Title: "Quiet hours"})[0].Body.(*ProposalCreated).Proposal
	f.do("alice", CastVote{ID: pid, Ballot: tallyBallot("yes")})
	f.do("bob", CastVote{ID: pid, Ballot: tallyBallot("no")})
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	view := func() []byte {
		t.Helper()
		v, err := f.h.ProposalFor(pid, f.ids["alice"])
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.h.ProposalsFor(f.ids["carol"])
		if err != nil || len(all) != 1 {
			t.Fatalf("list %v %v", all, err)
		}
		if !reflect.DeepEqual(all[0].Tally, v.Tally) {
			t.Fatalf("list and detail disagree:\n%+v\n%+v", all[0].Tally, v.Tally)
		}
		b, _ := json.Marshal(v.Tally)
		return b
	}
	before := view()
	if !bytes.Contains(before, []byte(`"yes":1,"no":1`)) {
		t.Fatalf("closed tally %s", before)
	}
	f.do("carol", Delegate{To: f.ids["alice"]})
	f.do("dave", Delegate{To: f.ids["alice"]})
	f.do("bob", Leave{})
	if after := view(); !bytes.Equal(before, after) {
		t.Fatalf("closed tally moved:\nbefore %s\nafter  %s", before, after)
	}
}

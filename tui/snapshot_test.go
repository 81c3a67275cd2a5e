package tui

import (
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// Sessions share one read per log size; what is a member's own (their
// votes, their drafts, the applications a steward decides, a visitor's own
// application) must still be theirs alone.
func TestSharedSnapshotKeepsWhatIsPersonal(t *testing.T) {
	f, alice, bob := seeded(t) // carol has applied
	dave := f.member(alice, "dave")
	carol := testIdentity(t, "carol")
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Paint the shed", Method: state.MethodYesNo})
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Fix the roof", Method: state.MethodYesNo})
	if _, err := f.hub.SaveDraft(t.Context(), f.actor(alice), state.NewProposal{Kind: state.KindText, Title: "Alice's draft"}); err != nil {
		t.Fatal(err)
	}
	f.as(alice, state.ChooseTheme{Theme: "dusk"})
	f.as(bob, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})

	load := func(who Identity, prev *snapshot) *snapshot {
		t.Helper()
		s := loadSnapshot(f.hub, who, 0, prev)
		if s.err != nil {
			t.Fatal(s.err)
		}
		return s
	}
	sa, sb, sd, sc := load(alice, nil), load(bob, nil), load(dave, nil), load(carol, nil)

	if ids := propIDs(sa); len(ids) != 3 || ids[2] != 0 || sa.proposals[2].Draft != 1 || sa.proposals[2].Title != "Alice's draft" {
		t.Fatalf("alice sees %v, want her draft d1 too", ids)
	}
	if sa.prefs.Theme != "dusk" {
		t.Fatalf("alice's theme: %+v", sa.prefs)
	}
	for _, s := range []*snapshot{sb, sd} {
		if ids := propIDs(s); len(ids) != 2 {
			t.Fatalf("%s sees %v, want #1 and #2 only", s.me.Name, ids)
		}
		if s.prefs.Theme != "" {
			t.Fatalf("%s has alice's theme", s.me.Name)
		}
	}
	// The shared list is never appended to: alice's draft stays hers.
	if sb2 := load(bob, sb); len(sb2.proposals) != 2 {
		t.Fatalf("bob's list after alice's load: %v", propIDs(sb2))
	}
	if v := sb.proposals[0].MyVote; v == nil || v.Choice != "yes" || sb.proposals[1].MyVote != nil {
		t.Fatalf("bob's votes: %+v, %+v", sb.proposals[0].MyVote, sb.proposals[1].MyVote)
	}
	if sd.proposals[0].MyVote != nil || sa.proposals[0].MyVote != nil {
		t.Fatal("bob's vote shows as someone else's")
	}
	if len(sa.pending) != 1 || sb.pending != nil || sd.pending != nil {
		t.Fatalf("pending applications: alice %d, bob %d, dave %d; only the steward decides them",
			len(sa.pending), len(sb.pending), len(sd.pending))
	}
	if sc.member || sc.ownApp == nil || sc.ownApp.Name != "carol" || sc.proposals != nil || sc.treasury != nil {
		t.Fatalf("carol, a visitor: member %v, application %+v, proposals %d, treasury %v",
			sc.member, sc.ownApp, len(sc.proposals), sc.treasury != nil)
	}
	if sb.ownApp != nil || sa.census != nil {
		t.Fatal("a member got a visitor's parts")
	}

	// A vote bob casts elsewhere (an SSH command) shows on his next load.
	f.as(bob, state.CastVote{ID: 2, Ballot: tally.Ballot{Choice: "no"}})
	sb = load(bob, sb)
	if v := sb.proposals[1].MyVote; v == nil || v.Choice != "no" {
		t.Fatalf("bob's vote on #2 after casting it: %+v", v)
	}
	// A closed proposal keeps the vote cast on it.
	f.clk.advance(8 * 24 * time.Hour)
	f.hub.CloseDue(t.Context())
	sb = load(bob, sb)
	sb = load(bob, sb)
	if sb.proposals[0].State == state.PropActive {
		t.Fatal("proposal #1 did not close")
	}
	if v := sb.proposals[0].MyVote; v == nil || v.Choice != "yes" {
		t.Fatalf("bob's vote on the closed #1: %+v", v)
	}
	// A change to his own record shows on his next load.
	f.as(bob, state.Rename{Name: "robert"})
	if sb = load(bob, sb); sb.me.Name != "robert" {
		t.Fatalf("bob's name after renaming: %q", sb.me.Name)
	}
	// So does losing membership: the key that left is a visitor's.
	f.as(dave, state.Leave{})
	if sd = load(dave, sd); sd.member {
		t.Fatal("dave is still a member after leaving")
	}
}

func propIDs(s *snapshot) []uint64 {
	var ids []uint64
	for _, p := range s.proposals {
		ids = append(ids, p.ID)
	}
	return ids
}

// A thousand sessions reloading after one commit read the hub once.
func TestSharedReadOncePerSize(t *testing.T) {
	f, alice, _ := seeded(t)
	read := func() []*hubData {
		out := make([]*hubData, 50)
		var wg sync.WaitGroup
		for i := range out {
			wg.Go(func() { out[i] = sharedRead(f.hub) })
		}
		wg.Wait()
		return out
	}
	first := read()
	for _, d := range first {
		if d != first[0] || d.err != nil {
			t.Fatalf("sessions at one size got different reads (or an error: %v)", d.err)
		}
	}
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Paint the shed", Method: state.MethodYesNo})
	next := read()
	if next[0] == first[0] || len(next[0].proposals) != 1 {
		t.Fatalf("after a commit: a new read %v, %d proposals", next[0] != first[0], len(next[0].proposals))
	}
	for _, d := range next {
		if d != next[0] {
			t.Fatal("sessions at one size got different reads")
		}
	}
}

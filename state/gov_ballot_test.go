package state

import (
	"testing"

	"github.com/polis-hub/polis/state/tally"
)

// TestBallotFollowsTheProposal: the ballot a vote is parsed against is the
// proposal as stored now, even after it was read (and kept) while open.
func TestBallotFollowsTheProposal(t *testing.T) {
	f := newGov(t)
	evs := f.do("carol", NewProposal{Kind: KindText, Title: "Paint", Body: "Which colour?",
		Method: MethodApproval, Options: []string{"red", "blue"}})
	id := evs[0].Body.(*ProposalCreated).Proposal
	b, err := f.h.Ballot(id)
	if err != nil || b.State != PropActive || b.Method != MethodApproval || len(b.Options) != 2 {
		t.Fatalf("ballot %+v, %v", b, err)
	}
	b.Options[0] = "mutated"
	if again, _ := f.h.Ballot(id); again.Options[0] != "red" {
		t.Fatalf("a caller's change reached the cache: %+v", again)
	}
	f.do("alice", CastVote{ID: id, Ballot: tally.Ballot{Approve: []int{0}}})
	f.do("carol", CancelProposal{ID: id})
	if b, _ := f.h.Ballot(id); b.State == PropActive {
		t.Fatalf("a cancelled proposal still reads as %q", b.State)
	}
	if _, err := f.h.Ballot(id + 100); err == nil {
		t.Fatal("an unknown proposal gave a ballot")
	}
}

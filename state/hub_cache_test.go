package state

import "testing"

// A vote changes no member, so the shared member list is not decoded again;
// a rename does, so it is.
func TestMemberListSurvivesVotes(t *testing.T) {
	f := newGov(t)
	id := f.do("bob", NewProposal{Kind: KindText, Title: "Paint it"})[0].Body.(*ProposalCreated).Proposal
	before, _ := f.h.Members()
	f.do("carol", CastVote{ID: id, Ballot: yes("yes")})
	after, _ := f.h.Members()
	if &before[0] != &after[0] {
		t.Fatal("a vote made the member list be decoded again")
	}
	f.do("carol", Rename{Name: "caroline"})
	renamed, _ := f.h.Members()
	if &renamed[0] == &before[0] || renamed[2].Name != "caroline" {
		t.Fatalf("a rename was not seen: %+v", renamed[2])
	}
	if v := f.view(id, "bob"); v.Tally.Yes != 1 {
		t.Fatalf("tally after the vote: %+v", v.Tally)
	}
}

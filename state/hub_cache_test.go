package state

import "testing"

// A vote changes no member, so the member generation stays and the shared
// member list is not decoded again; a rename does, so it is.
func TestMemberListSurvivesVotes(t *testing.T) {
	f := newGov(t)
	id := f.do("bob", NewProposal{Kind: KindText, Title: "Paint it"})[0].Body.(*ProposalCreated).Proposal
	before, gen, _ := f.h.MembersGen()
	pub := f.h.Published()
	f.do("carol", CastVote{ID: id, Ballot: yes("yes")})
	after, _ := f.h.Members()
	if &before[0] != &after[0] {
		t.Fatal("a vote made the member list be decoded again")
	}
	voted := f.h.Published()
	if voted.MemberGen != gen || voted.Size != pub.Size+1 {
		t.Fatalf("after a vote: %+v, before %+v", voted, pub)
	}
	f.do("carol", Rename{Name: "caroline"})
	renamed, regen, _ := f.h.MembersGen()
	if &renamed[0] == &before[0] || renamed[2].Name != "caroline" || regen == gen {
		t.Fatalf("a rename was not seen: %+v, generation %d", renamed[2], regen)
	}
	// What was published stays as it was.
	if pub.Size != voted.Size-1 || voted.MemberGen != gen {
		t.Fatalf("a published read model changed: %+v, %+v", pub, voted)
	}
	if v := f.view(id, "bob"); v.Tally.Yes != 1 {
		t.Fatalf("tally after the vote: %+v", v.Tally)
	}
}

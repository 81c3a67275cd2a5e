package state

import (
	"fmt"
	"testing"
)

// Recounting a proposal with 100k members: 90k direct votes and 10k
// delegations, through the same code the hub runs for live tallies and at
// close (reading state, resolving delegation, counting).
//
//	go test ./state -run '^$' -bench TallyProposal -benchtime 10x
func BenchmarkTallyProposal(b *testing.B) {
	const members, delegators = 100_000, 10_000
	st := NewMemState()
	apply := func(seq uint64, actor uint64, body Body) {
		if err := Apply(st, Event{Seq: seq, Time: 1, Actor: actor, Body: body}); err != nil {
			b.Fatal(err)
		}
	}
	var seq uint64
	apply(seq, 0, &HubCreated{Name: "bench"})
	for i := uint64(1); i <= members; i++ {
		seq++
		apply(seq, 0, &MemberJoined{Member: i, Name: fmt.Sprint("m", i), Key: testActor(b, fmt.Sprint("k", i)).Key, Roles: []string{RoleMember}, Via: "admin-key"})
	}
	seq++
	apply(seq, 1, &ProposalCreated{Proposal: 1, Kind: KindText, Title: "Big vote", Method: MethodYesNo})
	choices := []string{"yes", "no", "abstain"}
	for i := uint64(1); i <= members; i++ {
		seq++
		if i <= delegators {
			// Chains of two: 1->2->...; the ends vote directly below.
			apply(seq, i, &DelegationSet{To: i + delegators, Kind: "*"})
			continue
		}
		apply(seq, i, &VoteCast{Proposal: 1, Choice: choices[i%3]})
	}
	p, _ := GetProposal(st, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := countProposal(st, p)
		if t.Participants != members {
			b.Fatalf("participants %d", t.Participants)
		}
	}
}

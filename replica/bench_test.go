package replica

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// BenchmarkReplicatedVotes measures acknowledged votes on four nodes in
// this process, from Submit to answer, with 64 members voting at once
// through all four nodes: b.N votes in all. It reports votes/s and the
// p50 and p99 latency (docs/perf.md):
//
//	go test ./replica -run '^$' -bench ReplicatedVotes -benchtime 2000x
func BenchmarkReplicatedVotes(b *testing.B) {
	alice, aliceKey := actorKey(b)
	c := newClusterTB(b, 4, aliceKey)
	c.settle(0, 1)
	const voters = 64
	actors := make([]state.Actor, voters)
	for i := range actors {
		actors[i], _ = actorKey(b)
		_, hash := state.NewInviteCode()
		c.do(0, alice, state.CreateInvite{CodeHash: hash, Uses: 1})
		c.do(i%4, actors[i], state.Join{CodeHash: hash, Name: "voter" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	evs := c.do(0, alice, state.NewProposal{Kind: state.KindText, Title: "Bench", Body: "x"})
	id := evs[0].Body.(*state.ProposalCreated).Proposal
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	next := make(chan int, b.N)
	for i := range b.N {
		next <- i
	}
	close(next)
	b.ResetTimer()
	start := time.Now()
	for v := range voters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				choice := "yes"
				if i%2 == 1 {
					choice = "no"
				}
				t0 := time.Now()
				_, err := c.hubs[v%4].Submit(context.Background(), actors[v], state.CastVote{ID: id, Ballot: tally.Ballot{Choice: choice}})
				d := time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/el.Seconds(), "votes/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

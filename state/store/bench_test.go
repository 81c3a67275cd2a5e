package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/state"
)

// Durable acknowledged writes per second through the sequencer, with W
// concurrent writers. Each write is a real command (a member listing or
// unlisting their name): decide, apply, encode, Merkle hashes, fsync'd
// group commit.
//
//	go test ./state/store -run '^$' -bench 'Submit|RawBadger' -benchtime 5s
func BenchmarkSubmit(b *testing.B) {
	for _, writers := range []int{1, 8, 64, 512} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openTest(b, Options{CheckpointEvery: 1000})
			mustSubmit(b, s, state.SystemActor, state.CreateHub{Name: "bench"})
			actors := make([]state.Actor, writers)
			for i := range actors {
				actors[i] = testActor(b, fmt.Sprint("w", i))
				mustSubmit(b, s, state.SystemActor, state.AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("w", i)})
			}
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; next.Add(1) <= int64(b.N); i++ {
						if _, err := s.Submit(context.Background(), actors[w], state.SetListed{Listed: i%2 == 0}); err != nil {
							b.Error(err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "acked-writes/s")
		})
	}
}

// The baseline: raw Badger with SyncWrites and one transaction per write,
// same machine, same run.
func BenchmarkRawBadger(b *testing.B) {
	for _, writers := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			db, err := openBadger(filepath.Join(b.TempDir(), "db"), false)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			val := make([]byte, 300)
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						if err := db.Update(func(txn *badger.Txn) error {
							return txn.Set([]byte(fmt.Sprintf("k/%016x", i)), val)
						}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
		})
	}
}

// benchHub fills a stopped hub with n events (cached across runs in
// POLIS_BENCH_DIR, if set, since building 1M events takes a while).
func benchHub(b *testing.B, n int) string {
	dir := filepath.Join(b.TempDir(), "hub")
	if cache := os.Getenv("POLIS_BENCH_DIR"); cache != "" {
		dir = filepath.Join(cache, "hub-"+strconv.Itoa(n))
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	s, err := Open(Options{Dir: dir, CheckpointEvery: 1000, MaxBatch: 1024})
	if err != nil {
		b.Fatal(err)
	}
	mustSubmit(b, s, state.SystemActor, state.CreateHub{Name: "bench"})
	const writers = 256
	actors := make([]state.Actor, writers)
	for i := range actors {
		actors[i] = testActor(b, fmt.Sprint("w", i))
		mustSubmit(b, s, state.SystemActor, state.AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("w", i)})
	}
	var next atomic.Int64
	next.Store(int64(s.Size()))
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; next.Add(1) <= int64(n); i++ {
				if _, err := s.Submit(context.Background(), actors[w], state.SetListed{Listed: i%2 == 0}); err != nil {
					b.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

func benchSize(b *testing.B, def int) int {
	if v, err := strconv.Atoi(os.Getenv("POLIS_BENCH_EVENTS")); err == nil && v > 0 {
		return v
	}
	return def
}

// polis verify's replay rate over a whole data dir.
//
//	POLIS_BENCH_EVENTS=1000000 go test ./state/store -run '^$' -bench Verify -benchtime 1x
func BenchmarkVerify(b *testing.B) {
	n := benchSize(b, 20000)
	dir := benchHub(b, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rep, err := VerifyDir(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Events)/time.Since(start).Seconds(), "events/s")
	}
}

// Sealing one checkpoint over a log of n events: must not grow with n.
//
//	POLIS_BENCH_EVENTS=1000000 go test ./state/store -run '^$' -bench Seal
func BenchmarkSeal(b *testing.B) {
	for _, n := range []int{10000, benchSize(b, 20000)} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s := openTest(b, Options{Dir: benchHub(b, n)})
			rtxn := s.db.NewTransaction(false)
			defer rtxn.Discard()
			bo := state.NewBatch(&badgerReader{txn: rtxn}, 0)
			head, _ := s.Head()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := s.seal(bo, s.Size(), s.digest, head, s.lastTime); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The night of a big vote: W members voting (and changing their votes) on
// one open proposal as fast as acks come back.
//
//	go test ./state/store -run '^$' -bench SubmitVotes -benchtime 40000x
func BenchmarkSubmitVotes(b *testing.B) {
	for _, writers := range []int{1, 8, 64, 512} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openTest(b, Options{CheckpointEvery: 1000})
			mustSubmit(b, s, state.SystemActor, state.CreateHub{Name: "bench"})
			actors := make([]state.Actor, writers)
			for i := range actors {
				actors[i] = testActor(b, fmt.Sprint("w", i))
				mustSubmit(b, s, state.SystemActor, state.AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("w", i)})
			}
			evs := mustSubmit(b, s, actors[0], state.NewProposal{Kind: state.KindText, Title: "Rent the flat", Body: "A long enough body to be realistic. " + string(make([]byte, 0))})
			id := evs[0].Body.(*state.ProposalCreated).Proposal
			choices := []string{"yes", "no", "abstain"}
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; next.Add(1) <= int64(b.N); i++ {
						if _, err := s.Submit(context.Background(), actors[w], state.CastVote{ID: id, Ballot: yes(choices[(i+w)%3])}); err != nil {
							b.Error(err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "acked-votes/s")
		})
	}
}

// A read through the hub's one door: a member lookup in a snapshot, as
// every SSH command does first.
//
//	go test ./state/store -run '^$' -bench View
func BenchmarkView(b *testing.B) {
	s := openTest(b, Options{CheckpointEvery: 1000})
	mustSubmit(b, s, state.SystemActor, state.CreateHub{Name: "bench"})
	a := testActor(b, "reader")
	mustSubmit(b, s, state.SystemActor, state.AdmitAdmin{Key: a.Key, Name: "reader"})
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.View(func(r state.Reader) error {
				if _, ok := state.MemberByFingerprint(r, a.Fingerprint); !ok {
					return fmt.Errorf("no member")
				}
				return nil
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

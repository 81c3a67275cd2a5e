package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/state/tally"
)

// baseline: raw Badger with SyncWrites, one 300-byte key per transaction,
// on a temp dir, at the same concurrency as the SSH scenarios. The options
// are those of state.openBadger, so the difference is polis's own work.
func (r *runner) baseline(clients int) (result, error) {
	dir, err := os.MkdirTemp("", "polis-load-badger-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(dir, "db")).
		WithSyncWrites(true).WithLogger(nil).
		WithMemTableSize(16 << 20).WithNumMemtables(2).
		WithBlockCacheSize(32 << 20).WithIndexCacheSize(16 << 20).
		WithValueThreshold(1 << 20))
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	val := make([]byte, 300)
	var key atomic.Int64
	res := result{Scenario: "baseline", Clients: clients, Load1: loadavg()}
	st := r.inProcess(fmt.Sprintf("baseline, %d writers", clients), clients, func(int, int) error {
		k := key.Add(1)
		return db.Update(func(txn *badger.Txn) error { return txn.Set(fmt.Appendf(nil, "k/%016x", k), val) })
	})
	res.fill(st)
	r.prog.say("baseline, %d writers: %.0f writes/s", clients, res.PerSec)
	return res, nil
}

// store: the same votes as the votes scenario, submitted straight to the
// store in this process: what the sequencer and Badger allow before the
// SSH door adds its cost.
func (r *runner) store(clients int) (res result, err error) {
	dir, err := os.MkdirTemp("", "polis-load-store-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(store.Options{Dir: filepath.Join(dir, "data")})
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	hub := state.NewHub(st)
	ctx := context.Background()
	if _, err := hub.Submit(ctx, state.SystemActor, state.CreateHub{Name: "polis-load"}); err != nil {
		return res, err
	}
	keys, err := deriveKeys(r.seed, clients+1, "m")
	if err != nil {
		return res, err
	}
	if err := admitLocal(ctx, hub, keys); err != nil {
		return res, err
	}
	id, err := submitProposal(ctx, hub, keys[1])
	if err != nil {
		return res, err
	}
	actors := make([]state.Actor, clients)
	for i := range actors {
		actors[i] = keys[i+1].actor()
	}
	res = result{Scenario: "store", Clients: clients, Members: len(keys), Load1: loadavg()}
	ops := r.inProcess(fmt.Sprintf("store, %d writers", clients), clients, func(w, i int) error {
		choice := tally.ChoiceYes
		if i%2 == 1 {
			choice = tally.ChoiceNo
		}
		_, err := hub.Submit(ctx, actors[w], state.CastVote{ID: id, Ballot: tally.Ballot{Choice: choice}})
		return err
	})
	res.fill(ops)
	r.prog.say("store, %d writers: %.0f acked votes/s", clients, res.PerSec)
	return res, nil
}

// submitProposal opens a yes/no text proposal by k and returns its ID.
func submitProposal(ctx context.Context, hub *state.Hub, k benchKey) (uint64, error) {
	evs, err := hub.Submit(ctx, k.actor(), state.NewProposal{Kind: state.KindText, Title: "Load test: paint the door",
		Body: "Opened by polis-load to measure the hub."})
	if err != nil {
		return 0, fmt.Errorf("opening the bench proposal: %w", err)
	}
	for _, e := range evs {
		if p, ok := e.Body.(*state.ProposalCreated); ok {
			return p.Proposal, nil
		}
	}
	return 0, fmt.Errorf("opening the bench proposal: no ProposalCreated event")
}

// inProcess runs op on writers goroutines until --count or --duration.
func (r *runner) inProcess(label string, writers int, op func(w, i int) error) opStats {
	var (
		next, done, errs atomic.Int64
		mu               sync.Mutex
		st               opStats
		wg               sync.WaitGroup
	)
	deadline := time.Now().Add(r.cfg.duration)
	stop := r.prog.track(label, &done, int64(r.cfg.count), r.cfg.duration)
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1024)
			for i := 0; next.Add(1) <= int64(r.cfg.count) && time.Now().Before(deadline) && r.ctx.Err() == nil; i++ {
				t := time.Now()
				err := op(w, i)
				d := time.Since(t)
				done.Add(1)
				if err != nil {
					if errs.Add(1) == 1 {
						mu.Lock()
						st.firstErr = err.Error()
						mu.Unlock()
					}
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			st.lat = append(st.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	stop()
	st.ops, st.errs = done.Load(), errs.Load()
	return st
}

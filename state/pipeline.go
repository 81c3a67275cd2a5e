package state

import (
	"github.com/dgraph-io/badger/v4"
)

// Badger makes every new transaction, read or write, wait until all
// earlier commits are durable (its oracle's readTs). Were the sequencer to
// open them itself it would stall on the previous batch's fsync before
// deciding the next, and batches would never overlap. So the write
// transaction is built and committed by a committer goroutine, in batch
// order, and the sequencer opens a read transaction only when a batch
// misses the in-flight layer and the read cache.

// commitLoop hands batches to Badger in the order the sequencer decided
// them; each comes back on durable once its commit returned. It makes each
// batch's transaction before the previous batch commits, so that making it
// waits only for the batches before that one: when Badger finishes a batch
// the next is already filled, and only its commit is left on the path from
// one fsync to the next. (A transaction that reads nothing never conflicts,
// whatever its read timestamp.)
func (s *Store) commitLoop(commits <-chan *inflight, durable chan<- *inflight, exited chan<- struct{}) {
	defer close(exited)
	var spare *badger.Txn
	defer func() {
		if spare != nil {
			spare.Discard()
		}
	}()
	for f := range commits {
		txn := spare
		if txn == nil {
			txn = s.db.NewTransaction(true)
		}
		spare = nil
		err := s.brokenErr() // after a failed commit, write nothing more
		if err == nil {
			err = fill(txn, f.writes)
		}
		if err != nil {
			txn.Discard()
			f.err = err
			durable <- f
			continue
		}
		spare = s.db.NewTransaction(true)
		txn.CommitWith(func(err error) {
			f.err = err
			durable <- f
		})
	}
}

// fill puts a batch's writes into txn. Badger orders a transaction's
// writes itself: no need to sort.
func fill(txn *badger.Txn, writes map[string][]byte) error {
	for k, v := range writes {
		var err error
		if v == nil {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// txnFits reports whether writes fit in one Badger transaction, by
// Badger's own count and size rule (a little stricter for values in the
// value log). The sequencer checks before it builds on a batch: once the
// batch is handed to the committer, a refusal could only break the hub.
func (s *Store) txnFits(writes map[string][]byte) bool {
	var size int64
	for k, v := range writes {
		size += int64(len(k)+len(v)) + 2 + 10
	}
	return int64(len(writes)) < s.db.MaxBatchCount() && size < s.db.MaxBatchSize()
}

// batchQueue holds the batches in flight in the order they were decided.
// Commit callbacks may arrive in any order; a batch is finished only after
// every batch before it, so published size and digest never go back and
// a failed fsync fails every later batch too.
type batchQueue struct {
	q []*inflight
}

func (bq *batchQueue) len() int { return len(bq.q) }

func (bq *batchQueue) push(f *inflight) { bq.q = append(bq.q, f) }

// pipelineAt is how many waiting commands justify deciding another batch
// while these are in flight. With one in flight: as many as it holds,
// within [minPipelined, maxPipelined], so that the sequencer decides one
// batch while Badger writes the other; a small one would pay a whole fsync
// of its own, and small batches breed smaller ones. With two or more: a
// full batch, since Badger writes one at a time and another would only
// wait behind them.
func (bq *batchQueue) pipelineAt(maxBatch int) int {
	if len(bq.q) > 1 {
		return maxBatch
	}
	return min(max(len(bq.q[0].batch), minPipelined), maxPipelined)
}

// settle marks f durable and finishes every batch now at the head.
func (bq *batchQueue) settle(s *Store, f *inflight) {
	f.done = true
	for len(bq.q) > 0 && bq.q[0].done {
		s.finish(bq.q[0])
		bq.q[0] = nil
		bq.q = bq.q[1:]
	}
}

// lazyTxn opens the sequencer's read transaction on first use.
func (r *badgerReader) lazyTxn() {
	if r.txn == nil {
		r.txn = r.db.NewTransaction(false)
	}
}

func (r *badgerReader) discard() {
	if r.db != nil && r.txn != nil {
		r.txn.Discard()
	}
}

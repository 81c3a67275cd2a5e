package store

import (
	"errors"
	"fmt"

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
		s.unpublished.Add(1) // before Badger can show it; finish takes it off
		txn := spare
		if txn == nil {
			txn = s.db.NewTransaction(true)
		}
		spare = nil
		var err error
		if s.commitStop.Load() {
			err = errors.New("not written: an earlier commit failed")
		} else {
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
			if err == nil {
				err = s.opts.commitFault()
			}
			if err != nil {
				// After a failed commit, write nothing more.
				s.commitStop.Store(true)
			}
			f.err = err
			durable <- f
		})
	}
}

// headLoop records each sealed checkpoint in the data dir's HEAD file once
// its batch is durable and before it is published, off the committer's
// path: Badger goes on committing the batches behind it meanwhile, and only
// their answers wait. The queue sends one checkpoint at a time, in order.
func (s *Store) headLoop(heads <-chan *inflight, durable chan<- *inflight, exited chan<- struct{}) {
	defer close(exited)
	for f := range heads {
		if err := writeHead(s.opts.Dir, f.after.headNote); err != nil {
			f.err = fmt.Errorf("recording checkpoint %d in %s: %w", f.after.head.Height, HeadFile, err)
		} else {
			s.hwm.Store(f.after.head.Height)
		}
		f.headDone = true
		durable <- f
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
		size += entrySize(k, v)
	}
	return int64(len(writes)) < s.db.MaxBatchCount() && size < s.db.MaxBatchSize()
}

// entrySize is what a write weighs against Badger's transaction limit: key,
// value, two meta bytes and the version Badger appends to the key.
func entrySize(k string, v []byte) int64 { return int64(len(k)+len(v)) + 2 + 10 }

// A batch is as many commands as fit in one Badger transaction (about 2.4
// MB with the hub's 16 MB memtables), not only MaxBatch of them: the
// sequencer weighs each command's writes as it decides them, and a command
// that would overflow the batch leads the next one instead. Only a command
// too big for a transaction of its own is refused, and alone.

// txnReserve is kept free in every batch for what the sequencer adds
// after the commands: the log metadata (m/ keys, the 512-byte digest) and
// a checkpoint (a signed note under 1 KB).
const (
	txnReserveBytes = 4 << 10
	txnReserveCount = 16
)

type txnUse struct{ bytes, count int64 }

func (s *Store) txnBudget() txnUse {
	return txnUse{s.db.MaxBatchSize() - txnReserveBytes, s.db.MaxBatchCount() - txnReserveCount}
}

// cost is what adding a command's writes to the batch's adds: a key the
// batch already writes only changes its value's size.
func (u txnUse) cost(batch, cmd map[string][]byte) txnUse {
	var c txnUse
	for k, v := range cmd {
		if old, ok := batch[k]; ok {
			c.bytes += int64(len(v) - len(old))
			continue
		}
		c.bytes += entrySize(k, v)
		c.count++
	}
	return c
}

func (u txnUse) fits(add, budget txnUse) bool {
	return u.bytes+add.bytes < budget.bytes && u.count+add.count < budget.count
}

func (u *txnUse) add(c txnUse) { u.bytes, u.count = u.bytes+c.bytes, u.count+c.count }

// ErrTooBig refuses a command whose writes do not fit in one transaction.
var ErrTooBig = errors.New("too big to store")

func tooBig(c, budget txnUse) error {
	return fmt.Errorf("%w: this change writes %d KB in %d records, and the most one write can hold is %d KB in %d",
		ErrTooBig, (c.bytes+1023)/1024, c.count, budget.bytes/1024, budget.count)
}

// batchQueue holds the batches in flight in the order they were decided.
// Commit callbacks may arrive in any order; a batch is finished only after
// every batch before it, so published size and digest never go back and
// a failed fsync fails every later batch too.
type batchQueue struct {
	q      []*inflight
	heads  chan<- *inflight // to headLoop
	atHead *inflight        // the batch headLoop has; not to be touched
}

func (bq *batchQueue) len() int { return len(bq.q) }

func (bq *batchQueue) push(f *inflight) { bq.q = append(bq.q, f) }

// pipelineAt is how many waiting commands justify deciding another batch
// while these are in flight. With one in flight: as many as it holds,
// within [minPipelined, maxPipelined], so that the sequencer decides one
// batch while Badger writes the other; a small one would pay a whole fsync
// of its own, and small batches breed smaller ones. With two or more: a
// full batch, since Badger writes one at a time and another would only
// wait behind them. Batches with nothing to write (refusals waiting their
// turn) do not count.
func (bq *batchQueue) pipelineAt(maxBatch int) int {
	var first *inflight
	for _, f := range bq.q {
		if f.writes == nil {
			continue
		}
		if first != nil {
			return maxBatch
		}
		first = f
	}
	if first == nil {
		return minPipelined
	}
	return min(max(len(first.batch), minPipelined), maxPipelined)
}

// settle takes f back from the committer (its commit returned) or from
// headLoop (its checkpoint is in HEAD), and finishes every batch now at the
// front, in order. A durable batch that sealed a checkpoint goes to
// headLoop first; the batches behind it wait for it.
func (bq *batchQueue) settle(s *Store, f *inflight) {
	if f != nil {
		if f == bq.atHead {
			bq.atHead = nil // back, with headDone (and err) set
		} else {
			f.done = true
		}
	}
	for len(bq.q) > 0 {
		h := bq.q[0]
		if h == bq.atHead || !h.done {
			return
		}
		if h.sealed && h.err == nil && !h.headDone && s.brokenErr() == nil {
			bq.atHead = h
			bq.heads <- h
			return
		}
		s.finish(h)
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

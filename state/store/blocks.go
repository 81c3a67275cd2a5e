package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/polis-hub/polis/state"
)

// A replicated hub orders commands by consensus, not by the sequencer:
// blocks arrive already ordered and timed, and every node must decide them
// identically. With Options.External the store runs no sequencer; its
// engine hands it each block to decide (DecideBlock, which writes nothing)
// and then to make durable (CommitBlock, one Badger transaction with the
// engine's own records beside the log's). Everything a node might see
// differently is left out of deciding: the clock (every event carries the
// block's time), the clock guard and the free-space floor (a node whose
// disk fills stops on a failed commit instead of refusing what the others
// accept).

// BlockCmd is one command of a block and who asked for it.
type BlockCmd struct {
	Actor state.Actor
	Cmd   state.Command
}

// Block is a batch of commands ordered elsewhere.
type Block struct {
	// Time stamps every event of the block (unix ms); never before the
	// last event's.
	Time int64
	Cmds []BlockCmd
	// Seal seals a checkpoint over what is unsealed, even if the block
	// adds no event.
	Seal bool
}

// BlockResult is what one command of a block did.
type BlockResult struct {
	Events []state.Event
	Err    error
}

// DecidedBlock is a block decided over the committed state and not yet
// written: its results and writes, until CommitBlock.
type DecidedBlock struct {
	Results []BlockResult
	f       *inflight
	after   batchState
}

// Writes are the block's writes by key (nil deletes), for an engine to
// hash or to add its own records to before CommitBlock.
func (d *DecidedBlock) Writes() map[string][]byte { return d.f.writes }

// Set adds an engine record (outside the log's keyspace) to the block's
// transaction.
func (d *DecidedBlock) Set(key string, val []byte) {
	if d.f.writes == nil {
		d.f.writes = map[string][]byte{}
	}
	d.f.writes[key] = val
}

// Size and Head are the log as the block leaves it.
func (d *DecidedBlock) Size() uint64     { return d.after.size }
func (d *DecidedBlock) Head() state.Head { return d.after.head }

// Digest is the state digest as the block leaves it.
func (d *DecidedBlock) Digest() [32]byte { return d.after.digest.Sum() }

// errExternal refuses Submit on a store whose commands are ordered
// elsewhere.
var errExternal = errors.New("this store's commands are ordered by its replicated engine")

// DecideBlock decides b's commands in order over the committed state.
// Calls to DecideBlock and CommitBlock must not overlap, and each decided
// block must be committed (or dropped) before the next is decided.
func (s *Store) DecideBlock(b Block) (*DecidedBlock, error) {
	if !s.opts.External {
		return nil, errors.New("DecideBlock on a store with its own sequencer")
	}
	s.blockTime = b.Time
	reqs := make([]*request, len(b.Cmds))
	for i, c := range b.Cmds {
		reqs[i] = &request{ctx: context.Background(), actor: c.Actor, cmd: c.Cmd, reply: make(chan reply, 1)}
	}
	bs := s.ext
	f, rest := s.start(&bs, reqs, b.Seal)
	if len(rest) > 0 || f == nil {
		// Consensus bounds a block well below a transaction; reaching
		// this means the bounds disagree, and no node may go on alone.
		for _, req := range reqs {
			select {
			case r := <-req.reply:
				if r.err != nil {
					return nil, fmt.Errorf("deciding a block: %w", r.err)
				}
			default:
			}
		}
		return nil, fmt.Errorf("a block of %d commands does not fit in one transaction", len(b.Cmds))
	}
	d := &DecidedBlock{f: f, after: bs}
	for _, r := range f.replies {
		d.Results = append(d.Results, BlockResult{Events: r.events, Err: r.err})
	}
	return d, nil
}

// CommitBlock writes a decided block in one durable transaction, records
// its checkpoint in HEAD, and publishes it.
func (s *Store) CommitBlock(d *DecidedBlock) error {
	f := d.f
	if f.writes == nil {
		return nil
	}
	f.batch = nil // answered through Results, not the requests' channels
	f.replies = nil
	if err := s.brokenErr(); err != nil {
		return err
	}
	s.unpublished.Add(1)
	txn := s.db.NewTransaction(true)
	err := fill(txn, f.writes)
	if err == nil {
		err = txn.Commit()
		if err == nil {
			err = s.opts.commitFault()
		}
	} else {
		txn.Discard()
	}
	f.err = err
	if err == nil && f.sealed {
		if err := writeHead(s.opts.Dir, f.after.headNote); err != nil {
			f.err = fmt.Errorf("recording checkpoint %d in %s: %w", f.after.head.Height, HeadFile, err)
		} else {
			s.hwm.Store(f.after.head.Height)
		}
	}
	s.finish(f)
	if f.err != nil {
		return s.brokenErr()
	}
	s.ext = d.after
	return nil
}

// Record reads one of the engine's own records from the committed state.
func (s *Store) Record(key string) (val []byte, ok bool, err error) {
	err = s.View(func(r state.Reader) error { val, ok = r.Get(key); return nil })
	return val, ok, err
}

// stamp is the time of the next event: the block's, or the guarded clock.
func (s *Store) stamp(last int64) (int64, error) {
	if s.opts.External {
		return max(s.blockTime, last), nil
	}
	return s.clock.stamp(last)
}

// sealTime is a checkpoint's time (see clockGuard.sealTime); a block's
// checkpoint takes the block's.
func (s *Store) sealTime(prev, last int64) int64 {
	if s.opts.External {
		return max(prev, last/1000, s.blockTime/1000)
	}
	return s.clock.sealTime(prev, last)
}

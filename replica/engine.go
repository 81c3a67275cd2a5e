package replica

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/mempool"
	nm "github.com/cometbft/cometbft/node"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// Engine is a replicated hub's state.Engine: reads are the node's store,
// as committed block by block; a write is a transaction this node signs
// and answers once its block is committed here.
type Engine struct {
	*store.Store
	app  *App
	node *nm.Node
	key  ed25519.PrivateKey
	addr string
	name string
	log  *slog.Logger

	// QuorumWait is how long a write waits for its block before the
	// member is told the hub cannot commit now.
	QuorumWait time.Duration

	mu      sync.Mutex
	waiters map[[32]byte]chan store.BlockResult
	ticking atomic.Bool // a tick is on its way: no need for another
	cosigs  chan struct{}
	// blocks counts committed blocks: the statuses the doors show are
	// rebuilt once per block, not read for every screen that asks.
	blocks   atomic.Uint64
	statusMu sync.Mutex
	statuses *cosignStatuses
	quit     chan struct{}
	wg       sync.WaitGroup

	haltOnce sync.Once
	halted   chan struct{}
	haltErr  error
}

var _ state.Engine = (*Engine)(nil)

// ErrNoQuorum: a write was not committed in time, because too few of the
// stewards' nodes are reachable to make blocks.
var ErrNoQuorum = errors.New("not committed: the hub's nodes cannot reach agreement right now (more than two thirds of the stewards' nodes must be up and connected); nothing is lost, your request will be applied if it is committed later, and `receipt` will show it")

// ErrNotSeated: this node follows the hub but is not one of its validators,
// so no other node takes a request it signs.
var ErrNotSeated = errors.New("this node follows the hub but is not (or no longer) one of its validators, so it cannot take writes: use another node's door, or have a validator proposal seat it")

// Halted is closed when consensus has stopped on this node for good
// (HaltErr says why): it makes no more blocks, and its state may differ
// from the other nodes'. The node must stop; a steward looks into it.
func (e *Engine) Halted() <-chan struct{} { return e.halted }

// HaltErr is why consensus halted, once Halted is closed.
func (e *Engine) HaltErr() error {
	select {
	case <-e.halted:
		return e.haltErr
	default:
		return nil
	}
}

func (e *Engine) halt(reason any) {
	e.haltOnce.Do(func() {
		e.haltErr = fmt.Errorf("consensus halted on this node: %v", reason)
		close(e.halted)
	})
}

// Now is this node's clock; events carry their block's time.
func (e *Engine) Now() time.Time { return time.Now() }

// Submit sends c for a as a transaction and waits until its block is
// committed on this node. The hub's own commands (deadlines) are not sent:
// every node runs them in each block; a tick asks for a block instead.
func (e *Engine) Submit(ctx context.Context, a state.Actor, c state.Command) ([]state.Event, error) {
	if a.System {
		if _, seated := e.app.seat(e.addr); seated && !e.ticking.Swap(true) {
			if _, err := e.send(ctx, Payload{Kind: KindTick}, nil, false); err != nil {
				e.ticking.Store(false)
			}
		}
		return nil, nil
	}
	if _, seated := e.app.seat(e.addr); !seated {
		return nil, ErrNotSeated
	}
	name, body, err := state.EncodeCommand(c)
	if err != nil {
		return nil, err
	}
	r, err := e.send(ctx, Payload{Kind: KindCmd, Key: a.Key, Cmd: name}, body, true)
	if err != nil {
		return nil, err
	}
	evs := r.Events
	if len(evs) > 0 {
		if _, ok := evs[0].Body.(*state.NodeRelayed); ok {
			// The member is answered about their act; the record of
			// which node carried it stays in the log.
			evs = evs[1:]
		}
	}
	return evs, r.Err
}

func (e *Engine) send(ctx context.Context, p Payload, body []byte, wait bool) (store.BlockResult, error) {
	var n [8]byte
	rand.Read(n[:])
	p.Node, p.Time, p.Nonce = e.addr, time.Now().UnixMilli(), binary.BigEndian.Uint64(n[:])
	raw, err := Seal(p, body, e.key)
	if err != nil {
		return store.BlockResult{}, err
	}
	tx, err := Decode(raw)
	if err != nil {
		return store.BlockResult{}, err
	}
	done := make(chan store.BlockResult, 1)
	if wait {
		e.mu.Lock()
		e.waiters[tx.Hash] = done
		e.mu.Unlock()
		defer func() {
			e.mu.Lock()
			delete(e.waiters, tx.Hash)
			e.mu.Unlock()
		}()
	}
	checked := make(chan *abci.ResponseCheckTx, 1)
	if err := e.node.Mempool().CheckTx(raw, func(r *abci.ResponseCheckTx) { checked <- r }, mempool.TxInfo{}); err != nil {
		return store.BlockResult{}, fmt.Errorf("the hub cannot take this now: %v", err)
	}
	select {
	case r := <-checked:
		if r.Code != codeOK {
			return store.BlockResult{}, fmt.Errorf("refused: %s", r.Log)
		}
	case <-ctx.Done():
		return store.BlockResult{}, ctx.Err()
	}
	if !wait {
		return store.BlockResult{}, nil
	}
	t := time.NewTimer(e.QuorumWait)
	defer t.Stop()
	select {
	case r := <-done:
		return r, nil
	case <-ctx.Done():
		return store.BlockResult{}, ctx.Err()
	case <-t.C:
		return store.BlockResult{}, ErrNoQuorum
	case <-e.halted:
		return store.BlockResult{}, ErrNoQuorum
	case <-e.quit:
		return store.BlockResult{}, state.ErrClosed
	}
}

// committed runs on the consensus path after each block: it answers the
// writes this node sent and hands a sealed checkpoint to the cosigner.
func (e *Engine) committed(_ int64, results map[[32]byte]store.BlockResult, sealed *state.Head) {
	e.ticking.Store(false)
	e.blocks.Add(1)
	if sealed == nil && len(results) > 0 {
		// Cosignatures (or refusals) landed without events: what the
		// doors show of the head may have changed.
		e.Nudge()
	}
	e.mu.Lock()
	for h, r := range results {
		if ch, ok := e.waiters[h]; ok {
			ch <- r
		}
	}
	e.mu.Unlock()
	if sealed != nil {
		select {
		case e.cosigs <- struct{}{}:
		default: // already woken: it reads the head afresh
		}
	}
}

// cosign makes sure every sealed checkpoint carries this node's
// cosignature (cosignature/v1, with its validator key): woken after each
// block that sealed one, and once at start (the genesis checkpoint, and
// any a crash left unsigned), it signs what lacks its line and sends it
// as a transaction, which puts the same line in every node's copy.
func (e *Engine) cosign(skey string) {
	defer e.wg.Done()
	signer, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		e.log.Error("cosigner key", "err", err)
		return
	}
	next := int64(1)
	for {
		head := e.Published().Head.Height
		if _, seated := e.app.seat(e.addr); !seated {
			head = 0 // a follower's cosignature counts for nothing
		}
		for ; next <= head; next++ {
			if err := e.cosignOne(signer, next); err != nil {
				e.log.Warn("cosigning checkpoint", "height", next, "err", err)
				break // tried again on the next wake
			}
		}
		select {
		case <-e.quit:
			return
		case <-e.cosigs:
		}
	}
}

func (e *Engine) cosignOne(signer note.Signer, h int64) error {
	if _, done, err := e.Record(cosigKey(h, e.addr)); err != nil || done {
		return err
	}
	text, err := e.app.checkpointText(h)
	if err != nil {
		return err
	}
	signed, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return err
	}
	_, err = e.send(context.Background(), Payload{Kind: KindCosign, Height: h, Cosig: string(signed[len(text)+1:])}, nil, false)
	return err
}

// WriteExport writes the log up to the latest checkpoint its validators
// have cosigned, with their cosignatures: an export that verifies.
func (e *Engine) WriteExport(w io.Writer) error {
	return e.WriteExportTo(w, e.Published().Size)
}

// WriteExportTo is described at state.Engine. A replicated hub's
// checkpoint counts only with its validators' cosignatures, so the export
// stops at the last checkpoint that has them (a moment behind the head,
// while they are gathered), and carries them.
func (e *Engine) WriteExportTo(w io.Writer, size uint64, cosigned ...state.Cosignatures) error {
	frames, quorate, err := e.cosignatures(size)
	if err != nil {
		return err
	}
	// One frame per height: other cosignatures (the doors pass the
	// statuses they show, which are these same lines) join the
	// validators', each line once.
	at := map[int64]int{}
	for i, f := range frames {
		at[f.Height] = i
	}
	for _, c := range cosigned {
		i, ok := at[c.Height]
		if !ok {
			at[c.Height], frames = len(frames), append(frames, state.Cosignatures{Height: c.Height})
			i = at[c.Height]
		}
		for _, l := range strings.SplitAfter(string(c.Lines), "\n") {
			if l != "" && !strings.Contains(string(frames[i].Lines), l) {
				frames[i].Lines = append(frames[i].Lines, l...)
			}
		}
	}
	return e.Store.WriteExportTo(w, min(size, quorate), frames...)
}

// cosignatures are the validators' cosignature frames of the checkpoints
// covering at most size events, and the size of the latest one with a
// quorum.
func (e *Engine) cosignatures(size uint64) (frames []state.Cosignatures, quorate uint64, err error) {
	err = e.View(func(r state.Reader) error {
		set, ok := state.Validators(r)
		if !ok {
			return errors.New("the log names no validators")
		}
		lines := map[int64][]byte{}
		r.Scan(prefixCosig, func(k string, v []byte) bool {
			h, _ := strconv.ParseInt(k[len(prefixCosig):len(prefixCosig)+16], 10, 64)
			lines[h] = append(lines[h], v...)
			return true
		})
		r.Scan(state.PrefixCheckpoint, func(_ string, signed []byte) bool {
			c, err := chain.Open(signed, e.app.logV)
			if err != nil || uint64(c.Size) > size {
				return false
			}
			frames = append(frames, state.Cosignatures{Height: c.Height, Lines: lines[c.Height]})
			// Judged by the set in force now, not at c (verify's rule): a
			// set changed since can only end the export earlier, until the
			// new validators' cosigners catch up on the old checkpoints.
			if _, ok := set.QuorumCosigned(string(c.Text()), lines[c.Height]); ok || uint64(c.Size) <= set.Since {
				quorate = uint64(c.Size)
			}
			return true
		})
		return nil
	})
	return frames, quorate, err
}

// Validators is the validator set in force.
func (e *Engine) Validators() []state.ValidatorSeat { return e.app.ValidatorSet().Seats }

type cosignStatuses struct {
	block uint64
	list  []state.CosignatureStatus
}

// CosignatureStatuses are the validators' cosignatures of the latest
// checkpoints, in the form the doors show witnesses' (state.Hub's
// SetCosignatures): each validator's latest cosigned checkpoint among the
// last few. They are read again only after a block was committed.
func (e *Engine) CosignatureStatuses() []state.CosignatureStatus {
	e.statusMu.Lock()
	defer e.statusMu.Unlock()
	block := e.blocks.Load()
	if c := e.statuses; c != nil && c.block == block {
		return c.list
	}
	head := e.Published().Head.Height
	var out []state.CosignatureStatus
	_ = e.View(func(r state.Reader) error {
		for _, s := range e.app.ValidatorSet().Seats {
			st := state.CosignatureStatus{Name: s.Name, Key: s.Key, Validator: true}
			pub, err := state.SeatKey(s)
			if err != nil {
				continue
			}
			addr := state.ValidatorAddress(pub)
			for h := head; h > 0 && h > head-16; h-- {
				if line, ok := r.Get(cosigKey(h, addr)); ok {
					st.Height, st.Line = h, strings.TrimSuffix(string(line), "\n")
					break
				}
			}
			out = append(out, st)
		}
		return nil
	})
	e.statuses = &cosignStatuses{block: block, list: out}
	return out
}

package replica

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/mempool"
	nm "github.com/cometbft/cometbft/node"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

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
	cosigs  chan state.Head
	quit    chan struct{}
	wg      sync.WaitGroup
}

var _ state.Engine = (*Engine)(nil)

// ErrNoQuorum: a write was not committed in time, because too few of the
// stewards' nodes are reachable to make blocks.
var ErrNoQuorum = errors.New("not committed: the hub's nodes cannot reach agreement right now (more than two thirds of the stewards' nodes must be up and connected); nothing is lost, your request will be applied if it is committed later, and `receipt` will show it")

// Now is this node's clock; events carry their block's time.
func (e *Engine) Now() time.Time { return time.Now() }

// Submit sends c for a as a transaction and waits until its block is
// committed on this node. The hub's own commands (deadlines) are not sent:
// every node runs them in each block; a tick asks for a block instead.
func (e *Engine) Submit(ctx context.Context, a state.Actor, c state.Command) ([]state.Event, error) {
	if a.System {
		if !e.ticking.Swap(true) {
			if _, err := e.send(ctx, Payload{Kind: KindTick}, false); err != nil {
				e.ticking.Store(false)
			}
		}
		return nil, nil
	}
	name, body, err := state.EncodeCommand(c)
	if err != nil {
		return nil, err
	}
	r, err := e.send(ctx, Payload{Kind: KindCmd, Key: a.Key, Cmd: name, Body: body}, true)
	if err != nil {
		return nil, err
	}
	return r.Events, r.Err
}

func (e *Engine) send(ctx context.Context, p Payload, wait bool) (store.BlockResult, error) {
	var n [8]byte
	rand.Read(n[:])
	p.Node, p.Time, p.Nonce = e.addr, time.Now().UnixMilli(), binary.BigEndian.Uint64(n[:])
	raw, err := Seal(p, e.key)
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
	case <-e.quit:
		return store.BlockResult{}, state.ErrClosed
	}
}

// committed runs on the consensus path after each block: it answers the
// writes this node sent and hands a sealed checkpoint to the cosigner.
func (e *Engine) committed(_ int64, results map[[32]byte]store.BlockResult, sealed *state.Head) {
	e.ticking.Store(false)
	e.mu.Lock()
	for h, r := range results {
		if ch, ok := e.waiters[h]; ok {
			ch <- r
		}
	}
	e.mu.Unlock()
	if sealed != nil {
		select {
		case e.cosigs <- *sealed:
		default:
			// The cosigner is behind; it cosigns the latest it is given,
			// and the one it skipped stays without this node's signature.
			e.log.Warn("cosigner behind: a checkpoint goes without this node's cosignature", "height", sealed.Height)
		}
	}
}

// cosign signs each checkpoint this node sealed with its validator key
// (cosignature/v1) and sends it to the others; the transaction carrying
// it puts the same line in every node's copy.
func (e *Engine) cosign(skey string) {
	defer e.wg.Done()
	signer, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		e.log.Error("cosigner key", "err", err)
		return
	}
	for {
		select {
		case <-e.quit:
			return
		case h := <-e.cosigs:
			text, err := e.app.checkpointText(h.Height)
			if err == nil {
				var signed []byte
				if signed, err = note.Sign(&note.Note{Text: text}, signer); err == nil {
					_, err = e.send(context.Background(), Payload{Kind: KindCosign, Height: h.Height, Cosig: string(signed[len(text)+1:])}, false)
				}
			}
			if err != nil {
				e.log.Warn("cosigning checkpoint", "height", h.Height, "err", err)
			}
		}
	}
}

// Validators is the validator set in force.
func (e *Engine) Validators() []Validator { return e.app.Validators() }

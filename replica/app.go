package replica

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// The engine's own records, beside the log's keyspace in the same Badger
// database and written in the same transaction as each block: outside the
// state digest and the log, and the same on every node all the same.
const (
	keyHeight    = "r/height"  // the last committed block
	keyAppHash   = "r/apphash" // its app hash
	prefixSeen   = "r/seen/"   // <tx hash hex>: taken (value: block time)
	prefixSeenAt = "r/seenat/" // <time16>/<hash>: the seen set by age
	prefixCosig  = "r/cosig/"  // <height16>/<address>: cosignature line
)

// ReplayWindow is how far a transaction's own time may be from its
// block's: within it a transaction is taken once (the seen set keeps it
// that long), beyond it never.
const ReplayWindow = 10 * time.Minute

// Codes of transaction results (ExecTxResult.Code).
const (
	codeOK      = 0
	codeRefused = 1 // the command was decided and refused
	codeInvalid = 2 // not a transaction any node takes
)

// App is the ABCI application: polis's Decide and Apply over the store, in
// block order. CometBFT calls it from one connection at a time (the local
// client's mutex); the engine reads what it published.
type App struct {
	abci.BaseApplication
	st   *store.Store
	logV note.Verifier

	set atomic.Pointer[state.ValidatorSet] // the set in force, read from state

	pending  *store.DecidedBlock
	pendHash []byte
	pendTxs  []*Tx
	pendRes  []store.BlockResult
	pendIdx  []int // pendTxs[i]'s command in pendRes, or -1
	// committed is told each committed block's results, by hash of the
	// transaction, and the checkpoint it sealed if any (engine.go).
	committed func(height int64, results map[[32]byte]store.BlockResult, sealed *state.Head)
}

// NewApp runs over st, an external-mode store whose hub.key is the log's
// public key (LogSignerKey).
func NewApp(st *store.Store) (*App, error) {
	v, err := note.NewVerifier(st.VerifierKey())
	if err != nil {
		return nil, err
	}
	a := &App{st: st, logV: v}
	return a, a.loadSet()
}

// loadSet reads the validator set in force from the log's state.
func (a *App) loadSet() error {
	return a.st.View(func(r state.Reader) error {
		if set, ok := state.Validators(r); ok {
			a.set.Store(&set)
		}
		return nil
	})
}

// ValidatorSet is the validator set in force (empty before genesis).
func (a *App) ValidatorSet() state.ValidatorSet {
	if s := a.set.Load(); s != nil {
		return *s
	}
	return state.ValidatorSet{}
}

func (a *App) seat(addr string) (state.ValidatorSeat, bool) {
	for _, s := range a.ValidatorSet().Seats {
		if k, err := state.SeatKey(s); err == nil && state.ValidatorAddress(k) == addr {
			return s, true
		}
	}
	return state.ValidatorSeat{}, false
}

// Info tells CometBFT where the app is, so a restarted node replays
// exactly the blocks after it.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	h, hash, err := a.last()
	if err != nil {
		return nil, err
	}
	return &abci.ResponseInfo{Version: "polis", LastBlockHeight: h, LastBlockAppHash: hash}, nil
}

func (a *App) last() (int64, []byte, error) {
	b, ok, err := a.st.Record(keyHeight)
	if err != nil || !ok {
		return 0, nil, err
	}
	h, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("corrupt block height %q", b)
	}
	hash, _, err := a.st.Record(keyAppHash)
	return h, hash, err
}

// InitChain creates the hub from the genesis, as one block at the
// genesis time, committed at once: a node that stops before the first
// block is asked again, and finds it done.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	if a.st.Size() > 0 {
		_, hash, err := a.last()
		return &abci.ResponseInitChain{AppHash: hash}, err
	}
	as, err := parseAppState(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	var seats []state.ValidatorSeat
	for _, v := range as.Validators {
		key, _ := v.CosignerKey() // checked by parseAppState
		seats = append(seats, state.ValidatorSeat{Name: v.Name, Key: key, Power: v.Power})
	}
	cmds := []store.BlockCmd{
		{Actor: state.SystemActor, Cmd: state.CreateHub{Name: as.Name}},
		{Actor: state.SystemActor, Cmd: state.SetValidators{Validators: seats}},
		{Actor: state.SystemActor, Cmd: state.NameOrigin{Origin: as.Origin}},
	}
	for _, k := range as.AdminKeys {
		cmds = append(cmds, store.BlockCmd{Actor: state.SystemActor, Cmd: state.AdmitAdmin{Key: k.Key, Name: k.Name}})
	}
	if as.FounderCodeHash != "" {
		cmds = append(cmds, store.BlockCmd{Actor: state.SystemActor, Cmd: state.CreateInvite{CodeHash: as.FounderCodeHash, Uses: 1, Founder: true}})
	}
	d, err := a.st.DecideBlock(store.Block{Time: req.Time.UnixMilli(), Cmds: cmds, Seal: true})
	if err != nil {
		return nil, err
	}
	for i, r := range d.Results {
		if r.Err != nil {
			return nil, fmt.Errorf("genesis command %d: %w", i, r.Err)
		}
	}
	hash := appHash(d.Head())
	d.Set(keyHeight, []byte("0"))
	d.Set(keyAppHash, hash)
	if err := a.st.CommitBlock(d); err != nil {
		return nil, err
	}
	return &abci.ResponseInitChain{AppHash: hash}, a.loadSet()
}

// appHash commits to the log and the state: the checkpoint covering the
// whole log names its size, Merkle root and state digest. A block seals
// one whenever it adds events, so the head always covers the whole log.
func appHash(h state.Head) []byte {
	s := sha256.Sum256([]byte("polis replica app hash v1\n" + h.Note))
	return s[:]
}

// CheckTx takes into the mempool only what a block could take: a
// well-formed transaction signed by a validator, within the replay window
// and not seen. Whether the command is allowed is decided in the block.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	tx, err := a.check(req.Tx, time.Now().UnixMilli(), nil)
	if err == nil && tx.Kind == KindCmd {
		_, _, err = tx.command()
	}
	if err != nil {
		return &abci.ResponseCheckTx{Code: codeInvalid, Log: err.Error()}, nil
	}
	return &abci.ResponseCheckTx{Code: codeOK}, nil
}

// check is every node's test of a transaction before its content counts:
// form, the sending validator's signature, the replay window around now,
// and not taken before (in the store, or earlier in this block).
func (a *App) check(raw []byte, now int64, inBlock map[[32]byte]bool) (*Tx, error) {
	tx, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	// The log's own rule for a node's transaction (node.relayed).
	if _, err := state.CheckRelay(a.ValidatorSet(), tx.Node, tx.Signed()); err != nil {
		return nil, err
	}
	if d := now - tx.Time; d > ReplayWindow.Milliseconds() || -d > ReplayWindow.Milliseconds() {
		return nil, fmt.Errorf("transaction time %d is more than %s from %d", tx.Time, ReplayWindow, now)
	}
	if inBlock[tx.Hash] {
		return nil, errors.New("transaction replayed")
	}
	if _, seen, err := a.st.Record(prefixSeen + tx.HashHex()); err != nil {
		return nil, err
	} else if seen {
		return nil, errors.New("transaction replayed")
	}
	if tx.Kind == KindCosign {
		seat, _ := a.seat(tx.Node)
		if err := a.checkCosig(tx, seat); err != nil {
			return nil, err
		}
	}
	return tx, nil
}

// PrepareProposal proposes the mempool's transactions as they are: what a
// block cannot take is refused inside it, never by dropping the block.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	var txs [][]byte
	var n int64
	for _, tx := range req.Txs {
		if n += int64(len(tx)); n > req.MaxTxBytes {
			break
		}
		txs = append(txs, tx)
	}
	return &abci.ResponsePrepareProposal{Txs: txs}, nil
}

// ProcessProposal accepts every block: a correct proposer's block is
// never rejected, and a transaction that should not be there is refused
// by every node alike when the block is finalized.
func (a *App) ProcessProposal(context.Context, *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

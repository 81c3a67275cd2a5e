package replica

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// FinalizeBlock decides a block: first what falls due by the block's time
// (state.DueCommands, as the hub), then each transaction in order, all
// stamped with the block's time; a checkpoint is sealed if events were
// added. Nothing is written until Commit.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	now := tamperTime(req.Time.UnixMilli())
	var cmds []store.BlockCmd
	if err := a.st.View(func(r state.Reader) error {
		for _, c := range state.DueCommands(r, now, a.logV) {
			cmds = append(cmds, store.BlockCmd{Actor: state.SystemActor, Cmd: c})
		}
		return nil
	}); err != nil {
		return nil, err
	}
	res := make([]*abci.ExecTxResult, len(req.Txs))
	txs := make([]*Tx, len(req.Txs))
	idx := make([]int, len(req.Txs))
	inBlock := map[[32]byte]bool{}
	for i, raw := range req.Txs {
		idx[i] = -1
		tx, err := a.check(raw, now, inBlock)
		var c state.Command
		var actor state.Actor
		if err == nil && tx.Kind == KindCmd {
			actor, c, err = tx.command()
		}
		if err != nil {
			res[i] = &abci.ExecTxResult{Code: codeInvalid, Log: err.Error()}
			continue
		}
		txs[i], inBlock[tx.Hash] = tx, true
		res[i] = &abci.ExecTxResult{Code: codeOK}
		if c != nil {
			idx[i] = len(cmds)
			cmds = append(cmds, store.BlockCmd{Actor: actor, Cmd: state.Relayed{Cmd: c, Node: tx.Node, Tx: tx.Signed()}})
		}
	}
	d, err := a.st.DecideBlock(store.Block{Time: now, Cmds: cmds, Seal: true})
	if err != nil {
		return nil, err // no node may go on past a block it cannot decide
	}
	for i, tx := range txs {
		if tx == nil {
			continue
		}
		if j := idx[i]; j >= 0 && d.Results[j].Err != nil {
			res[i] = &abci.ExecTxResult{Code: codeRefused, Log: d.Results[j].Err.Error()}
		}
		seen := fmt.Sprintf("%016d", now)
		d.Set(prefixSeen+tx.HashHex(), []byte(seen))
		d.Set(prefixSeenAt+seen+"/"+tx.HashHex(), []byte{})
		if tx.Kind == KindCosign {
			d.Set(cosigKey(tx.Height, tx.Node), []byte(tx.Cosig))
		}
	}
	if err := a.forgetSeen(d, now); err != nil {
		return nil, err
	}
	updates, err := validatorUpdates(d)
	if err != nil {
		return nil, err
	}
	hash := appHash(d.Head())
	d.Set(keyHeight, []byte(strconv.FormatInt(req.Height, 10)))
	d.Set(keyAppHash, hash)
	a.pending, a.pendHash, a.pendTxs, a.pendIdx = d, hash, txs, idx
	return &abci.ResponseFinalizeBlock{TxResults: res, AppHash: hash, ValidatorUpdates: updates}, nil
}

// validatorUpdates tells CometBFT of the seats a passed validator proposal
// changed in this block (it takes them from the block after next); the
// log's set, which the transactions are checked against, changes at once.
func validatorUpdates(d *store.DecidedBlock) ([]abci.ValidatorUpdate, error) {
	var out []abci.ValidatorUpdate
	for _, r := range d.Results {
		for _, ev := range r.Events {
			vc, ok := ev.Body.(*state.ValidatorsChanged)
			if !ok {
				continue
			}
			pub, err := state.SeatKey(vc.Seat)
			if err != nil {
				return nil, err
			}
			out = append(out, abci.Ed25519ValidatorUpdate(pub, vc.Seat.Power))
		}
	}
	return out, nil
}

// forgetSeen drops from the seen set what is older than the replay
// window: such a transaction is refused by its time anyway.
func (a *App) forgetSeen(d *store.DecidedBlock, now int64) error {
	cut := fmt.Sprintf("%s%016d", prefixSeenAt, now-ReplayWindow.Milliseconds())
	return a.st.View(func(r state.Reader) error {
		r.Scan(prefixSeenAt, func(k string, _ []byte) bool {
			if k >= cut {
				return false
			}
			d.Set(k, nil)
			d.Set(prefixSeen+k[strings.LastIndexByte(k, '/')+1:], nil)
			return true
		})
		return nil
	})
}

// Commit makes the decided block durable with its height and app hash in
// one transaction, then tells the engine.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	d := a.pending
	if d == nil {
		return &abci.ResponseCommit{}, nil
	}
	a.pending = nil
	before := a.st.Published().Head.Height
	if err := a.st.CommitBlock(d); err != nil {
		return nil, err
	}
	if _, changed := d.Writes()[state.KeyValidators]; changed {
		if err := a.loadSet(); err != nil {
			return nil, err
		}
	}
	if a.committed != nil {
		h, _ := strconv.ParseInt(string(d.Writes()[keyHeight]), 10, 64)
		results := map[[32]byte]store.BlockResult{}
		for i, tx := range a.pendTxs {
			if tx == nil {
				continue
			}
			if j := a.pendIdx[i]; j >= 0 {
				results[tx.Hash] = d.Results[j]
			} else {
				results[tx.Hash] = store.BlockResult{}
			}
		}
		var sealed *state.Head
		if head := d.Head(); head.Height > before {
			sealed = &head
		}
		a.committed(h, results, sealed)
	}
	a.pendTxs, a.pendIdx = nil, nil
	return &abci.ResponseCommit{}, nil
}

// command is a KindCmd's member and command. The member is the key the
// transaction names (its fingerprint is computed here, never taken from
// the sender); never the hub.
func (tx *Tx) command() (state.Actor, state.Command, error) {
	canon, fp, _, err := state.ParseLoginKey(tx.Key)
	if err != nil {
		return state.Actor{}, nil, fmt.Errorf("member key: %v", err)
	}
	c, err := state.DecodeCommand(tx.Cmd, tx.Body)
	return state.Actor{Key: canon, Fingerprint: fp}, c, err
}

func cosigKey(height int64, addr string) string {
	return fmt.Sprintf("%s%016d/%s", prefixCosig, height, addr)
}

// checkCosig: a validator's cosignature of a sealed checkpoint, once.
func (a *App) checkCosig(tx *Tx, seat state.ValidatorSeat) error {
	text, err := a.checkpointText(tx.Height)
	if err != nil {
		return err
	}
	if _, dup, err := a.st.Record(cosigKey(tx.Height, tx.Node)); err != nil {
		return err
	} else if dup {
		return fmt.Errorf("checkpoint %d is already cosigned by %s", tx.Height, tx.Node)
	}
	cv, err := fnote.NewVerifierForCosignatureV1(seat.Key)
	if err != nil {
		return err
	}
	if _, err := note.Open([]byte(text+"\n"+tx.Cosig), note.VerifierList(cv)); err != nil {
		return fmt.Errorf("cosignature of checkpoint %d by %s: %v", tx.Height, tx.Node, err)
	}
	return nil
}

// checkpointText is the text (the signed part) of sealed checkpoint h.
func (a *App) checkpointText(h int64) (string, error) {
	signed, ok, err := a.st.Record(state.CheckpointKey(h))
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("no checkpoint %d", h)
	}
	c, err := chain.Open(signed, a.logV)
	if err != nil {
		return "", err
	}
	return string(c.Text()), nil
}

package replica

import (
	"errors"
	"testing"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// CometBFT's consensus says it halted only in a log line, from a logger
// derived with With: the engine hears it, with the reason, and nothing
// else.
func TestHaltWatchHearsConsensusFailure(t *testing.T) {
	var got []any
	l := cmtlog.Logger(haltWatch{cmtlog.NewNopLogger(), func(r any) { got = append(got, r) }})
	cons := l.With("module", "consensus")
	cons.Error("prevote step: consensus deems this block invalid; prevoting nil", "err", errors.New("wrong Block.Header.AppHash"))
	cons.Info("CONSENSUS FAILURE!!!")
	if len(got) != 0 {
		t.Fatalf("halted on %v", got)
	}
	cons.Error("CONSENSUS FAILURE!!!", "err", "+2/3 prevoted for an invalid block: wrong Block.Header.AppHash", "stack", "...")
	if len(got) != 1 || got[0] != "+2/3 prevoted for an invalid block: wrong Block.Header.AppHash" {
		t.Fatalf("halt reasons %v", got)
	}
}

// Block sync meets a divergence as a block whose validated commit names
// another app hash: that halts too; its other validation errors (a bad
// peer) do not.
func TestHaltWatchHearsBlockSyncDivergence(t *testing.T) {
	var got []any
	l := cmtlog.Logger(haltWatch{cmtlog.NewNopLogger(), func(r any) { got = append(got, r) }}).With("module", "blocksync")
	l.Error("Error in validation", "height", 27, "err", errors.New("invalid commit -- wrong signature"))
	if len(got) != 0 {
		t.Fatalf("halted on %v", got)
	}
	l.Error("Error in validation", "height", 27, "err", errors.New("wrong Block.Header.AppHash.  Expected B0, got 8C"))
	if len(got) != 1 {
		t.Fatalf("halt reasons %v", got)
	}
}

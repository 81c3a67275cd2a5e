package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cosign"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/witness"
)

// CosignedDir holds, per witness the hub asks, its latest cosignature.
const cosignedDir = "cosigned"

// startWitnessing runs the hub's witness (for the logs it watches) and
// its gatherer (asking the witnesses it uses), and returns how to stop the
// gatherer before the store closes.
func startWitnessing(hub *state.Hub, data, origin string, log *slog.Logger) (stop func(), err error) {
	skey, _, err := store.LoadWitnessKey(data, origin)
	if err != nil {
		return nil, err
	}
	journal, err := witness.OpenJournal(filepath.Join(data, store.WitnessDir))
	if err != nil {
		return nil, fmt.Errorf("the witness's record: %w", err)
	}
	if err := hub.StartWitness(skey, journal); err != nil {
		journal.Close()
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(data, store.HostKeyFile))
	if err != nil {
		journal.Close()
		return nil, err
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		journal.Close()
		return nil, fmt.Errorf("SSH host key: %w", err)
	}
	g := &cosign.Gatherer{Hub: hub, Store: cosign.FileStore{Dir: filepath.Join(data, cosignedDir)}, Transport: cosign.SSH(signer), Log: log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); g.Run(ctx) }()
	return func() { cancel(); <-done; journal.Close() }, nil
}

// originOf is the log's origin: its verifier key's name.
func originOf(vkey string) string {
	name, _, _ := strings.Cut(vkey, "+")
	return name
}

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/replica"
	polisssh "github.com/polis-hub/polis/ssh"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func replicaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replica",
		Short: "Run a hub on several stewards' machines (CometBFT)",
		Long: `A replicated hub runs on several stewards' nodes at once: every node holds
the whole log, decides every block the same way, and serves the same SSH door.
No one node can write or rewrite the record alone. See docs/replication.md.`,
	}
	cmd.AddCommand(replicaInitCmd(), replicaJoinCmd())
	return cmd
}

func replicaJoinCmd() *cobra.Command {
	var o replica.JoinOptions
	var from []string
	cmd := &cobra.Command{
		Use:   "join --out DIR --ssh ADDR --p2p ADDR (--from NODE-DIR | --genesis FILE --peer ID@HOST:PORT...)",
		Short: "Write the data dir of a new steward's node for an existing replicated hub",
		Long: `Write a data dir for a new node of a replicated hub. Started with
'polis serve --data DIR', it syncs every block from its peers and serves the
hub's door for reading; it takes writes once a passed validator proposal seats
it. join prints the proposal to open, with the node's cosignature key.

--from names another node's data dir on this machine: its genesis is copied
and it becomes this node's peer. On another machine, copy the genesis
(cometbft/config/genesis.json) and pass --genesis and --peer instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, d := range from {
				if o.Genesis == "" {
					o.Genesis = replica.GenesisFile(d)
				}
				p, err := replica.PeerAddress(d)
				if err != nil {
					return fmt.Errorf("--from %s: %w", d, err)
				}
				o.Peers = append(o.Peers, p)
			}
			if o.Genesis == "" {
				return fmt.Errorf("--from NODE-DIR or --genesis FILE is required")
			}
			key, err := replica.Join(o)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "polis: wrote %s; start it with   polis serve --data %s\n", o.Out, o.Out)
			fmt.Fprintf(out, "polis: it follows the hub and serves reads; to make it a validator, a member opens:\n\n")
			fmt.Fprintf(out, "    ssh HUB proposal new --kind validator --title 'Seat %s' --validator-key '%s' --power 10 < why.md\n\n", strings.SplitN(key, "+", 2)[0], key)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Out, "out", "", "the new node's data dir")
	fl.StringVar(&o.Name, "name", "", "the node's validator name (default node-RANDOM.ORIGIN)")
	fl.StringVar(&o.SSH, "ssh", "", "its SSH door's address, e.g. 127.0.0.1:25005")
	fl.StringVar(&o.P2P, "p2p", "", "its consensus address, e.g. 127.0.0.1:25020")
	fl.StringArrayVar(&from, "from", nil, "another node's data dir on this machine (genesis and peer; repeatable)")
	fl.StringVar(&o.Genesis, "genesis", "", "the hub's genesis.json")
	fl.StringArrayVar(&o.Peers, "peer", nil, "a node to dial, ID@HOST:PORT (repeatable)")
	return cmd
}

func replicaInitCmd() *cobra.Command {
	var o replica.InitOptions
	var keys []string
	cmd := &cobra.Command{
		Use:   "init --nodes N --out DIR --ssh-port-base PORT [--admin-key PUB]...",
		Short: "Write the data dirs of a new replicated hub, one per node",
		Long: `Write DIR/node0 ... DIR/node<N-1>, one data dir per steward's node, with one
genesis naming every node's validator key. Node I's SSH door listens on
127.0.0.1:(PORT+I); its consensus (p2p) and CometBFT RPC ports come after the
SSH ports and are written into DIR/nodeI/replica.json, which a steward setting
up real machines edits (addresses and peers). Start node I with
'polis serve --data DIR/nodeI'.

--admin-key names an authorized_keys file (or one key line) whose keys are
stewards from the start; with none, init prints a founder code once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Out == "" {
				return fmt.Errorf("--out is required")
			}
			ak, err := initAdminKeys(keys)
			if err != nil {
				return err
			}
			o.AdminKeys = ak
			founder, err := replica.Init(o)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "polis: wrote %d nodes in %s\n", o.Nodes, o.Out)
			for i := range o.Nodes {
				fmt.Fprintf(out, "  polis serve --data %s    # ssh -p %d 127.0.0.1\n", filepath.Join(o.Out, fmt.Sprintf("node%d", i)), o.SSHBase+i)
			}
			if founder != "" {
				fmt.Fprintf(out, "polis: no admin keys; become the founding steward, once, through any node:\n\n    ssh -p %d 127.0.0.1 join %s --name YOUR-NAME\n\n", o.SSHBase, founder)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&o.Nodes, "nodes", 4, "number of nodes (stewards' machines)")
	fl.StringVar(&o.Out, "out", "", "directory to write node0 ... into")
	fl.IntVar(&o.SSHBase, "ssh-port-base", 23234, "node I's SSH door listens on 127.0.0.1:(this+I)")
	fl.IntVar(&o.P2PBase, "p2p-port-base", 0, "node I's consensus listens on 127.0.0.1:(this+2I), its RPC on the next port; 0 = right after the SSH ports")
	fl.StringVar(&o.Name, "name", "polis", "community name")
	fl.StringVar(&o.Origin, "origin", "polis.local/hub", "checkpoint origin")
	fl.StringArrayVar(&keys, "admin-key", nil, "authorized_keys file, or one key line, whose keys are stewards from the start (repeatable)")
	return cmd
}

// initAdminKeys reads each --admin-key as a file, or as a key line when no
// such file exists.
func initAdminKeys(args []string) ([]replica.AdminKey, error) {
	var out []replica.AdminKey
	for _, a := range args {
		var ks []adminKey
		var err error
		if _, serr := os.Stat(a); serr == nil {
			ks, err = adminKeyLines([]string{a}, "")
		} else {
			ks, err = keyLines("--admin-key", a)
		}
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			out = append(out, replica.AdminKey{Key: k.key, Name: k.name})
		}
	}
	return out, nil
}

// serveReplica serves one node of a replicated hub: the same door, app
// and commands as a single hub, over the replicated engine.
func serveReplica(cmd *cobra.Command, f *serveFlags) error {
	log, err := newLogger(cmd.ErrOrStderr(), f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	rc, err := replica.ReadConfig(f.data)
	if err != nil {
		return err
	}
	if _, err := store.PrepareDir(f.data, rc.Origin); err != nil {
		return refusedToStart(f.data, err)
	}
	// The door's address first: a node that cannot serve must not join
	// consensus only to leave it.
	addr := rc.SSH
	if cmd.Flags().Changed("listen") || os.Getenv("POLIS_LISTEN") != "" {
		addr = f.listen
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	eng, err := replica.Start(f.data, replica.Options{Log: log, CometLog: cmd.ErrOrStderr()})
	if err != nil {
		ln.Close()
		return refusedToStart(f.data, err)
	}
	defer eng.Close()
	hub := state.NewHub(eng)
	hub.SetCosignatures(eng.CosignatureStatuses)
	cfg := f.ssh
	cfg.Addr, cfg.HostKeyPath, cfg.Logger = addr, filepath.Join(f.data, store.HostKeyFile), log
	srv, err := polisssh.New(hub, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	announce(cmd.OutOrStdout(), log, f, ln.Addr(), hub, "")
	fmt.Fprintf(cmd.OutOrStdout(), "polis: node %s of a replicated hub (%s), %d validators\n", rc.Name, rc.ChainID, len(eng.Validators()))
	// Deadlines run inside each block at the block's time; the loop only
	// asks for a block when something is due.
	dctx, stopDeadlines := context.WithCancel(context.Background())
	deadlines := make(chan struct{})
	go func() { defer close(deadlines); hub.RunDeadlines(dctx, time.Second) }()
	serveErr, halted := awaitStop(log, sig, errc, eng.Halted())
	if halted {
		// Its state may no longer be the hub's: stop serving it, and exit
		// non-zero for the supervisor and the steward to see.
		serveErr = fmt.Errorf("%w; this node stopped: its state may differ from the other nodes' (a diverged apply or a damaged store); check it with polis verify --data", eng.HaltErr())
		log.Error("consensus halted", "err", eng.HaltErr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
	stopDeadlines()
	<-deadlines
	if err := eng.Close(); err != nil {
		return err
	}
	log.Info("stopped", "events", eng.Published().Size, "checkpoint", eng.Published().Head.Height)
	return serveErr
}

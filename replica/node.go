package replica

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"

	"github.com/polis-hub/polis/state/store"
)

// Files of a replica's data dir, beside the store's own.
const (
	// ConfigFile marks a data dir as one node of a replicated hub.
	ConfigFile = "replica.json"
	cometDir   = "cometbft"
)

// Config is a node's polis settings (ConfigFile).
type Config struct {
	Node    int    `json:"node"`
	Name    string `json:"name"` // its cosignatures' name
	Origin  string `json:"origin"`
	ChainID string `json:"chain_id"`
	// SSH is the address its SSH door listens on.
	SSH string `json:"ssh"`
	// P2P is the address its consensus listens on; Peers the other
	// nodes' (CometBFT's "ID@host:port"); RPC CometBFT's RPC, on loopback
	// ("" for none).
	P2P   string   `json:"p2p"`
	Peers []string `json:"peers"`
	RPC   string   `json:"rpc,omitempty"`
}

// IsReplica reports whether dir is one node of a replicated hub.
func IsReplica(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ConfigFile))
	return err == nil
}

// ReadConfig reads dir's ConfigFile.
func ReadConfig(dir string) (Config, error) {
	var c Config
	b, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s: %v", filepath.Join(dir, ConfigFile), err)
	}
	return c, nil
}

// Options of a started node.
type Options struct {
	// Log gets the steward's messages; CometBFT's own go to CometLog
	// (errors only), or nowhere.
	Log      *slog.Logger
	CometLog io.Writer
	// QuorumWait: see Engine.QuorumWait (default 10s).
	QuorumWait time.Duration
}

// Start opens node dir's store and starts its CometBFT node in this
// process. The node joins its peers, replays what its store lacks from
// its block store, then follows consensus.
func Start(dir string, o Options) (*Engine, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.QuorumWait <= 0 {
		o.QuorumWait = 10 * time.Second
	}
	rc, err := ReadConfig(dir)
	if err != nil {
		return nil, err
	}
	conf := cfg.DefaultConfig()
	conf.SetRoot(filepath.Join(dir, cometDir))
	tune(conf, rc)
	pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	nodeKey, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return nil, err
	}
	seed := pv.Key.PrivKey.Bytes()[:ed25519.SeedSize]
	key := ed25519.NewKeyFromSeed(seed)
	st, err := store.Open(store.Options{Dir: dir, Origin: rc.Origin, External: true, Log: o.Log})
	if err != nil {
		return nil, err
	}
	app, err := NewApp(st)
	if err != nil {
		st.Close()
		return nil, err
	}
	e := &Engine{Store: st, app: app, key: key, addr: pv.Key.Address.String(), name: rc.Name, log: o.Log,
		QuorumWait: o.QuorumWait, waiters: map[[32]byte]chan store.BlockResult{},
		cosigs: make(chan struct{}, 1), quit: make(chan struct{})}
	app.committed = e.committed
	var logger cmtlog.Logger = cmtlog.NewNopLogger()
	if o.CometLog != nil {
		logger = cmtlog.NewFilter(cmtlog.NewTMLogger(cmtlog.NewSyncWriter(o.CometLog)), cmtlog.AllowError())
	}
	e.halted = make(chan struct{})
	n, err := nm.NewNode(conf, pv, nodeKey, proxy.NewLocalClientCreator(app),
		nm.DefaultGenesisDocProviderFunc(conf), cfg.DefaultDBProvider,
		nm.DefaultMetricsProvider(conf.Instrumentation), haltWatch{logger, e.halt})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("starting the consensus node: %w", err)
	}
	e.node = n
	e.wg.Add(1)
	go e.cosign(noteSignerKey(rc.Name, seed))
	if err := n.Start(); err != nil {
		close(e.quit)
		e.wg.Wait()
		st.Close()
		return nil, fmt.Errorf("starting the consensus node: %w", err)
	}
	return e, nil
}

// Close stops consensus, then the store.
func (e *Engine) Close() error {
	select {
	case <-e.quit:
		return nil
	default:
	}
	close(e.quit)
	if e.node.IsRunning() {
		// CometBFT's peer routines can outlive its Stop and read the block
		// store after it closed (cometbft#1878 and kin): the whole process
		// panics. Stop the peers first, and give a routine asleep between
		// its checks the time to see it.
		if err := e.node.Switch().Stop(); err != nil {
			e.log.Warn("stopping the consensus peers", "err", err)
		}
		time.Sleep(4 * e.node.Config().Consensus.PeerQueryMaj23SleepDuration)
		if err := e.node.Stop(); err != nil {
			e.log.Warn("stopping the consensus node", "err", err)
		}
		e.node.Wait()
	}
	e.wg.Wait()
	return e.Store.Close()
}

// tune is CometBFT's configuration for a polis node: everything but the
// addresses is polis's choice, so a steward edits ConfigFile and nothing
// else.
func tune(c *cfg.Config, rc Config) {
	c.Moniker = rc.Name
	c.P2P.ListenAddress = "tcp://" + rc.P2P
	c.P2P.PersistentPeers = strings.Join(rc.Peers, ",")
	c.P2P.AddrBookStrict = false // stewards may run nodes on one network
	c.P2P.AllowDuplicateIP = true
	c.P2P.PexReactor = false // the peers are the stewards' nodes, named
	// CometBFT holds each connection's messages up to this long to send
	// them together; a vote waits for two rounds of them.
	c.P2P.FlushThrottleTimeout = 10 * time.Millisecond
	c.RPC.ListenAddress = ""
	if rc.RPC != "" {
		c.RPC.ListenAddress = "tcp://" + rc.RPC
	}
	c.TxIndex.Indexer = "null" // the log is polis's; no second index
	c.Storage.DiscardABCIResponses = true
	c.Instrumentation.Prometheus = false
	// No empty blocks: a quiet hub costs nothing. A block is made when a
	// transaction comes (a tick when something falls due).
	c.Consensus.CreateEmptyBlocks = false
	// Members wait for their block: commit as soon as two thirds agree.
	c.Consensus.TimeoutPropose = time.Second
	c.Consensus.TimeoutPrevote = 500 * time.Millisecond
	c.Consensus.TimeoutPrecommit = 500 * time.Millisecond
	c.Consensus.TimeoutCommit = 0
	c.Consensus.SkipTimeoutCommit = true
	c.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
	c.Consensus.PeerQueryMaj23SleepDuration = 250 * time.Millisecond
	c.Mempool.Size = 20000
	// A transaction's check does not depend on the blocks after it (the
	// window and the seen set are checked again in the block): no need to
	// check the whole mempool again after every block.
	c.Mempool.Recheck = false
	c.Mempool.MaxTxBytes = MaxTxBytes
}

// haltWatch tells the engine when CometBFT's consensus has halted on this
// node. When a block cannot be committed here (this node's app hash
// differs from the others', or FinalizeBlock failed), CometBFT recovers
// the panic, logs it and stops making blocks, but the process lives on,
// serving a state the others no longer share; that log line is the only
// sign it gives. A node catching up by block sync meets the same
// divergence as a block whose header, signed by more than two thirds of
// the validators, names another app hash than this node's: it drops the
// peer and asks the next, for ever. Both mean this node's state is not
// the hub's.
type haltWatch struct {
	cmtlog.Logger
	halt func(reason any)
}

func (h haltWatch) Error(msg string, kv ...any) {
	var reason any = msg
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "err" {
			reason = kv[i+1]
		}
	}
	switch {
	case msg == "CONSENSUS FAILURE!!!":
		h.halt(reason)
	case msg == "Error in validation" && strings.Contains(fmt.Sprint(reason), "wrong Block.Header.AppHash"):
		// Block sync checked the block's commit before its header: the
		// validators signed that app hash, and this node has another.
		h.halt(reason)
	}
	h.Logger.Error(msg, kv...)
}

func (h haltWatch) With(kv ...any) cmtlog.Logger { return haltWatch{h.Logger.With(kv...), h.halt} }

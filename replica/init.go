package replica

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable"
	"github.com/polis-hub/polis/state/store"
)

// InitOptions describe a replicated hub to create.
type InitOptions struct {
	Nodes   int
	Out     string // nodes are Out/node0 ... Out/node<N-1>
	SSHBase int    // node I's SSH door: 127.0.0.1:(SSHBase+I)
	// P2PBase: node I's consensus listens on 127.0.0.1:(P2PBase+2I) and
	// its RPC on the port after; 0 puts them right after the SSH ports.
	P2PBase   int
	Name      string
	Origin    string
	AdminKeys []AdminKey
}

// Init writes the data dirs of a new replicated hub, one per node, with
// one genesis naming every node's validator key. With no admin keys it
// returns a founder code (its hash is in the genesis), shown once.
func Init(o InitOptions) (founder string, err error) {
	if o.Nodes < 1 || o.Nodes > 64 {
		return "", errors.New("--nodes must be between 1 and 64")
	}
	if o.SSHBase < 1 || o.SSHBase+o.Nodes > 65535 {
		return "", errors.New("--ssh-port-base must leave room for a port per node")
	}
	if o.P2PBase == 0 {
		o.P2PBase = o.SSHBase + o.Nodes
	}
	if o.P2PBase+2*o.Nodes > 65535 {
		return "", errors.New("the consensus ports do not fit below 65536: choose a lower --ssh-port-base")
	}
	if o.Origin == "" {
		o.Origin = "polis.local/hub"
	}
	if o.Name == "" {
		o.Name = "polis"
	}
	for i := range o.Nodes {
		if _, err := os.Stat(nodeDir(o.Out, i)); err == nil {
			return "", fmt.Errorf("%s exists: refusing to overwrite a node", nodeDir(o.Out, i))
		}
	}
	var idb [6]byte
	rand.Read(idb[:])
	chainID := "polis-" + hex.EncodeToString(idb[:])
	as := AppState{Name: o.Name, Origin: o.Origin, AdminKeys: o.AdminKeys}
	if len(o.AdminKeys) == 0 {
		founder, as.FounderCodeHash = state.NewInviteCode()
	}
	gen := &types.GenesisDoc{ChainID: chainID, GenesisTime: time.Now().UTC().Truncate(time.Millisecond),
		ConsensusParams: types.DefaultConsensusParams()}
	// A block well inside one store transaction (store.DecideBlock).
	gen.ConsensusParams.Block.MaxBytes = 1 << 20
	confs := make([]Config, o.Nodes)
	pvs := make([]*privval.FilePV, o.Nodes)
	ids := make([]p2p.ID, o.Nodes)
	for i := range o.Nodes {
		var err error
		if pvs[i], ids[i], err = makeNodeDir(nodeDir(o.Out, i), o.Origin, chainID); err != nil {
			return "", err
		}
		name := fmt.Sprintf("node%d.%s", i, o.Origin)
		pub := pvs[i].Key.PubKey
		gen.Validators = append(gen.Validators, types.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: 10, Name: name})
		as.Validators = append(as.Validators, Validator{Name: name, PubKey: pub.Bytes(), Power: 10})
		p2pPort := o.P2PBase + 2*i
		confs[i] = Config{Node: i, Name: name, Origin: o.Origin, ChainID: chainID,
			SSH: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.SSHBase+i)),
			P2P: net.JoinHostPort("127.0.0.1", strconv.Itoa(p2pPort)),
			RPC: net.JoinHostPort("127.0.0.1", strconv.Itoa(p2pPort+1)),
		}
	}
	if gen.AppState, err = json.Marshal(as); err != nil {
		return "", err
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return "", err
	}
	for i := range o.Nodes {
		// Each pair of nodes has one dialer, the later node: were both to
		// dial, each would refuse the other's connection as a duplicate
		// of its own, and a restarted node could flap for good.
		for j := range i {
			confs[i].Peers = append(confs[i].Peers, fmt.Sprintf("%s@%s", ids[j], confs[j].P2P))
		}
		dir := nodeDir(o.Out, i)
		if err := saveGenesis(gen, cometConfig(dir).GenesisFile()); err != nil {
			return "", err
		}
		b, _ := json.MarshalIndent(confs[i], "", "  ")
		if err := durable.WriteFile(filepath.Join(dir, ConfigFile), append(b, '\n'), 0o600); err != nil {
			return "", err
		}
	}
	return founder, nil
}

func nodeDir(out string, i int) string { return filepath.Join(out, fmt.Sprintf("node%d", i)) }

// makeNodeDir prepares a node's data dir: the store's files with the
// chain's log key, and a fresh validator key and node key.
func makeNodeDir(dir, origin, chainID string) (*privval.FilePV, p2p.ID, error) {
	if _, err := store.PrepareDir(dir, origin); err != nil {
		return nil, "", err
	}
	if err := store.SetSignerKey(dir, LogSignerKey(origin, chainID)); err != nil {
		return nil, "", err
	}
	c := cometConfig(dir)
	for _, d := range []string{filepath.Dir(c.GenesisFile()), filepath.Dir(c.PrivValidatorStateFile())} {
		if err := durable.MkdirAll(d, 0o700); err != nil {
			return nil, "", err
		}
	}
	pv := privval.GenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile())
	if err != nil {
		return nil, "", err
	}
	return pv, nk.ID(), nil
}

func cometConfig(dir string) *cfg.Config {
	c := cfg.DefaultConfig()
	c.SetRoot(filepath.Join(dir, cometDir))
	return c
}

// JoinOptions describe a new steward's node for an existing hub.
type JoinOptions struct {
	Genesis string   // the hub's genesis.json (any node's cometbft/config/genesis.json)
	Out     string   // the new node's data dir
	Name    string   // its validator name; default node-<random>.<origin>
	SSH     string   // its SSH door's address
	P2P     string   // its consensus address
	Peers   []string // nodes it dials: ID@HOST:PORT
}

// Join writes a data dir for a new node of an existing replicated hub. The
// node starts as a follower: it syncs every block from its peers and
// serves the door; it becomes a validator when a validator proposal seats
// the key Join returns (its cosignature/v1 key).
func Join(o JoinOptions) (cosignerKey string, err error) {
	gen, err := types.GenesisDocFromFile(o.Genesis)
	if err != nil {
		return "", err
	}
	as, err := parseAppState(gen.AppState)
	if err != nil {
		return "", err
	}
	if o.Out == "" || o.SSH == "" || o.P2P == "" || len(o.Peers) == 0 {
		return "", errors.New("join needs --out, --ssh, --p2p and at least one --peer")
	}
	if _, err := os.Stat(o.Out); err == nil {
		return "", fmt.Errorf("%s exists: refusing to overwrite a node", o.Out)
	}
	if o.Name == "" {
		var b [3]byte
		rand.Read(b[:])
		o.Name = fmt.Sprintf("node-%s.%s", hex.EncodeToString(b[:]), as.Origin)
	}
	pv, _, err := makeNodeDir(o.Out, as.Origin, gen.ChainID)
	if err != nil {
		return "", err
	}
	if err := saveGenesis(gen, cometConfig(o.Out).GenesisFile()); err != nil {
		return "", err
	}
	rc := Config{Node: -1, Name: o.Name, Origin: as.Origin, ChainID: gen.ChainID, SSH: o.SSH, P2P: o.P2P, Peers: o.Peers}
	b, _ := json.MarshalIndent(rc, "", "  ")
	if err := durable.WriteFile(filepath.Join(o.Out, ConfigFile), append(b, '\n'), 0o600); err != nil {
		return "", err
	}
	return Validator{Name: o.Name, PubKey: pv.Key.PubKey.Bytes(), Power: 1}.CosignerKey()
}

// PeerAddress is how other nodes dial the node in data dir dir:
// ID@HOST:PORT.
func PeerAddress(dir string) (string, error) {
	rc, err := ReadConfig(dir)
	if err != nil {
		return "", err
	}
	nk, err := p2p.LoadNodeKey(cometConfig(dir).NodeKeyFile())
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s@%s", nk.ID(), rc.P2P), nil
}

// GenesisFile is the genesis of the node in data dir dir.
func GenesisFile(dir string) string { return cometConfig(dir).GenesisFile() }

// saveGenesis writes the genesis durably (CometBFT's SaveAs does not sync).
func saveGenesis(gen *types.GenesisDoc, path string) error {
	b, err := cmtjson.MarshalIndent(gen, "", "  ")
	if err != nil {
		return err
	}
	return durable.WriteFile(path, b, 0o600)
}

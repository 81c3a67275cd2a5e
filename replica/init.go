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
		dir := nodeDir(o.Out, i)
		if _, err := store.PrepareDir(dir, o.Origin); err != nil {
			return "", err
		}
		if err := store.SetSignerKey(dir, LogSignerKey(o.Origin, chainID)); err != nil {
			return "", err
		}
		c := cfg.DefaultConfig()
		c.SetRoot(filepath.Join(dir, cometDir))
		for _, d := range []string{filepath.Dir(c.GenesisFile()), filepath.Dir(c.PrivValidatorStateFile())} {
			if err := durable.MkdirAll(d, 0o700); err != nil {
				return "", err
			}
		}
		pvs[i] = privval.GenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
		pvs[i].Save()
		nk, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile())
		if err != nil {
			return "", err
		}
		ids[i] = nk.ID()
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
		c := cfg.DefaultConfig()
		c.SetRoot(filepath.Join(dir, cometDir))
		if err := gen.SaveAs(c.GenesisFile()); err != nil {
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

package replica

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// cluster is N nodes of one replicated hub in this process, on loopback.
type cluster struct {
	t     testing.TB
	out   string
	nodes []*Engine
	hubs  []*state.Hub
}

func actorKey(t testing.TB) (state.Actor, string) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return state.Actor{Key: state.KeyString(pk), Fingerprint: state.Fingerprint(pk)}, state.KeyString(pk)
}

// freeBase finds n*3 free loopback ports in a row, below the kernel's
// ephemeral range (32768 and up on Linux): nodes restart on their ports,
// and a port handed to an outgoing connection meanwhile would refuse it.
func freeBase(t testing.TB, n int) int {
	for try := 0; try < 50; try++ {
		base := 20000 + mrand.IntN(12000-3*n)
		ok := true
		for p := base; p < base+3*n && ok; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if ok = err == nil; ok {
				l.Close()
			}
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

func newCluster(t *testing.T, n int, admin string) *cluster { return newClusterTB(t, n, admin) }

func newClusterTB(t testing.TB, n int, admin string) *cluster {
	c := &cluster{t: t, out: t.TempDir()}
	if _, err := Init(InitOptions{Nodes: n, Out: c.out, SSHBase: freeBase(t, n), Origin: "test.example/hub",
		AdminKeys: []AdminKey{{Key: admin, Name: "alice"}}}); err != nil {
		t.Fatal(err)
	}
	c.nodes, c.hubs = make([]*Engine, n), make([]*state.Hub, n)
	for i := range n {
		c.start(i)
	}
	t.Cleanup(func() {
		for i := range c.nodes {
			c.stop(i)
		}
	})
	return c
}

func (c *cluster) start(i int) {
	o := Options{QuorumWait: 5 * time.Second}
	e, err := Start(nodeDir(c.out, i), o)
	if err != nil {
		c.t.Fatalf("node %d: %v", i, err)
	}
	c.nodes[i], c.hubs[i] = e, state.NewHub(e)
}

func (c *cluster) stop(i int) {
	if c.nodes[i] != nil {
		if err := c.nodes[i].Close(); err != nil {
			c.t.Errorf("node %d: close: %v", i, err)
		}
		c.nodes[i], c.hubs[i] = nil, nil
	}
}

// settle waits until every running node has the same log size and state
// digest as node i, and at least size events.
func (c *cluster) settle(i int, size uint64) state.Published {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		want := *c.nodes[i].Published()
		same := want.Size >= size
		for _, e := range c.nodes {
			if e != nil && same {
				p := e.Published()
				same = p.Size == want.Size && p.Digest == want.Digest && p.Head.Note == want.Head.Note
			}
		}
		if same {
			return want
		}
		if time.Now().After(deadline) {
			for j, e := range c.nodes {
				if e != nil {
					p := e.Published()
					c.t.Logf("node %d: size %d head %d digest %x", j, p.Size, p.Head.Height, p.Digest[:4])
				}
			}
			c.t.Fatalf("nodes did not agree on node %d's log", i)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *cluster) do(node int, a state.Actor, cmd state.Command) []state.Event {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	evs, err := c.hubs[node].Submit(ctx, a, cmd)
	if err != nil {
		c.t.Fatalf("node %d: %T: %v", node, cmd, err)
	}
	return evs
}

func TestFourNodesAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four consensus nodes")
	}
	alice, aliceKey := actorKey(t)
	bob, _ := actorKey(t)
	c := newCluster(t, 4, aliceKey)
	c.settle(0, 1)

	// Members act through different nodes; each is answered once its
	// block is committed, and every node holds the same log.
	code, hash := state.NewInviteCode()
	_ = code
	c.do(0, alice, state.CreateInvite{CodeHash: hash, Uses: 1})
	c.do(1, bob, state.Join{CodeHash: hash, Name: "bob"})
	evs := c.do(2, alice, state.NewProposal{Kind: state.KindText, Title: "Paint the door", Body: "Blue.", Method: "yesno"})
	id := evs[0].Body.(*state.ProposalCreated).Proposal
	c.do(3, bob, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	c.do(0, alice, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "no"}})
	p := c.settle(3, 0)

	// A refusal is the same refusal on every node, and changes nothing.
	_, err := c.hubs[1].Submit(context.Background(), bob, state.CastVote{ID: 999, Ballot: tally.Ballot{Choice: "yes"}})
	if err == nil {
		t.Fatal("a vote on no proposal was taken")
	}
	if q := c.settle(1, 0); q.Size != p.Size {
		t.Fatalf("a refusal wrote %d events", q.Size-p.Size)
	}

	// One node down: the other three go on.
	c.stop(3)
	c.do(1, bob, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "no"}})
	p = c.settle(0, 0)

	// Back up, it catches up to the same log and state.
	c.start(3)
	c.settle(0, p.Size)
	c.do(3, alice, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	p = c.settle(3, p.Size+1)

	// Every node exports the same log, cosigned by more than two thirds
	// of the validators, and it verifies offline.
	b0 := c.exportOf(0)
	rep := verifyExport(t, b0)
	if rep.Events != p.Size || rep.Digest != p.Digest {
		t.Fatalf("verified %d events, digest %x; the nodes hold %d, %x", rep.Events, rep.Digest[:4], p.Size, p.Digest[:4])
	}
	x, _ := state.ReadExport(bytes.NewReader(b0))
	for h := int64(1); h <= int64(len(x.Checkpoints)); h++ {
		if n := bytes.Count(x.Cosigned[h], []byte("\n")); n < 3 {
			t.Errorf("checkpoint %d carries %d cosignatures", h, n)
		}
	}
}

// exportOf is node i's export once its validators have cosigned its head.
func (c *cluster) exportOf(i int) []byte {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var b bytes.Buffer
		if err := c.nodes[i].WriteExport(&b); err != nil {
			c.t.Fatal(err)
		}
		x, err := state.ReadExport(bytes.NewReader(b.Bytes()))
		if err != nil {
			c.t.Fatal(err)
		}
		if uint64(len(x.Events)) == c.nodes[i].Published().Size {
			return b.Bytes()
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("node %d: the validators never cosigned its head (export covers %d of %d events)", i, len(x.Events), c.nodes[i].Published().Size)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verifyExport checks an export as a member would, offline.
func verifyExport(t *testing.T, b []byte) state.VerifyReport {
	t.Helper()
	x, err := state.ReadExport(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := state.VerifyExport(x, "", nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// A new steward's node syncs every block from the others and follows;
// until a validator proposal seats it, it serves reads and says why it
// takes no writes.
func TestANewNodeSyncsAndFollows(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five consensus nodes")
	}
	alice, aliceKey := actorKey(t)
	c := newCluster(t, 4, aliceKey)
	c.settle(0, 1)
	code, hash := state.NewInviteCode()
	_ = code
	c.do(0, alice, state.CreateInvite{CodeHash: hash, Uses: 1})
	c.do(1, alice, state.Rename{Name: "Alicia"})
	p := c.settle(1, 0)

	base := freeBase(t, 1)
	dir := filepath.Join(c.out, "node4")
	peer, err := PeerAddress(nodeDir(c.out, 0))
	if err != nil {
		t.Fatal(err)
	}
	key, err := Join(JoinOptions{Genesis: GenesisFile(nodeDir(c.out, 0)), Out: dir, Name: "node4.test.example/hub",
		SSH: fmt.Sprintf("127.0.0.1:%d", base), P2P: fmt.Sprintf("127.0.0.1:%d", base+1), Peers: []string{peer}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "node4.test.example/hub+") {
		t.Fatalf("cosigner key %q", key)
	}
	e, err := Start(dir, Options{QuorumWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c.nodes, c.hubs = append(c.nodes, e), append(c.hubs, state.NewHub(e))
	c.settle(0, p.Size)
	if _, err := c.hubs[4].Submit(context.Background(), alice, state.Rename{Name: "Al"}); !errors.Is(err, ErrNotSeated) {
		t.Fatalf("a write through a follower: %v", err)
	}
	// It keeps following.
	c.do(2, alice, state.Rename{Name: "Ali"})
	c.settle(2, p.Size+1)
}

package replica

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/state/tally"
)

// appFixture is one node's App over its store, driven by hand: what a
// malicious proposer could put in a block reaches FinalizeBlock directly.
type appFixture struct {
	t    *testing.T
	app  *App
	st   *store.Store
	key  ed25519.PrivateKey
	addr string
	now  time.Time
	h    int64
}

func newAppFixture(t *testing.T, admin string) *appFixture {
	out := t.TempDir()
	if _, err := Init(InitOptions{Nodes: 1, Out: out, SSHBase: 40000, Origin: "test.example/hub",
		AdminKeys: []AdminKey{{Key: admin, Name: "alice"}}}); err != nil {
		t.Fatal(err)
	}
	dir := nodeDir(out, 0)
	gen, err := types.GenesisDocFromFile(filepath.Join(dir, cometDir, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	pv := privval.LoadFilePV(filepath.Join(dir, cometDir, "config", "priv_validator_key.json"), filepath.Join(dir, cometDir, "data", "priv_validator_state.json"))
	st, err := store.Open(store.Options{Dir: dir, External: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app, err := NewApp(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.InitChain(context.Background(), &abci.RequestInitChain{Time: gen.GenesisTime, ChainId: gen.ChainID, AppStateBytes: gen.AppState}); err != nil {
		t.Fatal(err)
	}
	return &appFixture{t: t, app: app, st: st, key: ed25519.NewKeyFromSeed(pv.Key.PrivKey.Bytes()[:32]),
		addr: pv.Key.Address.String(), now: gen.GenesisTime.Add(time.Second)}
}

// tx is a transaction as this node would send it.
func (f *appFixture) tx(a state.Actor, c state.Command, edit func(*Payload)) []byte {
	name, body, err := state.EncodeCommand(c)
	if err != nil {
		f.t.Fatal(err)
	}
	p := Payload{Kind: KindCmd, Node: f.addr, Time: f.now.UnixMilli(), Nonce: uint64(time.Now().UnixNano()), Key: a.Key, Cmd: name}
	if edit != nil {
		edit(&p)
	}
	raw, err := Seal(p, body, f.key)
	if err != nil {
		f.t.Fatal(err)
	}
	return raw
}

// block finalizes and commits a block of txs, returning their results.
func (f *appFixture) block(txs ...[]byte) []*abci.ExecTxResult {
	f.t.Helper()
	f.h++
	f.now = f.now.Add(time.Second)
	res, err := f.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Txs: txs, Height: f.h, Time: f.now})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		f.t.Fatal(err)
	}
	return res.TxResults
}

// A transaction a node forged, replayed or made up is refused by every
// node's FinalizeBlock alike, and changes nothing.
func TestForgedTransactionsAreRefused(t *testing.T) {
	alice, aliceKey := actorKey(t)
	stranger, _ := actorKey(t)
	f := newAppFixture(t, aliceKey)
	good := f.tx(alice, state.NewProposal{Kind: state.KindText, Title: "A door", Body: "Blue."}, nil)
	if r := f.block(good); r[0].Code != codeOK {
		t.Fatalf("an honest transaction: %+v", r[0])
	}
	size := f.st.Published().Size
	// The log names the node that carried it, before the command's events.
	if err := f.st.View(func(r state.Reader) error {
		b, _ := r.Get(state.EventKey(size - 2))
		ev, err := state.Decode(b)
		if err != nil {
			return err
		}
		rel, ok := ev.Body.(*state.NodeRelayed)
		if !ok || rel.Node != f.addr {
			t.Fatalf("event %d is %s, not node.relayed by %s", ev.Seq, ev.Body.EventType(), f.addr)
		}
		// It keeps the signed payload, which names the command's body by
		// its hash: what a private command carries never reaches the log.
		if signed, _ := base64.StdEncoding.DecodeString(rel.Tx); bytes.Contains(signed, []byte("Blue.")) || !bytes.Contains(signed, []byte(`"body_sha256"`)) {
			t.Errorf("node.relayed keeps %q", signed)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	vote := state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}}
	badSig := f.tx(alice, vote, nil)
	badSig[3] ^= 1
	notValidator, _ := Seal(Payload{Kind: KindCmd, Node: "00112233445566778899AABBCCDDEEFF00112233", Time: f.now.UnixMilli(), Key: alice.Key, Cmd: "CastVote"}, []byte(`{"ID":1,"Ballot":{"Choice":"yes"}}`), otherKey)
	stale := f.tx(alice, vote, func(p *Payload) { p.Time -= 2 * ReplayWindow.Milliseconds() })
	system := f.tx(alice, state.CloseProposal{ID: 1}, nil)
	unknownCmd := f.tx(alice, vote, func(p *Payload) { p.Cmd = "MintMoney" })
	badKey := f.tx(alice, vote, func(p *Payload) { p.Key = "ssh-ed25519 AAAA" })
	// Another body under a signed payload: the payload names its body.
	swapped := f.tx(alice, vote, nil)
	swapped = append(swapped[:len(swapped)-len(`{"ID":1,"Ballot":{"Choice":"yes","Approve":null,"Ranking":null,"Scores":null},"Sig":""}`)], []byte(`{"ID":1,"Ballot":{"Choice":"no","Approve":null,"Ranking":null,"Scores":null},"Sig":""}`)...)
	for _, tc := range []struct {
		name string
		tx   []byte
		code uint32
		want string
	}{
		{"bad node signature", badSig, codeInvalid, "not signed by"},
		{"not a validator", notValidator, codeInvalid, "not a validator"},
		{"replayed", good, codeInvalid, "replayed"},
		{"outside the replay window", stale, codeInvalid, "more than"},
		{"unknown command", unknownCmd, codeInvalid, "unknown command"},
		{"malformed member key", badKey, codeInvalid, "member key"},
		{"another body", swapped, codeInvalid, "not the one the payload names"},
		{"unknown member", f.tx(stranger, vote, nil), codeRefused, "members only"},
		{"the hub's own command from a member", system, codeRefused, ""},
		{"garbage", []byte("not a transaction at all, nowhere near it, and longer than a signature is long......"), codeInvalid, "transaction"},
	} {
		r := f.block(tc.tx)
		if r[0].Code != tc.code || !strings.Contains(r[0].Log, tc.want) {
			t.Errorf("%s: code %d %q, want %d with %q", tc.name, r[0].Code, r[0].Log, tc.code, tc.want)
		}
		if got := f.st.Published().Size; got != size {
			t.Fatalf("%s: the log grew from %d to %d", tc.name, size, got)
		}
		// CheckTx keeps what a block would refuse out of the mempool.
		if tc.code == codeInvalid && tc.name != "outside the replay window" {
			if c, _ := f.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tc.tx}); c.Code == codeOK {
				t.Errorf("%s: CheckTx took it", tc.name)
			}
		}
	}
	// The same transaction twice in one block: the second is a replay.
	again := f.tx(alice, vote, nil)
	r := f.block(again, again)
	if r[0].Code != codeOK || r[1].Code != codeInvalid {
		t.Fatalf("a transaction twice in a block: %+v", r)
	}
}

// A passed validator proposal changes the set: CometBFT is told, and the
// new validator's transactions count at once; unseated, they no longer do.
func TestValidatorProposalChangesTheSet(t *testing.T) {
	alice, aliceKey := actorKey(t)
	f := newAppFixture(t, aliceKey)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	newSeat := Validator{Name: "node9.test.example/hub", PubKey: pub, Power: 10}
	vkey, err := newSeat.CosignerKey()
	if err != nil {
		t.Fatal(err)
	}
	seat := state.ValidatorSeat{Name: newSeat.Name, Key: vkey, Power: 10}
	newcomer := func(c state.Command) []byte {
		name, body, _ := state.EncodeCommand(c)
		raw, _ := Seal(Payload{Kind: KindCmd, Node: state.ValidatorAddress(pub), Time: f.now.Add(time.Second).UnixMilli(), Nonce: uint64(time.Now().UnixNano()), Key: alice.Key, Cmd: name}, body, priv)
		return raw
	}
	if r := f.block(newcomer(state.Rename{Name: "Alicia"})); r[0].Code != codeInvalid {
		t.Fatalf("a node not yet seated: %+v", r[0])
	}
	decide := func(s state.ValidatorSeat) *abci.ResponseFinalizeBlock {
		t.Helper()
		id := f.st.Published().Size // anything unique for the title
		r := f.block(f.tx(alice, state.NewProposal{Kind: state.KindValidator, Title: "Seat " + s.Name + string(rune('a'+id%26)), Action: state.Action{Validator: &s}}, nil))
		if r[0].Code != codeOK {
			t.Fatalf("proposal: %+v", r[0])
		}
		var pid uint64
		f.st.View(func(rd state.Reader) error { pid = uint64(len(state.ListProposals(rd))); return nil })
		if r := f.block(f.tx(alice, state.CastVote{ID: pid, Ballot: tally.Ballot{Choice: "yes"}}, nil)); r[0].Code != codeOK {
			t.Fatalf("vote: %+v", r[0])
		}
		f.now = f.now.Add(15 * 24 * time.Hour)
		f.h++
		res, err := f.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: f.h, Time: f.now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := decide(seat)
	if len(res.ValidatorUpdates) != 1 || res.ValidatorUpdates[0].Power != 10 || !bytes.Equal(res.ValidatorUpdates[0].PubKey.GetEd25519(), pub) {
		t.Fatalf("validator updates: %+v", res.ValidatorUpdates)
	}
	if n := len(f.app.ValidatorSet().Seats); n != 2 {
		t.Fatalf("%d seats after seating one more", n)
	}
	if r := f.block(newcomer(state.Rename{Name: "Alicia"})); r[0].Code != codeOK {
		t.Fatalf("the seated node's transaction: %+v", r[0])
	}
	seat.Power = 0
	res = decide(seat)
	if len(res.ValidatorUpdates) != 1 || res.ValidatorUpdates[0].Power != 0 {
		t.Fatalf("validator updates: %+v", res.ValidatorUpdates)
	}
	if r := f.block(newcomer(state.Rename{Name: "Ally"})); r[0].Code != codeInvalid {
		t.Fatalf("an unseated node's transaction: %+v", r[0])
	}
}

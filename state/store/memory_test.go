package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// The domain's tests run on state.Memory: it must be this store in all but
// storage. The same commands at the same times give the same events, byte
// for byte, the same refusals, and checkpoints over the same roots and
// state digests (only the signing keys differ).
func TestMemoryMatchesStore(t *testing.T) {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	sclk, mclk := &fakeClock{t: start}, &fakeClock{t: start}
	st := openTest(t, Options{Clock: sclk.now, CheckpointEvery: 4, CheckpointInterval: time.Hour})
	mem, err := state.NewMemory(state.MemoryOptions{Clock: mclk.now, CheckpointEvery: 4})
	if err != nil {
		t.Fatal(err)
	}
	// A note's salt is drawn when the command is made: one command for both.
	note := state.NewPrivateNote(1, "Talk to both first.")
	sOut, mOut := runScript(t, st, sclk, note), runScript(t, mem, mclk, note)
	if sOut != mOut {
		t.Fatalf("answers differ:\nstore\n%s\nmemory\n%s", sOut, mOut)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := mem.Close(); err != nil {
		t.Fatal(err)
	}
	if st.StateDigest() != mem.StateDigest() {
		t.Fatal("the state digests differ")
	}
	var b bytes.Buffer
	if _, err := ExportDir(st.Dir(), &b); err != nil {
		t.Fatal(err)
	}
	sx, err := state.ReadExport(&b)
	if err != nil {
		t.Fatal(err)
	}
	mx := exportOfEngine(t, mem)
	if len(sx.Events) != len(mx.Events) || len(sx.Events) < 20 {
		t.Fatalf("%d events in the store, %d in memory", len(sx.Events), len(mx.Events))
	}
	for i := range sx.Events {
		if !bytes.Equal(sx.Events[i], mx.Events[i]) {
			t.Fatalf("event %d differs:\n%s\n%s", i, sx.Events[i], mx.Events[i])
		}
	}
	if len(sx.Checkpoints) != len(mx.Checkpoints) {
		t.Fatalf("%d checkpoints in the store, %d in memory", len(sx.Checkpoints), len(mx.Checkpoints))
	}
	for i := range sx.Checkpoints {
		sc, mc := openNote(t, sx, i), openNote(t, mx, i)
		if sc.Height != mc.Height || sc.Size != mc.Size || sc.Root != mc.Root || sc.State != mc.State || sc.Time != mc.Time {
			t.Fatalf("checkpoint %d differs:\n%+v\n%+v", i+1, sc, mc)
		}
	}
	for _, x := range []*state.Export{sx, mx} {
		if _, err := state.VerifyExport(x, "", nil); err != nil {
			t.Fatal(err)
		}
	}
}

// runScript drives a hub through members, governance, money, housing, a
// dispute with a private note (on case 1), drafts and a departure,
// refusals among them, and returns every answer.
func runScript(t *testing.T, e state.Engine, clk *fakeClock, note state.Command) string {
	t.Helper()
	var out bytes.Buffer
	ctx := context.Background()
	hub := state.NewHub(e)
	ppl := map[string]state.Actor{}
	for _, n := range []string{"alice", "bob", "carol", "dave", "mallory"} {
		ppl[n] = testActor(t, n)
	}
	do := func(who string, c state.Command) []state.Event {
		a := state.SystemActor
		if who != "" {
			a = ppl[who]
		}
		evs, err := hub.Submit(ctx, a, c)
		fmt.Fprintf(&out, "%s %T: %d events, %v\n", who, c, len(evs), err)
		return evs
	}
	code := state.HashCode("abcd-efgh-ijkl-mnop")
	do("", state.CreateHub{Name: "twins"})
	do("", state.AdmitAdmin{Key: ppl["alice"].Key, Name: "alice"})
	do("alice", state.CreateInvite{CodeHash: code, Uses: 0})
	for _, n := range []string{"bob", "carol", "dave"} {
		do(n, state.Join{CodeHash: code, Name: n})
	}
	do("mallory", state.Join{CodeHash: code, Name: "bob"}) // the name is taken
	do("alice", state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	do("alice", state.SetRole{Member: 2, Role: state.RoleTreasurer, Grant: true})
	evs := do("carol", state.NewProposal{Kind: state.KindText, Title: "Quiet hours", Body: "After *ten*."})
	pid := evs[0].Body.(*state.ProposalCreated).Proposal
	do("alice", state.CastVote{ID: pid, Ballot: yes("yes")})
	do("bob", state.CastVote{ID: pid, Ballot: yes("maybe")})
	do("dave", state.Delegate{To: 1})
	do("bob", state.CommentOn{ID: pid, Body: "Agreed."})
	do("alice", state.Contribute{Asset: "EUR", Amount: 12345, Memo: "rent"})
	do("bob", state.Contribute{Asset: "XYZ", Amount: 1})
	evs = do("alice", state.AddSpace{Space: state.Space{Name: "Flat", Beds: 2, TZ: "UTC"}})
	sp := evs[0].Body.(*state.SpaceAdded).Space.ID
	do("bob", state.Book{Space: sp, From: "2026-12-01", To: "2026-12-04"})
	do("dave", state.Book{Space: sp, From: "2026-12-02", To: "2026-12-03", Beds: 2, Waitlist: true})
	evs = do("bob", state.FileCase{Against: 4, Title: "Noise", Statement: "Loud."})
	cid := evs[0].Body.(*state.CaseFiled).Case
	do("carol", state.CaseAction{ID: cid, Action: "claim"})
	if cid != 1 {
		t.Fatalf("case %d", cid)
	}
	do("carol", note)
	do("dave", state.SaveDraft{Proposal: state.NewProposal{Kind: state.KindText, Title: "Later"}})
	do("bob", state.ChooseTheme{Theme: "dusk"})
	do("carol", state.Rename{Name: "caroline"})
	clk.t = clk.t.Add(8 * 24 * time.Hour)
	hub.CloseDue(ctx)
	do("dave", state.Leave{Anonymous: true})
	do("dave", state.Contribute{Asset: "EUR", Amount: 1}) // gone
	p, err := hub.ProposalFor(pid, 1)
	fmt.Fprintf(&out, "proposal %s %+v %v\n", p.State, p.Tally, err)
	return out.String()
}

func exportOfEngine(t *testing.T, e state.Engine) *state.Export {
	t.Helper()
	var b bytes.Buffer
	if err := e.WriteExport(&b); err != nil {
		t.Fatal(err)
	}
	x, err := state.ReadExport(&b)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func openNote(t *testing.T, x *state.Export, i int) chain.Checkpoint {
	t.Helper()
	v, err := chain.NewVerifier(x.Key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Open(x.Checkpoints[i], v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

package store

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// The domain's tests run on state's in-memory engine; these helpers build
// the same hubs on the Badger store, for the tests about the store itself.

// testActor derives a stable ed25519 key from a name.
func testActor(t testing.TB, name string) state.Actor {
	seed := sha256.Sum256([]byte("polis-test-" + name))
	priv := ed25519.NewKeyFromSeed(seed[:])
	pk, err := gossh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return state.Actor{Key: state.KeyString(pk), Fingerprint: state.Fingerprint(pk)}
}

func openTest(t testing.TB, o Options) *Store {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustSubmit(t testing.TB, s *Store, a state.Actor, c state.Command) []state.Event {
	t.Helper()
	evs, err := s.Submit(context.Background(), a, c)
	if err != nil {
		t.Fatalf("%T: %v", c, err)
	}
	return evs
}

var zeroTime time.Time

// A clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func yes(c string) tally.Ballot { return tally.Ballot{Choice: c} }

// govFixture is a hub with alice (steward), bob, carol and dave.
type govFixture struct {
	t   *testing.T
	s   *Store
	h   *state.Hub
	clk *fakeClock
	ppl map[string]state.Actor
	ids map[string]uint64
	ctx context.Context
	dir string
}

func newGovWith(t *testing.T, o Options) *govFixture {
	clk := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	o.Dir, o.Clock = dir, clk.now
	s := openTest(t, o)
	f := &govFixture{t: t, s: s, h: state.NewHub(s), clk: clk, ppl: map[string]state.Actor{}, ids: map[string]uint64{}, ctx: context.Background(), dir: dir}
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "gov"})
	for i, n := range []string{"alice", "bob", "carol", "dave"} {
		f.ppl[n] = testActor(t, n)
		if i == 0 {
			mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: f.ppl[n].Key, Name: n})
		} else {
			code, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 1, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			mustSubmit(t, s, f.ppl[n], state.Join{CodeHash: state.HashCode(code), Name: n})
		}
		f.ids[n] = uint64(i + 1)
	}
	return f
}

func (f *govFixture) do(who string, c state.Command) []state.Event {
	f.t.Helper()
	return mustSubmit(f.t, f.s, f.ppl[who], c)
}

func (f *govFixture) refuse(who string, c state.Command, want string) {
	f.t.Helper()
	before, size := f.s.StateDigest(), f.s.Size()
	_, err := f.s.Submit(f.ctx, f.ppl[who], c)
	if err == nil || !strings.Contains(err.Error(), want) {
		f.t.Fatalf("%s %T: err %v, want %q", who, c, err, want)
	}
	if f.s.StateDigest() != before || f.s.Size() != size {
		f.t.Fatalf("refused %T changed state", c)
	}
}

func addSpace(t *testing.T, f *govFixture, s state.Space) uint64 {
	t.Helper()
	evs := f.do("alice", state.AddSpace{Space: s})
	return evs[0].Body.(*state.SpaceAdded).Space.ID
}

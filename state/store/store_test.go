package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/polis-hub/polis/state"
)

func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, Options{Dir: dir, CheckpointEvery: 2})
	ctx := context.Background()
	alice, bob := testActor(t, "alice"), testActor(t, "bob")
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "Test Hub"})
	mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: alice.Key, Name: "alice"})
	h := state.NewHub(s)
	code, inv, err := h.CreateInviteCode(ctx, alice, 1, zeroTime)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Uses != 1 {
		t.Fatalf("invite %+v", inv)
	}
	evs := mustSubmit(t, s, bob, state.Join{CodeHash: state.HashCode(code), Name: "bob"})
	if m, err := h.JoinedMember(evs); err != nil || m.Name != "bob" {
		t.Fatalf("joined %+v %v", m, err)
	}
	// A used-up code is refused and changes nothing.
	before := s.StateDigest()
	carol := testActor(t, "carol")
	if _, err := s.Submit(ctx, carol, state.Join{CodeHash: state.HashCode(code), Name: "carol"}); err == nil || !strings.Contains(err.Error(), "used up") {
		t.Fatalf("reuse: %v", err)
	}
	if s.StateDigest() != before {
		t.Fatal("refused command changed state")
	}
	size, digest := s.Size(), s.StateDigest()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openTest(t, Options{Dir: dir})
	if s2.Size() != size || s2.StateDigest() != digest {
		t.Fatalf("reopen: size %d digest %x, want %d %x", s2.Size(), s2.StateDigest(), size, digest)
	}
	head, ok := s2.Head()
	if !ok || head.Size != int64(size) {
		t.Fatalf("head %+v, want size %d (sealed on close)", head, size)
	}
	m, ok, err := state.NewHub(s2).Whoami(bob.Fingerprint)
	if err != nil || !ok || m.Name != "bob" {
		t.Fatalf("whoami bob: %+v %v %v", m, ok, err)
	}
}

func TestSecondOpenRefused(t *testing.T) {
	dir := t.TempDir()
	openTest(t, Options{Dir: dir})
	_, err := Open(Options{Dir: dir})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
}

func TestGroupCommitIsolatesFailures(t *testing.T) {
	s := openTest(t, Options{})
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "hub"})
	// Joining by one unlimited invite: applications are capped hub-wide.
	admin := testActor(t, "steward")
	mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: admin.Key, Name: "steward"})
	code, _ := state.NewInviteCode()
	mustSubmit(t, s, admin, state.CreateInvite{CodeHash: state.HashCode(code), Uses: 0})
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := testActor(t, "admin"+string(rune('a'+i%26))+string(rune('a'+i/26)))
			name := "x"
			if i%3 == 0 {
				name = "bad\x1b[2J" // invalid: must fail alone
			}
			_, errs[i] = s.Submit(context.Background(), a, state.Join{CodeHash: state.HashCode(code), Name: name + string(rune('A'+i%26)) + string(rune('A'+i/26))})
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if i%3 == 0 && err == nil {
			t.Fatalf("cmd %d should fail", i)
		}
		if i%3 != 0 {
			if err != nil {
				t.Fatalf("cmd %d: %v", i, err)
			}
			ok++
		}
	}
	ms, _ := state.NewHub(s).Members()
	if len(ms) != ok+1 {
		t.Fatalf("%d members, want %d", len(ms), ok+1)
	}
}

// A data dir of the previous format is refused with a way forward, not
// half-read: its checkpoints hold state digests this version computes
// differently.
func TestOlderFormatRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, formatFile), []byte("polis 1\n"), 0o600)
	_, err := Open(Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "older, pre-release polis (format 1") {
		t.Fatalf("format 1 dir: %v", err)
	}
	if _, err := VerifyDir(dir, nil); err == nil {
		t.Fatal("verify read a format 1 dir")
	}
}

// explodes is a command whose Decide breaks the domain code.
type explodes struct{}

func (explodes) Decide(state.Reader, state.Env) (uint64, []state.Body, error) { panic("boom") }

// A command that panics inside the sequencer is refused alone, as an
// internal error, and the steward's log gets the stack it was raised on.
func TestPanicIsLoggedWithItsStack(t *testing.T) {
	var logged syncBuffer
	s := openTest(t, Options{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "h"})
	size, digest := s.Size(), s.StateDigest()
	if _, err := s.Submit(context.Background(), state.SystemActor, explodes{}); err == nil || err.Error() != "internal error: boom" {
		t.Fatalf("err %v", err)
	}
	if s.Size() != size || s.StateDigest() != digest {
		t.Fatal("a command that panicked changed state")
	}
	if out := logged.String(); !strings.Contains(out, "store.explodes.Decide") || !strings.Contains(out, "store_test.go") {
		t.Fatalf("the log has no stack:\n%s", out)
	}
	// The sequencer goes on.
	mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: testActor(t, "ann").Key, Name: "ann"})
}

// syncBuffer is a buffer the sequencer's log can write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Each batch publishes one read model: the log size moves with every
// event, the member generation only with a change to a member record, and
// what was published before is never changed.
func TestPublishedPerCommit(t *testing.T) {
	f := newGovWith(t, Options{CheckpointEvery: 1})
	pub := f.s.Published()
	id := f.do("bob", state.NewProposal{Kind: state.KindText, Title: "Paint it"})[0].Body.(*state.ProposalCreated).Proposal
	f.do("carol", state.CastVote{ID: id, Ballot: yes("yes")})
	voted := f.s.Published()
	if voted.MemberGen != pub.MemberGen || voted.Size != pub.Size+2 || voted.Digest == pub.Digest {
		t.Fatalf("after a proposal and a vote: %+v, before %+v", voted, pub)
	}
	f.do("carol", state.Rename{Name: "caroline"})
	renamed := f.s.Published()
	if renamed.MemberGen == voted.MemberGen || renamed.Size != voted.Size+1 || renamed.Head.Size != int64(renamed.Size) {
		t.Fatalf("after a rename: %+v, before %+v", renamed, voted)
	}
	if voted.Size != pub.Size+2 || voted.Head == renamed.Head {
		t.Fatalf("a published read model changed: %+v", voted)
	}
}

package tui

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/hiddeco/sshsig"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

const testOrigin = "polis.local/hub"

// fakeAgent signs as a member's forwarded agent would, with the key
// testIdentity gives name, and records every act it was asked to sign;
// refuse makes it answer as an agent that will not sign.
type fakeAgent struct {
	t      *testing.T
	name   string
	refuse bool
	asked  [][]byte
}

func (a *fakeAgent) sign(_ context.Context, act []byte) (string, error) {
	a.asked = append(a.asked, bytes.Clone(act))
	if a.refuse {
		return "", errors.New("your SSH agent did not sign (agent refused operation): nothing was done")
	}
	seed := sha256.Sum256([]byte("polis-tui-test-" + a.name))
	signer, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		a.t.Fatal(err)
	}
	origin, err := state.ActOrigin(act)
	if err != nil {
		return "", err
	}
	sig, err := sshsig.Sign(bytes.NewReader(act), signer, sshsig.HashSHA512, state.SigNamespace(origin))
	if err != nil {
		return "", err
	}
	return string(sshsig.Armor(sig)), nil
}

// step feeds one key and returns the model and the command it gave,
// without running it: the test runs each step of a signed act itself.
func step(m tea.Model, k string) (tea.Model, tea.Cmd) { return m.Update(keyMsg(k)) }

// TestAppSignsVote: with an agent, a vote's exact bytes are on screen
// while the agent signs them, the agent is asked for exactly those, and
// the vote is member-signed and marked so.
func TestAppSignsVote(t *testing.T) {
	f, _, bob := withProposal(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	ag := &fakeAgent{t: t, name: "bob"}
	m := press(New(f.hub, bob, WithSize(100, 30), pinned(propNow), WithSigner(ag.sign)), "2", "enter")
	want, err := f.hub.ActToSign(bob.Actor(), propNow.UnixMilli(), state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	m, cmd := step(m, "y")
	msg := cmd()
	if _, ok := msg.(signMsg); !ok {
		t.Fatalf("a vote with an agent went straight to %T", msg)
	}
	m, cmd = m.Update(msg)
	v := screen(m)
	mustContain(t, v, "Signing with your SSH key", "exactly these bytes")
	checkFitsFor(t, v, 100, 30, "bob")
	for _, l := range strings.Split(strings.TrimSuffix(string(want), "\n"), "\n") {
		mustContain(t, v, l)
	}
	size := f.hub.Size()
	if m2, _ := step(m, "n"); f.hub.Size() != size || m2.(*App).signing == nil {
		t.Fatal("a key pressed while the agent signs did something")
	}
	for _, sz := range [][2]int{{20, 6}, {40, 8}, {512, 256}} {
		small, _ := m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if err := fitsScreen(screen(small), sz[0], sz[1], "bob"); err != nil {
			t.Fatalf("%dx%d: %v", sz[0], sz[1], err)
		}
	}
	for _, sz := range [][2]int{{1, 1}, {2, 2}, {8, 1}} { // drawn without a panic
		tiny, _ := m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if n := strings.Count(tiny.View().Content, "\n") + 1; n != sz[1] {
			t.Fatalf("%dx%d: %d lines", sz[0], sz[1], n)
		}
	}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = drain(m, cmd)
	if len(ag.asked) != 1 || !bytes.Equal(ag.asked[0], want) {
		t.Fatalf("the agent was asked to sign:\n%q\nwant\n%q", ag.asked, want)
	}
	mustContain(t, screen(m), "you voted yes on #1 · signed by your key", "your vote: yes · signed by your key")
	rc, err := f.hub.Receipt(f.hub.Size() - 1)
	if err != nil || !rc.MemberSigned {
		t.Fatalf("the vote is not member-signed: %+v %v", rc, err)
	}
}

// TestAppUnsignedWithoutAgent: no agent, an unsigned vote where the rules
// allow it; where they require a signature, one clear line and nothing
// made; an agent then signs it.
func TestAppUnsignedWithoutAgent(t *testing.T) {
	f, alice, bob := withProposal(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	m := press(New(f.hub, bob, WithSize(100, 30), pinned(propNow)), "2", "enter", "y")
	mustContain(t, screen(m), "you voted yes on #1", "your vote: yes")
	if strings.Contains(screen(m), "signed by your key") {
		t.Fatal("an unsigned vote is marked signed")
	}
	if rc, _ := f.hub.Receipt(f.hub.Size() - 1); rc.MemberSigned {
		t.Fatal("a vote without an agent is member-signed")
	}

	f.as(alice, state.SetRules{Rules: state.KindRules{Kind: state.KindText, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 2000, ThresholdBP: 5001, SignedVotes: true}})
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Signed only", Method: state.MethodYesNo})
	size := f.hub.Size()
	m = press(New(f.hub, bob, WithSize(100, 30), pinned(propNow)), "2", "enter")
	m = press(m, "y")
	status := m.(*App).c.status
	mustContain(t, status, "proposal 2 takes only member-signed votes: reconnect with ssh -A")
	if strings.Contains(status, "--sig") || f.hub.Size() != size {
		t.Fatalf("refused where signatures are required: %q, %d events written", status, f.hub.Size()-size)
	}

	ag := &fakeAgent{t: t, name: "bob"}
	m = press(New(f.hub, bob, WithSize(100, 30), pinned(propNow), WithSigner(ag.sign)), "2", "enter", "y")
	mustContain(t, screen(m), "you voted yes on #2 · signed by your key")
}

// TestAppAgentRefuses: an agent that will not sign: its clear line, and
// nothing made.
func TestAppAgentRefuses(t *testing.T) {
	f, _, bob := withProposal(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	ag := &fakeAgent{t: t, name: "bob", refuse: true}
	size := f.hub.Size()
	m := press(New(f.hub, bob, WithSize(100, 30), pinned(propNow), WithSigner(ag.sign)), "2", "enter", "y")
	a := m.(*App)
	if len(ag.asked) != 1 || f.hub.Size() != size || a.signing != nil {
		t.Fatalf("asked %d times, %d events written, still signing %v", len(ag.asked), f.hub.Size()-size, a.signing != nil)
	}
	mustContain(t, a.c.status, "your SSH agent did not sign", "nothing was done")
	if !a.c.statusErr {
		t.Fatal("the refusal is not shown as an error")
	}
	mustContain(t, screen(m), "You have not voted")
}

// TestAppSignsWhereNoOrigin: a log that names no origin takes no signed
// acts; the app makes the act unsigned without asking the agent.
func TestAppSignsWhereNoOrigin(t *testing.T) {
	f, _, bob := withProposal(t)
	ag := &fakeAgent{t: t, name: "bob"}
	m := press(New(f.hub, bob, WithSize(100, 30), pinned(propNow), WithSigner(ag.sign)), "2", "enter", "y")
	mustContain(t, screen(m), "you voted yes on #1")
	if len(ag.asked) != 0 {
		t.Fatal("the agent was asked to sign for a log without an origin")
	}
}

// TestAppSignsBookingAndLeaving: a booking and leaving, from their own
// screens, are signed by the agent; leaving signs only its member.left.
func TestAppSignsBookingAndLeaving(t *testing.T) {
	f, alice, bob := seeded(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	addSpace(f, alice, state.Space{Name: "Casa Azul", Beds: 4})
	ag := &fakeAgent{t: t, name: "bob"}
	m := press(New(f.hub, bob, WithSize(80, 24), WithClock(f.clk.peek), WithSigner(ag.sign)), "4", "enter",
		"right", "right", "right", "right", "right", "right", "enter", "right", "b")
	mustContain(t, statusLineOf(m), "booked #1", "signed by your key")
	if len(ag.asked) != 1 || !bytes.Contains(ag.asked[0], []byte("act booking.requested\ntarget space 1\n")) {
		t.Fatalf("the agent was asked: %q", ag.asked)
	}
	m = press(m, "8", "L", "y", "y")
	mustContain(t, screen(m), "Goodbye, bob.")
	if len(ag.asked) != 2 || !bytes.Contains(ag.asked[1], []byte("\nseq 2\nact member.left\n")) {
		t.Fatalf("the agent was asked: %q", ag.asked)
	}
	rc, err := f.hub.Receipt(f.hub.Size() - 1)
	if err != nil || !rc.MemberSigned {
		t.Fatalf("member.left is not member-signed: %+v %v", rc, err)
	}
}

// TestStaysMarkSigned: the member's own stays list marks a signed one.
func TestStaysMarkSigned(t *testing.T) {
	f, alice, bob := seeded(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	addSpace(f, alice, state.Space{Name: "Casa Azul", Beds: 4})
	ag := &fakeAgent{t: t, name: "bob"}
	m := press(New(f.hub, bob, WithSize(100, 24), WithClock(f.clk.peek), WithSigner(ag.sign)), "4", "enter",
		"right", "right", "right", "right", "right", "right", "enter", "right", "b", "esc")
	mustContain(t, screen(m), "Your stays (1)", "confirmed · signed")
	f.as(bob, state.Book{Space: 1, From: "2026-12-10", To: "2026-12-11"})
	v := screen(refresh(m))
	mustContain(t, v, "Your stays (2)")
	if strings.Count(v, "· signed") != 1 {
		t.Fatalf("the unsigned stay is marked signed:\n%s", v)
	}
}

// TestAppSignsConsent: consenting at the charter prompt goes through the
// agent like a vote.
func TestAppSignsConsent(t *testing.T) {
	f, _, bob := chartered(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	ag := &fakeAgent{t: t, name: "bob"}
	m := New(f.hub, bob, WithSize(80, 24), WithSigner(ag.sign))
	mustContain(t, screen(m), "Do you consent to charter v1?")
	m = press(typeText(m, "consent"), "enter")
	mustContain(t, screen(m), "you consented to charter v1 · signed by your key")
	if len(ag.asked) != 1 || !bytes.Contains(ag.asked[0], []byte("act consent.given\ntarget charter 1\n")) {
		t.Fatalf("the agent was asked: %q", ag.asked)
	}
	if rc, err := f.hub.Receipt(f.hub.Size() - 1); err != nil || !rc.MemberSigned {
		t.Fatalf("the consent is not member-signed: %+v %v", rc, err)
	}
}

// TestAppCosignRequired: a payout whose spend rules require signed
// co-signatures: without an agent one line and nothing made, with one the
// co-signature goes in signed.
func TestAppCosignRequired(t *testing.T) {
	f, alice, bob := seeded(t)
	f.system(state.NameOrigin{Origin: testOrigin})
	f.as(alice, state.SetRules{Rules: state.KindRules{Kind: state.KindSpend, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000, SignedCosigns: true}})
	dave := f.member(alice, "dave")
	for _, id := range []uint64{1, 3} {
		f.as(alice, state.SetRole{Member: id, Role: state.RoleTreasurer, Grant: true})
	}
	f.as(bob, state.Contribute{Asset: "EUR", Amount: 30000, Memo: "pool"})
	f.as(bob, state.NewProposal{Kind: state.KindSpend, Title: "Paint for the door", Method: state.MethodYesNo,
		Action: state.Action{Member: 2, Asset: "EUR", Amount: 10000, Memo: "paint"}})
	for _, id := range []Identity{alice, bob, dave} {
		f.as(id, state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}})
	}
	f.clk.advance(8 * 24 * time.Hour)
	f.hub.CloseDue(context.Background())

	size := f.hub.Size()
	m := press(New(f.hub, alice, WithSize(80, 24)), "3", "s", "s")
	mustContain(t, statusLineOf(m), "payout 1 takes only member-signed co-signatures: reconnect with ssh -A")
	if f.hub.Size() != size {
		t.Fatal("the refused co-signature wrote events")
	}
	ag := &fakeAgent{t: t, name: "alice"}
	m = press(New(f.hub, alice, WithSize(80, 24), WithSigner(ag.sign)), "3", "s", "s")
	mustContain(t, statusLineOf(m), "you signed payout #1", "signed by your key")
	if ps, _ := f.hub.Payouts(); len(ps[0].Signers) != 1 {
		t.Fatalf("the signed co-signature is not recorded: %+v", ps)
	}
}

package state

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state/tally"
)

// sigFixture is a hub with alice, bob and carol, its origin named, and
// proposal 1 open.
func sigFixture(t *testing.T) (*script, uint64) {
	s := newScript(t)
	s.founding("Signed", "bob", "carol")
	s.do("", NameOrigin{Origin: vectorOrigin})
	return s, s.propose("alice", NewProposal{Kind: KindText, Title: "Sign"})
}

// actBytes is what name signs to vote choice on p now.
func (s *script) actBytes(name string, p uint64, choice string) []byte {
	s.t.Helper()
	b, err := s.h.ActToSign(s.who(name), s.clk.now().UnixMilli(), CastVote{ID: p, Ballot: tally.Ballot{Choice: choice}})
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

func TestSignedVoteRefusals(t *testing.T) {
	s, p := sigFixture(t)
	ns := SigNamespace(vectorOrigin)
	good := s.actBytes("bob", p, "yes")
	s.do("bob", CastVote{ID: p, Ballot: tally.Ballot{Choice: "no"}, Sig: signArmoured(t, testSigner(t, "bob"), ns, s.actBytes("bob", p, "no"))})
	first := signArmoured(t, testSigner(t, "bob"), ns, good) // seq 1, used up
	cases := []struct {
		name, sig, want string
	}{
		{"another key", signArmoured(t, testSigner(t, "carol"), ns, s.actBytes("bob", p, "yes")), "is not a key member 2 holds"},
		{"a stranger's key", signArmoured(t, testSigner(t, "mallory"), ns, s.actBytes("bob", p, "yes")), "is not a key member 2 holds"},
		{"other bytes", signArmoured(t, testSigner(t, "bob"), ns, s.actBytes("bob", p, "no")), "does not verify"},
		{"another namespace", signArmoured(t, testSigner(t, "bob"), "polis@elsewhere", s.actBytes("bob", p, "yes")), "namespace"},
		{"another hub's bytes", signArmoured(t, testSigner(t, "bob"), ns, bytes.Replace(s.actBytes("bob", p, "yes"), []byte(vectorOrigin), []byte("other.example/hub"), 1)), "does not verify"},
		{"a replayed sequence number", first, "does not verify"},
		{"malformed armour", "-----BEGIN SSH SIGNATURE-----\nnope\n-----END SSH SIGNATURE-----\n", "not an armoured SSH signature"},
		{"not armour at all", "yes", "not an armoured SSH signature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.m.Size()
			_, err := s.h.Submit(s.ctx, s.who("bob"), CastVote{ID: p, Ballot: tally.Ballot{Choice: "yes"}, Sig: c.sig})
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line with %q", err, c.want)
			}
			if s.m.Size() != before {
				t.Fatal("a refused act wrote events")
			}
		})
	}
	// The "other bytes" case above signs the choice "no" and sends "yes":
	// the same signature with its own choice goes in.
	s.do("bob", CastVote{ID: p, Ballot: tally.Ballot{Choice: "no"}, Sig: signArmoured(t, testSigner(t, "bob"), ns, s.actBytes("bob", p, "no"))})
	if got := NextSigSeqOf(t, s, "bob"); got != 3 {
		t.Fatalf("bob's next sequence number is %d, want 3", got)
	}
}

// NextSigSeqOf reads a member's next sequence number.
func NextSigSeqOf(t *testing.T, s *script, name string) (n uint64) {
	s.h.View(func(r Reader) error { n = NextSigSeq(r, s.id(name)); return nil })
	return n
}

func TestSignedActNeedsOrigin(t *testing.T) {
	s := newScript(t)
	s.founding("No origin", "bob")
	p := s.propose("alice", NewProposal{Kind: KindText, Title: "Sign"})
	_, err := s.h.ActToSign(s.who("bob"), s.clk.now().UnixMilli(), CastVote{ID: p, Ballot: tally.Ballot{Choice: "yes"}})
	if err == nil || !strings.Contains(err.Error(), "does not name its origin") {
		t.Fatalf("got %v", err)
	}
	s.do("", NameOrigin{Origin: vectorOrigin})
	if evs := s.do("", NameOrigin{Origin: vectorOrigin}); len(evs) != 0 {
		t.Fatalf("naming the same origin again wrote %d events", len(evs))
	}
	for _, o := range []string{"other.example/hub", "", "has space"} {
		if _, err := s.h.Submit(s.ctx, SystemActor, NameOrigin{Origin: o}); err == nil {
			t.Fatalf("origin %q accepted over %q", o, vectorOrigin)
		}
	}
	if _, err := s.h.Submit(s.ctx, s.who("alice"), NameOrigin{Origin: vectorOrigin}); err == nil {
		t.Fatal("a member named the origin")
	}
}

func TestUnsignedVoteStillCounts(t *testing.T) {
	s, p := sigFixture(t)
	evs := s.do("carol", CastVote{ID: p, Ballot: tally.Ballot{Choice: "yes"}})
	if IsMemberSigned(evs[0].Body) {
		t.Fatal("an unsigned vote reported as signed")
	}
	b, _ := Encode(evs[0])
	if bytes.Contains(b, []byte("sig")) {
		t.Fatalf("an unsigned vote carries signature fields: %s", b)
	}
}

// TestOpenSSHSignatures: a signature made by `ssh-keygen -Y sign` over
// ActToSign's bytes is accepted, and `ssh-keygen -Y verify` accepts what
// the log stores.
func TestOpenSSHSignatures(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen (OpenSSH) is not installed: the OpenSSH interop test needs it")
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "id_ed25519")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "dave@test", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	canon, fp, _, err := ParseKey(string(pub))
	if err != nil {
		t.Fatal(err)
	}
	s, p := sigFixture(t)
	s.ppl["dave"] = Actor{Key: canon, Fingerprint: fp}
	s.join("alice", "dave")
	msg := s.actBytes("dave", p, "yes")
	act := filepath.Join(dir, "act")
	if err := os.WriteFile(act, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	ns := SigNamespace(vectorOrigin)
	if out, err := exec.Command(keygen, "-Y", "sign", "-n", ns, "-f", key, act).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v %s", err, out)
	}
	sig, err := os.ReadFile(act + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	evs := s.do("dave", CastVote{ID: p, Ballot: tally.Ballot{Choice: "yes"}, Sig: string(sig)})
	v := evs[0].Body.(*VoteCast)
	if !IsMemberSigned(v) || v.SigSeq != 1 {
		t.Fatalf("stored %+v", v)
	}
	// What the log stores, checked by OpenSSH against the bytes rebuilt
	// from the event alone.
	rebuilt, err := ActBytes(vectorOrigin, evs[0].Actor, v.SigSeq, v)
	if err != nil || !bytes.Equal(rebuilt, msg) {
		t.Fatalf("rebuilt bytes differ: %v\n%s\n%s", err, rebuilt, msg)
	}
	stored := filepath.Join(dir, "stored.sig")
	allowed := filepath.Join(dir, "allowed")
	os.WriteFile(stored, []byte(v.Sig), 0o600)
	os.WriteFile(allowed, []byte("dave "+canon+"\n"), 0o600)
	cmd := exec.Command(keygen, "-Y", "verify", "-f", allowed, "-I", "dave", "-n", ns, "-s", stored)
	cmd.Stdin = bytes.NewReader(rebuilt)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y verify refuses the stored signature: %v %s", err, out)
	}
	if _, err := verifyLog(s.m); err != nil {
		t.Fatalf("polis verify: %v", err)
	}
}

// TestSignedVotesRequired: rules with signed_votes refuse unsigned votes
// on proposals opened under them (command and Apply), leave proposals
// opened before alone, and dropping the requirement on a guarded kind
// waits out the time lock.
func TestSignedVotesRequired(t *testing.T) {
	s, before := sigFixture(t)
	strict := KindRules{Kind: KindSpend, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000, SignedVotes: true}
	if evs := s.do("alice", SetRules{Rules: strict}); len(evs) != 1 {
		t.Fatalf("requiring signatures is a strengthening, applied at once: %d events", len(evs))
	}
	p := s.propose("alice", NewProposal{Kind: KindSpend, Title: "Buy a kettle", Action: Action{Member: s.id("bob"), Asset: "EUR", Amount: 3000}})
	size := s.m.Size()
	_, err := s.h.Submit(s.ctx, s.who("bob"), CastVote{ID: p, Ballot: tally.Ballot{Choice: "yes"}})
	if err == nil || !strings.Contains(err.Error(), "takes only member-signed votes") || s.m.Size() != size {
		t.Fatalf("unsigned vote where required: %v", err)
	}
	s.do("bob", CastVote{ID: p, Ballot: tally.Ballot{Choice: "yes"}, Sig: signArmoured(t, testSigner(t, "bob"), SigNamespace(vectorOrigin), s.actBytes("bob", p, "yes"))})
	s.vote(before, "yes", "carol") // a text proposal: no requirement

	// Apply refuses the forged unsigned vote, whatever the command said.
	err = s.h.View(func(r Reader) error {
		o := newOverlay(r)
		return Apply(o, Event{Seq: s.m.Size(), Time: s.clk.now().UnixMilli(), Actor: s.id("carol"), Body: &VoteCast{Proposal: p, Choice: "yes"}})
	})
	if err == nil || !strings.Contains(err.Error(), "takes only member-signed votes") {
		t.Fatalf("Apply took an unsigned vote where signatures are required: %v", err)
	}

	lax := strict
	lax.SignedVotes = false
	evs := s.do("alice", SetRules{Rules: lax})
	if _, ok := evs[len(evs)-1].Body.(*ChangeScheduled); !ok {
		t.Fatalf("dropping the requirement on spend is a weakening: got %T", evs[len(evs)-1].Body)
	}
}

// TestSignedCosignsRequired: spend rules with signed_cosigns refuse an
// unsigned co-signature of the payout such a proposal orders, by command
// and by Apply; signed_cosigns is a rule of spend proposals only.
func TestSignedCosignsRequired(t *testing.T) {
	s := newScript(t)
	s.founding("Cosigns", "bob", "carol", "dave")
	s.do("", NameOrigin{Origin: vectorOrigin})
	for _, n := range []string{"carol", "dave"} {
		s.do("alice", SetRole{Member: s.id(n), Role: RoleTreasurer, Grant: true})
	}
	s.do("bob", Contribute{Asset: "EUR", Amount: 5000})
	if _, err := s.h.Submit(s.ctx, s.who("alice"), SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 2000, ThresholdBP: 5001, SignedCosigns: true}}); err == nil {
		t.Fatal("signed_cosigns accepted on text proposals")
	}
	s.do("alice", SetRules{Rules: KindRules{Kind: KindSpend, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000, SignedCosigns: true}})
	p := s.propose("bob", NewProposal{Kind: KindSpend, Title: "Kettle", Action: Action{Member: s.id("bob"), Asset: "EUR", Amount: 3000}})
	s.vote(p, "yes", "alice", "bob", "carol", "dave")
	s.days(8)
	size := s.m.Size()
	if _, err := s.h.Submit(s.ctx, s.who("carol"), SignPayout{ID: 1}); err == nil || !strings.Contains(err.Error(), "takes only member-signed co-signatures") || s.m.Size() != size {
		t.Fatalf("unsigned co-signature where required: %v", err)
	}
	err := s.h.View(func(r Reader) error {
		return Apply(newOverlay(r), Event{Seq: s.m.Size(), Time: s.clk.now().UnixMilli(), Actor: s.id("carol"), Body: &PayoutSigned{Payout: 1}})
	})
	if err == nil || !strings.Contains(err.Error(), "takes only member-signed co-signatures") {
		t.Fatalf("Apply took an unsigned co-signature where required: %v", err)
	}
	s.signed("carol", "carol", SignPayout{ID: 1})
}

// TestSignedBookingAndLeaving: a booking and a member.left take the same
// signatures as a vote, refuse the same bad ones, and a booking's
// signature does not cover the number and status the hub answers with.
func TestSignedBookingAndLeaving(t *testing.T) {
	s, _ := sigFixture(t)
	ns := SigNamespace(vectorOrigin)
	flat := s.do("alice", AddSpace{Space: Space{Name: "Flat", Beds: 1}})[0].Body.(*SpaceAdded).Space.ID
	stay := Book{Space: flat, From: "2026-05-04", To: "2026-05-06", Waitlist: true}
	act, err := s.h.ActToSign(s.who("bob"), s.clk.now().UnixMilli(), stay)
	if err != nil {
		t.Fatal(err)
	}
	want := "act booking.requested\ntarget space 1\ndata {\"space\":1,\"from\":\"2026-05-04\",\"to\":\"2026-05-06\",\"beds\":1}\n"
	if !bytes.HasSuffix(act, []byte(want)) {
		t.Fatalf("booking act:\n%s", act)
	}
	refuse := func(name string, c Command, wantErr string) {
		t.Helper()
		before := s.m.Size()
		_, err := s.h.Submit(s.ctx, s.who(name), c)
		if err == nil || !strings.Contains(err.Error(), wantErr) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("got %v, want one line with %q", err, wantErr)
		}
		if s.m.Size() != before {
			t.Fatal("a refused act wrote events")
		}
	}
	other := stay
	other.Sig = signArmoured(t, testSigner(t, "carol"), ns, act)
	refuse("bob", other, "is not a key member 2 holds")

	// carol books the only bed after bob signed: his request now waits
	// with another booking number, and his signature still holds.
	s.do("carol", Book{Space: flat, From: "2026-05-05", To: "2026-05-07"})
	signed := stay
	signed.Sig = signArmoured(t, testSigner(t, "bob"), ns, act)
	evs := s.do("bob", signed)
	bk := evs[0].Body.(*BookingRequested)
	if !IsMemberSigned(bk) || bk.SigSeq != 1 || bk.Booking != 2 || bk.Status != BookWaitlisted {
		t.Fatalf("stored %+v", bk)
	}
	refuse("bob", signed, "does not verify") // the same signature again: sequence 1 is used up

	// Leaving: only the member.left carries the signature; the effects
	// before it (bob's waitlisted stay cancelled) are the hub's.
	leave := Leave{}
	act, err = s.h.ActToSign(s.who("bob"), s.clk.now().UnixMilli(), leave)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(act, []byte("\nseq 2\nact member.left\ntarget member 2\ndata {\"member\":2,\"anonymous\":false}\n")) {
		t.Fatalf("leaving act:\n%s", act)
	}
	leave.Sig = signArmoured(t, testSigner(t, "alice"), ns, act)
	refuse("bob", leave, "is not a key member 2 holds")
	leave.Sig = signArmoured(t, testSigner(t, "bob"), ns, act)
	evs = s.do("bob", leave)
	for i, ev := range evs {
		_, left := ev.Body.(*MemberLeft)
		if IsMemberSigned(ev.Body) != left || left != (i == len(evs)-1) {
			t.Fatalf("event %d (%T): signed %v", i, ev.Body, IsMemberSigned(ev.Body))
		}
	}
	if len(evs) < 2 {
		t.Fatalf("leaving wrote %d events, want bob's stay cancelled before his member.left", len(evs))
	}

	// Apply refuses a member.left carrying another member's signature,
	// whoever writes it.
	err = s.h.View(func(r Reader) error {
		return Apply(newOverlay(r), Event{Seq: s.m.Size(), Time: s.clk.now().UnixMilli(), Actor: s.id("carol"),
			Body: &MemberLeft{Member: s.id("carol"), Sig: bk.Sig, SigSeq: 1}})
	})
	if err == nil || !strings.Contains(err.Error(), "is not a key member 3 holds") {
		t.Fatalf("Apply took carol's leaving signed by bob: %v", err)
	}
	if _, err := verifyLog(s.m); err != nil {
		t.Fatalf("polis verify: %v", err)
	}
}

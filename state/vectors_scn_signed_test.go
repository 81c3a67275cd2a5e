package state

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	"github.com/hiddeco/sshsig"
	"github.com/polis-hub/polis/state/tally"
	gossh "golang.org/x/crypto/ssh"
)

// vectorOrigin is the origin every vector's log is sealed under.
const vectorOrigin = "vectors.polis.example/hub"

// testSigner is the private half of testActor's key.
func testSigner(t testing.TB, name string) gossh.Signer {
	seed := sha256.Sum256([]byte("polis-test-" + name))
	s, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signArmoured signs msg as ssh-keygen -Y sign would (ed25519 signatures
// are deterministic, so vectors stay byte-exact).
func signArmoured(t testing.TB, signer gossh.Signer, namespace string, msg []byte) string {
	t.Helper()
	sig, err := sshsig.Sign(bytes.NewReader(msg), signer, sshsig.HashSHA512, namespace)
	if err != nil {
		t.Fatal(err)
	}
	return string(sshsig.Armor(sig))
}

// signedVote casts name's ballot signed with the key of holder (name's
// own key, or another key name holds).
func (s *script) signedVote(name, holder string, id uint64, choice string) {
	s.t.Helper()
	s.signed(name, holder, CastVote{ID: id, Ballot: tally.Ballot{Choice: choice}})
}

// signed submits name's act c signed with holder's key.
func (s *script) signed(name, holder string, c Command) []Event {
	s.t.Helper()
	msg, err := s.h.ActToSign(s.who(name), s.clk.now().UnixMilli(), c)
	if err != nil {
		s.t.Fatal(err)
	}
	sig := signArmoured(s.t, testSigner(s.t, holder), SigNamespace(vectorOrigin), msg)
	c, ok := WithActSig(c, sig)
	if !ok {
		s.t.Fatalf("%T is not a signed act", c)
	}
	return s.do(name, c)
}

// scenarioSigned: member-signed votes beside unsigned ones.
func scenarioSigned(s *script) {
	s.founding("Signed", "bob", "carol", "dave", "erin")
	s.do("", NameOrigin{Origin: vectorOrigin})
	s.do("alice", SetRole{Member: s.id("carol"), Role: RoleTreasurer, Grant: true})
	s.do("alice", SetRole{Member: s.id("dave"), Role: RoleTreasurer, Grant: true})
	s.do("bob", Contribute{Asset: "EUR", Amount: 5000, Memo: "for the kettle"})
	// Payouts of spend proposals opened from now on need signed co-signatures.
	s.do("alice", SetRules{Rules: KindRules{Kind: KindSpend, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 3000, ThresholdBP: 6000, SignedCosigns: true}})
	spend := s.propose("bob", NewProposal{Kind: KindSpend, Title: "A kettle", Action: Action{Member: s.id("erin"), Asset: "EUR", Amount: 3000}})
	s.vote(spend, "yes", "alice", "bob", "carol", "dave")
	p := s.propose("alice", NewProposal{Kind: KindText, Title: "Sign your votes"})
	s.signedVote("bob", "bob", p, "no")
	s.vote(p, "yes", "alice")
	// bob changes his mind, signing with a second key (sequence 2).
	s.do("bob-laptop", ConfirmKey{CodeHash: s.offerKey("bob", "bob-laptop", "laptop")})
	s.signedVote("bob", "bob-laptop", p, "yes")
	s.signedVote("carol", "carol", p, "abstain")
	s.days(8)
	// The kettle's payout: carol co-signs with her key (her sequence 2),
	// dave's signed co-signature pays it.
	s.signed("carol", "carol", SignPayout{ID: 1})
	s.signed("dave", "dave", SignPayout{ID: 1})
	// Text proposals take signed votes only from now on; the proposal
	// open before keeps its rules.
	s.do("alice", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 2000, ThresholdBP: 5001, SignedVotes: true}})
	q := s.propose("carol", NewProposal{Kind: KindText, Title: "Only signed votes"})
	s.signedVote("alice", "alice", q, "yes")
	s.signedVote("carol", "carol", q, "yes")
	// erin gives her vote on text proposals to carol, signed.
	s.signed("erin", "erin", Delegate{To: s.id("carol"), Kind: KindText})
	// A charter; dave consents to it with his key.
	s.do("alice", SetCharter{Text: "Be kind."})
	s.signed("dave", "dave", Consent{Version: 1})
	s.days(8)
	// erin books a stay, signed, then leaves, signing her member.left: the
	// delegation revoked and the booking cancelled before it are its effects.
	flat := s.do("alice", AddSpace{Space: Space{Name: "Flat", Beds: 2}})[0].Body.(*SpaceAdded).Space.ID
	s.signed("erin", "erin", Book{Space: flat, From: "2026-05-04", To: "2026-05-06"})
	s.do("bob", Book{Space: flat, From: "2026-05-04", To: "2026-05-05"})
	s.signed("erin", "erin", Leave{Anonymous: true})
}

// resign replaces the signature of the signed act holding marker with one
// by holder's key, in namespace ns, over msg (nil: the act's own bytes).
func (f *forgery) resign(marker, holder, ns string, msg []byte) []byte {
	f.t.Helper()
	i := f.find(marker)
	ev, err := Decode(f.events[i])
	if err != nil {
		f.t.Fatal(err)
	}
	a := ev.Body.(signedAct)
	_, seq := a.actSig()
	if msg == nil {
		if msg, err = ActBytes(vectorOrigin, ev.Actor, seq, ev.Body); err != nil {
			f.t.Fatal(err)
		}
	}
	a.setSig(signArmoured(f.t, testSigner(f.t, holder), ns, msg), seq)
	if f.events[i], err = Encode(ev); err != nil {
		f.t.Fatal(err)
	}
	f.signed = nil
	return f.bytes()
}

// invalidSignedBase is the honest log the signature forgeries start from:
// bob signs twice with his first key, then removes it and signs with his
// laptop's.
func invalidSignedBase(s *script) {
	s.do("", CreateHub{Name: "Signature forgery test"})
	s.do("", AdmitAdmin{Key: s.who("alice").Key, Name: "alice"})
	s.ids["alice"] = 1
	s.join("alice", "bob")
	s.do("", NameOrigin{Origin: vectorOrigin})
	s.do("alice", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 7 * 24 * 3600 * 1000, QuorumBP: 2000, ThresholdBP: 5001, SignedVotes: true}})
	p := s.propose("alice", NewProposal{Kind: KindText, Title: "Signed"})
	s.signedVote("bob", "bob", p, "no")
	s.signedVote("bob", "bob", p, "yes")
	s.do("bob-laptop", ConfirmKey{CodeHash: s.offerKey("bob", "bob-laptop", "laptop")})
	s.do("bob-laptop", RemoveKey{Ref: "first key"})
	s.signedVote("bob-laptop", "bob-laptop", p, "abstain")
	s.seal()
}

// invalidSigVectors are forged member signatures; Apply refuses each.
var invalidSigVectors = []invalidVector{
	{"sig-other-key", "bob's signed vote carries a signature by alice's key over the same bytes (re-signed): not a key the actor holds", "is not a key member 2 holds",
		func(f *forgery) []byte { return f.resign(`"sig_seq":1`, "alice", SigNamespace(vectorOrigin), nil) }},
	{"sig-other-bytes", "bob's signed no changed to yes, his signature kept (re-signed)", "does not verify over this act",
		func(f *forgery) []byte {
			f.editEvent(f.find(`"sig_seq":1`), `"choice":"no"`, `"choice":"yes"`)
			return f.bytes()
		}},
	{"sig-other-namespace", "bob's vote signed by his key over its bytes, in another namespace (re-signed)", "namespace",
		func(f *forgery) []byte { return f.resign(`"sig_seq":1`, "bob", "polis@elsewhere.example/hub", nil) }},
	{"sig-replayed-seq", "bob's second signed vote replaced by a replay of his first, sequence number 1 again (re-signed)", "a replayed or out-of-order act",
		func(f *forgery) []byte {
			first, second := f.find(`"sig_seq":1`), f.find(`"sig_seq":2`)
			a, _ := Decode(f.events[first])
			b, _ := Decode(f.events[second])
			a.Seq, a.Time = b.Seq, b.Time
			f.events[second], _ = Encode(a)
			f.signed = nil
			return f.bytes()
		}},
	{"sig-required-unsigned", "bob's last vote, on a proposal whose rules require signed votes, with its signature stripped (re-signed): a forged unsigned vote", "takes only member-signed votes",
		func(f *forgery) []byte {
			i := f.find(`"sig_seq":3`)
			ev, _ := Decode(f.events[i])
			ev.Body.(signedAct).setSig("", 0)
			f.events[i], _ = Encode(ev)
			f.signed = nil
			return f.bytes()
		}},
	{"sig-other-origin", "hub.origin names another hub's origin than the one the log is signed as (re-signed): signatures made for that hub would replay here", "but the log is signed as",
		func(f *forgery) []byte {
			f.editEvent(f.find(`"type":"hub.origin"`), `"origin":"`+vectorOrigin+`"`, `"origin":"elsewhere.example/hub"`)
			return f.bytes()
		}},
	{"sig-removed-key", "bob's last vote signed with the key he had removed before it (re-signed)", "is not a key member 2 holds",
		func(f *forgery) []byte { return f.resign(`"sig_seq":3`, "bob", SigNamespace(vectorOrigin), nil) }},
}

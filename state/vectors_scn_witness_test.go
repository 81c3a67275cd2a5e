package state

import (
	"bytes"
	"crypto/sha256"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/witness"
)

// vectorNoteKey is a note key pair for name, derived from it (vectors are
// byte-exact, so no key is drawn at random).
func vectorNoteKey(s *script, name string) (skey, vkey string) {
	seed := sha256.Sum256([]byte("polis-vector-key\x00" + name))
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat(seed[:], 2)), name)
	if err != nil {
		s.t.Fatal(err)
	}
	return skey, vkey
}

func scenarioWitnessing(s *script) {
	s.founding("Witnesses", "bob")
	_, logKey := vectorNoteKey(s, "other.example/hub")
	_, otherLog := vectorNoteKey(s, "third.example/hub")
	s.do("alice", WatchLog{Key: logKey})
	s.do("alice", WatchLog{Key: otherLog})
	s.do("alice", UnwatchLog{Origin: "third.example/hub"})
	wskey, _ := vectorNoteKey(s, "other.example/hub/witness")
	wkey, err := witness.VerifierKey(wskey)
	if err != nil {
		s.t.Fatal(err)
	}
	s.do("alice", UseWitness{Addr: "other.example:23234", Key: wkey})
	cskey, _ := vectorNoteKey(s, "gone.example/hub/witness")
	ckey, _ := witness.VerifierKey(cskey)
	s.do("alice", UseWitness{Addr: "[2001:db8::1]:22", Key: ckey})
	s.do("alice", DropWitness{Name: "gone.example/hub/witness"})

	// Edges a verifier written from the page missed: a member holding
	// every role (in their fixed order, whatever order they came in), and
	// a balance back at zero, which is kept.
	bob := s.ids["bob"]
	for _, r := range []string{RoleSteward, RoleTreasurer, RoleModerator} {
		s.do("alice", SetRole{Member: bob, Role: r, Grant: true})
	}
	s.do("alice", AddAsset{Code: "CHF", Decimals: 2})
	evs := s.do("alice", Contribute{Asset: "CHF", Amount: 1250, Memo: "a/b: slashes stay raw"})
	s.do("bob", ReverseContribution{Entry: evs[0].Body.(*Contributed).Entry, Memo: "back to zero"})
}

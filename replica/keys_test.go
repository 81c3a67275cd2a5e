package replica

import (
	"crypto/ed25519"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestNoteSignerKeyIsANoteKey(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	seed[3] = 7
	skey := noteSignerKey("hub.example/x", seed)
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := note.NewEd25519VerifierKey("hub.example/x", ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if v.KeyHash() != s.KeyHash() {
		t.Fatalf("key hash %08x, verifier's %08x", s.KeyHash(), v.KeyHash())
	}
	msg, err := note.Sign(&note.Note{Text: "hello\n"}, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		t.Fatal(err)
	}
	if LogSignerKey("o", "chain-a") != LogSignerKey("o", "chain-a") || LogSignerKey("o", "chain-a") == LogSignerKey("o", "chain-b") {
		t.Fatal("the log key is not a function of the chain")
	}
}

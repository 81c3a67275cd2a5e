package state

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// testActor derives a stable ed25519 key from a name.
func testActor(t testing.TB, name string) Actor {
	seed := sha256.Sum256([]byte("polis-test-" + name))
	priv := ed25519.NewKeyFromSeed(seed[:])
	pk, err := gossh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return Actor{Key: KeyString(pk), Fingerprint: Fingerprint(pk)}
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

var zeroTime time.Time

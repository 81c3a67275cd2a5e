package state

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
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

// openTest starts an in-memory engine: the domain's tests run on it, the
// store's on Badger (package state/store).
func openTest(t testing.TB, o MemoryOptions) *Memory {
	t.Helper()
	s, err := NewMemory(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// verifyLog checks s's whole log as polis verify checks an export (every
// checkpoint's signature, link, root and state digest, every event
// replayed), and that the replay reaches s's own state key for key and
// the private notes s keeps, as verify checks a data dir.
func verifyLog(s *Memory) (VerifyReport, error) {
	var b bytes.Buffer
	if err := s.WriteExport(&b); err != nil {
		return VerifyReport{}, err
	}
	x, err := ReadExport(&b)
	if err != nil {
		return VerifyReport{}, err
	}
	rep, err := VerifyExport(x, s.VerifierKey(), nil)
	if err != nil {
		return rep, err
	}
	replay := rep.rp.State()
	err = s.View(func(r Reader) error {
		want, n := replay.Keys(PrefixState), 0
		r.Scan(PrefixState, func(k string, v []byte) bool {
			if n >= len(want) || want[n] != k {
				err = fmt.Errorf("state key %q differs from the replay's keys", k)
				return false
			}
			if w, _ := replay.Get(k); !bytes.Equal(w, v) {
				err = fmt.Errorf("state key %q differs from the replayed state", k)
				return false
			}
			n++
			return true
		})
		if err == nil && n != len(want) {
			err = fmt.Errorf("state key %q is missing", want[n])
		}
		if err != nil {
			return err
		}
		return CheckPrivateNotes(replay, func(prefix string, fn func(k, v []byte) error) error {
			var err error
			r.Scan(prefix, func(k string, v []byte) bool {
				err = fn([]byte(k), v)
				return err == nil
			})
			return err
		})
	})
	if err == nil && rep.Digest != s.StateDigest() {
		err = errors.New("the replayed state digest is not the engine's")
	}
	return rep, err
}

var zeroTime time.Time

func mustSubmit(t testing.TB, s Sequencer, a Actor, c Command) []Event {
	t.Helper()
	evs, err := s.Submit(context.Background(), a, c)
	if err != nil {
		t.Fatalf("%T: %v", c, err)
	}
	return evs
}

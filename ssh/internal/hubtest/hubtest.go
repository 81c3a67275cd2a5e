// Package hubtest makes the hubs, people and populated worlds that the
// tests of the SSH door (ssh) and of its command tree (ssh/cmd) share: the
// tree's tests run them in process, the door's over real SSH, and both
// must mean the same people and the same rows.
package hubtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/witness"
)

// NewHub opens a fresh hub that seals a checkpoint with every commit, so
// chain commands see one without waiting on a timer.
func NewHub(t testing.TB) *state.Hub {
	t.Helper()
	return NewHubWith(t, store.Options{})
}

// NewHubWith is NewHub with the given store options (a pinned clock).
func NewHubWith(t testing.TB, o store.Options) *state.Hub {
	t.Helper()
	o.Dir, o.CheckpointEvery, o.CheckpointInterval = t.TempDir(), 1, time.Hour
	s, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "Test"}); err != nil {
		t.Fatal(err)
	}
	h := state.NewHub(s)
	skey, _, err := witness.GenerateKey("polis.local/hub/witness")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.StartWitness(skey, &witness.MemStore{}); err != nil {
		t.Fatal(err)
	}
	return h
}

// Origin is the test hubs' checkpoint origin (store's default).
const Origin = "polis.local/hub"

// NameOrigin names the hub's origin in its log, as polis serve does at
// start, so that it takes signed acts. NewHub leaves it out, so that the
// event numbers other tests expect stay as they were.
func NameOrigin(t testing.TB, hub *state.Hub) {
	t.Helper()
	if _, err := hub.Submit(context.Background(), state.SystemActor, state.NameOrigin{Origin: Origin}); err != nil {
		t.Fatal(err)
	}
}

// User is someone holding a real ed25519 key.
type User struct {
	Name   string
	Signer gossh.Signer
	Priv   ed25519.PrivateKey
}

func NewUser(t testing.TB, name string) *User {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return &User{Name: name, Signer: s, Priv: priv}
}

func (u *User) AuthorizedKey() string { return state.KeyString(u.Signer.PublicKey()) }
func (u *User) Fingerprint() string   { return state.Fingerprint(u.Signer.PublicKey()) }

// Actor is u as the sequencer sees them.
func (u *User) Actor() state.Actor {
	return state.Actor{Key: u.AuthorizedKey(), Fingerprint: u.Fingerprint()}
}

// Admit makes u a steward directly through state.
func Admit(t testing.TB, hub *state.Hub, u *User, name string) {
	t.Helper()
	if _, err := hub.Submit(context.Background(), state.SystemActor, state.AdmitAdmin{Key: u.AuthorizedKey(), Name: name}); err != nil {
		t.Fatal(err)
	}
}

// SubmitAs submits c as u, failing the test if it is refused.
func SubmitAs(t testing.TB, hub *state.Hub, u *User, c state.Command) []state.Event {
	t.Helper()
	evs, err := hub.Submit(context.Background(), u.Actor(), c)
	if err != nil {
		t.Fatalf("%T by %s: %v", c, u.Name, err)
	}
	return evs
}

// CheckFailure asserts the error contract: exit 1, one line on stderr.
func CheckFailure(t testing.TB, what, stdout, stderr string, code int) {
	t.Helper()
	// witness add-checkpoint refuses with the tlog-witness statuses'
	// own exit codes, 40-49.
	if code != 1 && !(strings.Contains(what, "add-checkpoint") && code >= 40 && code <= 49) {
		t.Errorf("%s: exit %d, want 1 (stdout %q, stderr %q)", what, code, stdout, stderr)
	}
	if n := strings.Count(stderr, "\n"); n != 1 || !strings.HasPrefix(stderr, "polis: ") {
		t.Errorf("%s: stderr is not one 'polis: ' line: %q", what, stderr)
	}
	if strings.ContainsAny(stderr, "\x1b\x07\x9b\x9d") {
		t.Errorf("%s: stderr carries control characters: %q", what, stderr)
	}
}

// Shorten is s made printable and cut to 80 characters, to name a row in a
// failure.
func Shorten(s string) string {
	r := []rune(strings.ToValidUTF8(s, "?"))
	if len(r) > 80 {
		return string(r[:80]) + "..."
	}
	return string(r)
}

// NewKey is a fresh public key in authorized_keys form.
func NewKey() string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	pk, err := gossh.NewPublicKey(pub)
	if err != nil {
		panic(err)
	}
	return state.KeyString(pk)
}

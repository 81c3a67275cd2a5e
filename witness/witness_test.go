package witness

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/chain"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// testLog is a log of numbered records with a note key, signing
// checkpoints in polis's form (tlog-checkpoint with extension lines).
type testLog struct {
	t      *testing.T
	origin string
	signer note.Signer
	vkey   string
	hashes chain.MemoryHashes
	n      int64
}

func newTestLog(t *testing.T, origin string) *testLog {
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return &testLog{t: t, origin: origin, signer: s, vkey: vkey}
}

func (l *testLog) grow(k int, tag string) {
	for range k {
		if err := l.hashes.Append(l.n, fmt.Appendf(nil, "%s record %d", tag, l.n)); err != nil {
			l.t.Fatal(err)
		}
		l.n++
	}
}

func (l *testLog) checkpoint() []byte {
	root, err := chain.TreeRoot(l.n, &l.hashes)
	if err != nil {
		l.t.Fatal(err)
	}
	c := chain.Checkpoint{Origin: l.origin, Size: l.n, Root: root, Height: 1, Time: 1}
	b, err := chain.Sign(c, l.signer)
	if err != nil {
		l.t.Fatal(err)
	}
	return b
}

func (l *testLog) request(old int64) []byte {
	var proof tlog.TreeProof
	if old > 0 && old < l.n {
		p, err := tlog.ProveTree(l.n, old, &l.hashes)
		if err != nil {
			l.t.Fatal(err)
		}
		proof = p
	}
	return FormatRequest(old, proof, l.checkpoint())
}

func newTestWitness(t *testing.T, store Store, logs ...*testLog) (*Witness, note.Verifier) {
	skey, vkey, err := GenerateKey("witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]note.Verifier{}
	for _, l := range logs {
		v, err := note.NewVerifier(l.vkey)
		if err != nil {
			t.Fatal(err)
		}
		known[l.origin] = v
	}
	w, err := New(skey, store, func(o string) (note.Verifier, bool) { v, ok := known[o]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return w, v
}

func status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

func TestAddCheckpoint(t *testing.T) {
	l := newTestLog(t, "hub.example/log")
	store := &MemStore{}
	w, wv := newTestWitness(t, store, l)
	l.grow(3, "a")
	line, err := w.AddCheckpoint(l.request(0))
	if err != nil {
		t.Fatal(err)
	}
	// The line cosigns the checkpoint: the note verifies under the witness.
	cp := append(l.checkpoint(), line...)
	if _, err := note.Open(cp, note.VerifierList(wv)); err != nil {
		t.Fatalf("cosignature does not verify: %v\n%s", err, cp)
	}
	l.grow(5, "a")
	if _, err := w.AddCheckpoint(l.request(3)); err != nil {
		t.Fatalf("extension: %v", err)
	}
	// The same checkpoint again is fine (old = size, same root).
	if _, err := w.AddCheckpoint(l.request(8)); err != nil {
		t.Fatalf("same checkpoint again: %v", err)
	}
	// A stale old size: 409 with the latest size.
	_, err = w.AddCheckpoint(l.request(3))
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusConflict || e.Latest != 8 {
		t.Fatalf("stale old size: %v", err)
	}
}

// Every refusal changes nothing: the witness goes on cosigning the
// honest log from where it was.
func TestRefusals(t *testing.T) {
	l := newTestLog(t, "hub.example/log")
	store := &MemStore{}
	w, _ := newTestWitness(t, store, l)
	l.grow(4, "honest")
	if _, err := w.AddCheckpoint(l.request(0)); err != nil {
		t.Fatal(err)
	}
	before, _, _ := store.Latest(l.origin)

	// A fork: the same first 4 records would be needed; this log differs.
	fork := &testLog{t: t, origin: l.origin, signer: l.signer, vkey: l.vkey}
	fork.grow(6, "forked")
	stranger := newTestLog(t, "other.example/log")
	stranger.grow(2, "x")
	impostor := newTestLog(t, l.origin) // right origin, other key
	impostor.grow(6, "honest")
	flipped := l.request(4)
	flipped[len(flipped)-5] ^= 1
	l6 := &testLog{t: t, origin: l.origin, signer: l.signer, vkey: l.vkey}
	l6.grow(6, "honest")
	badProof := l6.request(4)
	badProof = bytes.Replace(badProof, []byte("old 4\n"), []byte("old 4\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 1)
	sameSizeOtherRoot := &testLog{t: t, origin: l.origin, signer: l.signer, vkey: l.vkey}
	sameSizeOtherRoot.grow(4, "other")

	cases := []struct {
		name string
		body []byte
		want int
	}{
		{"fork", fork.request(4), StatusUnprocessable},
		{"same size, other root", sameSizeOtherRoot.request(4), StatusUnprocessable},
		{"bad proof", badProof, StatusUnprocessable},
		{"proof with old 0", append([]byte("old 0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"), l6.checkpoint()...), StatusConflict},
		{"unknown origin", stranger.request(0), StatusNotFound},
		{"foreign signature", impostor.request(4), StatusForbidden},
		{"flipped signature", flipped, StatusForbidden},
		{"old larger than size", l.request(9), StatusBadRequest},
		{"garbage", []byte("\x1b[31mhello\n"), StatusBadRequest},
		{"no blank line", []byte("old 4\n"), StatusBadRequest},
		{"leading zero", []byte("old 04\n\n"), StatusBadRequest},
		{"10 MiB", bytes.Repeat([]byte("A"), 10<<20), StatusBadRequest},
		{"not a note", []byte("old 4\n\nhub.example/log\n4\n"), StatusBadRequest},
	}
	for _, c := range cases {
		_, err := w.AddCheckpoint(c.body)
		if status(err) != c.want {
			t.Errorf("%s: %v (status %d), want %d", c.name, err, status(err), c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", c.name, err)
		}
		if after, _, _ := store.Latest(l.origin); !bytes.Equal(after.Note, before.Note) {
			t.Fatalf("%s changed the witness's record", c.name)
		}
	}
	// A disk that refuses the write: no cosignature, no change.
	store.Fail = errors.New("injected: no space left on device")
	if line, err := w.AddCheckpoint(l6.request(4)); err == nil || line != nil {
		t.Fatalf("cosigned without recording it: %v", err)
	}
	store.Fail = nil
	if _, err := w.AddCheckpoint(l6.request(4)); err != nil {
		t.Fatalf("after the disk recovers: %v", err)
	}
}

// The file store survives a restart, and a damaged record is refused
// rather than read as "never cosigned" (which would let a fork through).
func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	l := newTestLog(t, "hub.example/log")
	w, _ := newTestWitness(t, FileStore{Dir: dir}, l)
	l.grow(3, "a")
	if _, err := w.AddCheckpoint(l.request(0)); err != nil {
		t.Fatal(err)
	}
	w2, _ := newTestWitness(t, FileStore{Dir: dir}, l)
	if _, err := w2.AddCheckpoint(l.request(0)); status(err) != StatusConflict {
		t.Fatalf("after a restart the witness forgot size 3: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.checkpoint"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Fatalf("record mode %v", fi.Mode())
	}
	os.WriteFile(files[0], []byte("hub.example/log\n3\ngarbage\n\n"), 0o600)
	if _, err := w2.AddCheckpoint(l.request(3)); err == nil || status(err) != 0 || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged record: %v", err)
	}
}

func TestVerifierKeyRoundTrip(t *testing.T) {
	skey, vkey, err := GenerateKey("w.example/witness")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := VerifierKey(skey); err != nil || again != vkey {
		t.Fatalf("%q %v", again, err)
	}
	if _, err := NewVerifier(vkey); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifierKey("PRIVATE+KEY+x+00000000+AAAA"); err == nil {
		t.Fatal("bad key accepted")
	}
}

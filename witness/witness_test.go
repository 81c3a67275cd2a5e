package witness

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// The example request body of tlog-witness v1.0.0 parses as the spec
// says, and, its log unknown here, is refused with 404.
func TestSpecExampleRequest(t *testing.T) {
	body := "old 20852014\n" +
		"PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n" +
		"jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n" +
		"5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n" +
		"/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n" +
		"\n" +
		"example.com/behind-the-sofa\n" +
		"20852163\n" +
		"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n" +
		"\n" +
		"\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" +
		"\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
	r, err := ParseRequest([]byte(body))
	if err != nil || r.Old != 20852014 || len(r.Proof) != 4 || !bytes.HasPrefix(r.Checkpoint, []byte("example.com/behind-the-sofa\n20852163\n")) {
		t.Fatalf("%+v %v", r, err)
	}
	again := FormatRequest(r.Old, r.Proof, r.Checkpoint)
	if string(again) != body {
		t.Fatalf("the request does not round-trip:\n%s", again)
	}
	w, _ := newTestWitness(t, &MemStore{})
	if _, err := w.AddCheckpoint([]byte(body)); status(err) != StatusNotFound {
		t.Fatalf("unknown log: %v", err)
	}
}

// BenchmarkAddCheckpoint is one cosignature of a growing log, recorded in
// memory or durably on disk (docs/perf.md).
func BenchmarkAddCheckpoint(b *testing.B) {
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "journal"
		}
		b.Run(name, func(b *testing.B) {
			t := &testing.T{}
			l := newTestLog(t, "hub.example/log")
			var store Store = &MemStore{}
			if disk {
				j, err := OpenJournal(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				defer j.Close()
				store = j
			}
			w, _ := newTestWitness(t, store, l)
			reqs := make([][]byte, b.N)
			old := int64(0)
			for i := range reqs {
				l.grow(1, "r")
				reqs[i] = l.request(old)
				old = l.n
			}
			b.ResetTimer()
			for i := range reqs {
				if _, err := w.AddCheckpoint(reqs[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddCheckpointLogs is cosigning for 16 logs at once, recorded
// durably: what a witness serving many hubs does (docs/perf.md).
func BenchmarkAddCheckpointLogs(b *testing.B) {
	t := &testing.T{}
	const logs = 16
	ls := make([]*testLog, logs)
	for i := range ls {
		ls[i] = newTestLog(t, fmt.Sprintf("hub%d.example/log", i))
	}
	j, err := OpenJournal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	w, _ := newTestWitness(t, j, ls...)
	per := b.N/logs + 1
	reqs := make([][][]byte, logs)
	for i, l := range ls {
		old := int64(0)
		for range per {
			l.grow(1, "r")
			reqs[i] = append(reqs[i], l.request(old))
			old = l.n
		}
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range reqs[i] {
				if _, err := w.AddCheckpoint(r); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*logs)/b.Elapsed().Seconds(), "req/s")
}

// FuzzParseRequest: no body panics the parser, and a body it accepts
// writes back as the same bytes.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("old 0\n\nhub.example/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"))
	f.Add([]byte("old 3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nx\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			return
		}
		if again := FormatRequest(r.Old, r.Proof, r.Checkpoint); !bytes.Equal(again, body) {
			t.Fatalf("%q parsed and wrote back as %q", body, again)
		}
	})
}

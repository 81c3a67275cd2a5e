package state

import (
	"bytes"
	"strings"
	"testing"
)

// An export ends at its end line: bytes after it are covered by nothing,
// so reading refuses them rather than leave a reader to guess.
func TestExportRefusesTrailingBytes(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", Rename{Name: "Alice"})
	var b bytes.Buffer
	if err := f.s.WriteExport(&b); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadExport(bytes.NewReader(b.Bytes())); err != nil {
		t.Fatalf("the export itself: %v", err)
	}
	for _, tail := range []string{"\n", "event 99 2\n{}\n", "x"} {
		_, err := ReadExport(strings.NewReader(b.String() + tail))
		if err == nil || !strings.Contains(err.Error(), "after the end line") {
			t.Errorf("trailing %q: %v", tail, err)
		}
	}
}

// The sealed log stops at the latest checkpoint: no event and no
// checkpoint beyond it, whatever the engine holds after it.
func TestSealedExport(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1000})
	f.do("alice", Rename{Name: "Alice"})
	f.s.Seal()
	f.do("alice", Rename{Name: "Alicia"})
	h := NewHub(f.s)
	head, _ := f.s.Head()
	var sealed, all bytes.Buffer
	if err := h.WriteExport(&sealed, false); err != nil {
		t.Fatal(err)
	}
	if err := h.WriteExport(&all, true); err != nil {
		t.Fatal(err)
	}
	xs, err := ReadExport(&sealed)
	if err != nil {
		t.Fatal(err)
	}
	xa, err := ReadExport(&all)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(xs.Events)) != head.Size || uint64(len(xa.Events)) != f.s.Size() || len(xa.Events) <= len(xs.Events) {
		t.Fatalf("sealed export has %d events, full %d; head %d, log %d", len(xs.Events), len(xa.Events), head.Size, f.s.Size())
	}
	rep, err := VerifyExport(xs, f.s.VerifierKey(), nil)
	if err != nil || rep.Unsealed != 0 {
		t.Fatalf("sealed export: %+v %v", rep, err)
	}
	rep, err = VerifyExport(xa, f.s.VerifierKey(), nil)
	if err != nil || rep.Unsealed == 0 {
		t.Fatalf("full export: %+v %v", rep, err)
	}
}

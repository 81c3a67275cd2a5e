package state

import (
	"bytes"
	"fmt"
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

// Cosignature frames come between the checkpoints and the events, and
// only for a checkpoint the export holds.
func TestExportCosignedFrames(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.do("alice", Rename{Name: "Alice"})
	head, _ := f.s.Head()
	line := []byte("\u2014 w.example/witness AAAA\n")
	var b bytes.Buffer
	if err := f.s.WriteExportTo(&b, f.s.Size(), Cosignatures{Height: head.Height, Lines: line}, Cosignatures{Height: 999, Lines: line}); err != nil {
		t.Fatal(err)
	}
	x, err := ReadExport(bytes.NewReader(b.Bytes()))
	if err != nil || !bytes.Equal(x.Cosigned[head.Height], line) || len(x.Cosigned) != 1 {
		t.Fatalf("%v %v", err, x.Cosigned)
	}
	// Moved after the first event: refused.
	s := b.String()
	frame := fmt.Sprintf("cosigned %d %d\n%s\n", head.Height, len(line), line)
	moved := strings.Replace(s, frame, "", 1)
	i := strings.Index(moved, "event 1 ")
	moved = moved[:i] + frame + moved[i:]
	if _, err := ReadExport(strings.NewReader(moved)); err == nil || !strings.Contains(err.Error(), "misplaced") {
		t.Fatalf("a cosigned frame among the events: %v", err)
	}
}

// A witness's cosignature arrives after its checkpoint was published: the
// hub wakes its subscribers (the app, the doors) without a commit.
func TestCosignaturesChangedWakesSubscribers(t *testing.T) {
	f := newGov(t)
	ch, stop := f.h.Subscribe()
	defer stop()
	select {
	case <-ch:
	default:
	}
	f.h.CosignaturesChanged()
	select {
	case n := <-ch:
		if n != f.s.Size() {
			t.Fatalf("woken with size %d, want %d", n, f.s.Size())
		}
	default:
		t.Fatal("no wake-up")
	}
}

package chain

import (
	"errors"
	"strings"
	"testing"
)

// checkpointsOf signs checkpoints at sizes over a log of records.
func checkpointsOf(t *testing.T, records []string, sizes []int64) ([]Checkpoint, [][]byte, *MemoryHashes) {
	t.Helper()
	s, _ := NewSigner(fuzzSkey)
	var m MemoryHashes
	for i, r := range records {
		if err := m.Append(int64(i), []byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	var cs []Checkpoint
	var notes [][]byte
	var prev []byte
	for i, n := range sizes {
		root, err := TreeRoot(n, &m)
		if err != nil {
			t.Fatal(err)
		}
		c := Checkpoint{Origin: s.Name(), Size: n, Root: root, Height: int64(i + 1), Time: 1000 + int64(i)}
		if prev != nil {
			c.Prev = NoteHash(prev)
		}
		signed, err := Sign(c, s)
		if err != nil {
			t.Fatal(err)
		}
		cs, notes, prev = append(cs, c), append(notes, signed), signed
	}
	return cs, notes, &m
}

func TestCheckExtends(t *testing.T) {
	records := []string{"a", "b", "c", "d", "e", "f", "g"}
	cs, _, m := checkpointsOf(t, records, []int64{1, 3, 4, 7})
	for i := range cs {
		for j := i; j < len(cs); j++ {
			p, err := ProveConsistency(cs[j].Size, cs[i].Size, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckExtends(cs[i], cs[j], p); err != nil {
				t.Fatalf("%d -> %d: %v", i, j, err)
			}
		}
	}
	// A fork: the same first records, then others.
	forked := append(append([]string{}, records[:3]...), "X", "Y", "Z", "W")
	fs, _, fm := checkpointsOf(t, forked, []int64{1, 3, 4, 7})
	p, _ := ProveConsistency(fs[3].Size, cs[2].Size, fm)
	var ee *ExtendError
	if err := CheckExtends(cs[2], fs[3], p); !errors.As(err, &ee) || !strings.Contains(err.Error(), "consistency proof fails") ||
		!strings.Contains(err.Error(), "size 7, root "+b64(fs[3].Root[:])) || !strings.Contains(err.Error(), "size 4, root "+b64(cs[2].Root[:])) {
		t.Fatalf("fork: %v", err)
	}
	// Up to the fork, it extends.
	p, _ = ProveConsistency(fs[3].Size, cs[1].Size, fm)
	if err := CheckExtends(cs[1], fs[3], p); err != nil {
		t.Fatal(err)
	}
	// Another checkpoint at the same height, behind, shorter.
	p, _ = ProveConsistency(fs[2].Size, fs[2].Size, fm)
	if err := CheckExtends(cs[2], fs[2], p); err == nil || !strings.Contains(err.Error(), "two different checkpoints at one height") {
		t.Fatalf("same height: %v", err)
	}
	if err := CheckExtends(cs[3], cs[2], nil); err == nil || !strings.Contains(err.Error(), "behind") {
		t.Fatalf("behind: %v", err)
	}
}

func TestFindSigned(t *testing.T) {
	_, notes, _ := checkpointsOf(t, []string{"a", "b"}, []int64{2})
	v, _ := NewVerifier(fuzzVkey)
	headText := "checkpoint 1: 2 events\nroot   x\n\n" + string(notes[0]) + "\n\n"
	for _, saved := range []string{string(notes[0]), headText} {
		c, n, err := FindSigned([]byte(saved), v)
		if err != nil || string(n) != string(notes[0]) || c.Size != 2 {
			t.Fatalf("%q: %+v %v", saved, c, err)
		}
	}
	_, other, _ := GenerateKey("polis.test/hub")
	ov, _ := NewVerifier(other)
	if _, _, err := FindSigned(notes[0], ov); err == nil || !strings.Contains(err.Error(), "not signed by") {
		t.Fatalf("other key: %v", err)
	}
	if _, _, err := FindSigned([]byte("hello\n"), v); err == nil || !strings.Contains(err.Error(), "no signed checkpoint") {
		t.Fatalf("garbage: %v", err)
	}
}

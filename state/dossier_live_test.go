package state

import (
	"bytes"
	"context"
	"reflect"
	"testing"
)

// The dossier a serving hub keeps at its latest checkpoint, folded forward
// checkpoint by checkpoint, is the one `polis dossier` computes from the
// export by a full replay.
func TestSealedDossierMatchesReplay(t *testing.T) {
	m := openTest(t, MemoryOptions{CheckpointEvery: 1 << 20})
	h := NewHub(m)
	sd := h.NewSealedDossier()
	if _, ok, err := sd.Latest(); ok || err != nil {
		t.Fatalf("before any checkpoint: %v %v", ok, err)
	}
	ctx := context.Background()
	if _, err := h.Submit(ctx, SystemActor, CreateHub{Name: "Dossier"}); err != nil {
		t.Fatal(err)
	}
	alice := testActor(t, "alice")
	if _, err := h.Submit(ctx, SystemActor, AdmitAdmin{Key: alice.Key, Name: "Alice"}); err != nil {
		t.Fatal(err)
	}
	replayed := func() Dossier {
		var buf bytes.Buffer
		if err := m.WriteExport(&buf); err != nil {
			t.Fatal(err)
		}
		x, err := ReadExport(&buf)
		if err != nil {
			t.Fatal(err)
		}
		st, c, signed, err := StateAtLastCheckpoint(x, m.VerifierKey(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return BuildDossier(st, c, signed, m.VerifierKey())
	}
	steps := []Command{
		SetCharter{Text: "# One\n"},
		Contribute{Asset: "USD", Amount: 1200},
		NewProposal{Kind: KindText, Title: "A title", Body: "A body"},
		AddSpace{Space: Space{Name: "Loft", Beds: 3, TZ: "UTC"}},
	}
	for i, c := range steps {
		if _, err := h.Submit(ctx, alice, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
		if err := m.Seal(); err != nil {
			t.Fatal(err)
		}
		// An event after the checkpoint is not in the dossier.
		if _, err := h.IssueFounderCode(ctx); err != nil {
			t.Fatal(err)
		}
		got, ok, err := sd.Latest()
		if !ok || err != nil {
			t.Fatalf("step %d: %v %v", i, ok, err)
		}
		if want := replayed(); !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: dossier\n%+v\nwant\n%+v", i, got, want)
		}
	}
}

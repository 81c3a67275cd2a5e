package state

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/polis-hub/polis/chain/tiletest"
)

// The hub's tiles, read through LogTile as both doors read them, satisfy
// an off-the-shelf tlog client: every event is proved included in the
// signed checkpoint, every earlier checkpoint's size consistent with it,
// and a member's entry bundles are the log's own events.
func TestLogTilesAuditedByTlogClient(t *testing.T) {
	m := openTest(t, MemoryOptions{CheckpointEvery: 260})
	h := NewHub(m)
	visitor := Reading{}
	if _, _, err := h.LogTile("checkpoint", visitor); !errors.Is(err, ErrNotFound) {
		t.Fatalf("checkpoint before the first: %v", err)
	}
	if _, err := h.Submit(context.Background(), SystemActor, CreateHub{Name: "Tiles"}); err != nil {
		t.Fatal(err)
	}
	for h.Size() < 700 {
		if _, err := h.IssueFounderCode(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Seal(); err != nil {
		t.Fatal(err)
	}
	head, _ := h.Head()
	member := Reading{Member: &Member{ID: 1}}
	res, err := tiletest.Audit(func(p string) ([]byte, error) {
		b, _, err := h.LogTile(p, member)
		return b, err
	}, h.VerifierKey(), []int64{1, 260, 520}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Checkpoint.Height != head.Height || int64(len(res.Entries)) != head.Size {
		t.Fatalf("audited checkpoint %d with %d entries, head %d of %d", res.Checkpoint.Height, len(res.Entries), head.Height, head.Size)
	}
	err = h.View(func(r Reader) error {
		for i, e := range res.Entries {
			if b, _ := r.Get(EventKey(uint64(i))); !bytes.Equal(b, e) {
				t.Fatalf("entry %d is not event %d", i, i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A visitor reads the checkpoint and the hashes, never the entries.
	if _, err := tiletest.Audit(func(p string) ([]byte, error) {
		b, _, err := h.LogTile(p, visitor)
		return b, err
	}, h.VerifierKey(), []int64{260}, false); err != nil {
		t.Fatalf("visitor audit: %v", err)
	}
	if _, _, err := h.LogTile("tile/entries/000", visitor); !errors.Is(err, ErrLogMembersOnly) {
		t.Fatalf("visitor read entries: %v", err)
	}
	if _, _, err := h.LogTile("tile/entries/000", Reading{Member: &Member{ID: 2, Left: 1}}); !errors.Is(err, ErrLogMembersOnly) {
		t.Fatalf("a member who left read entries: %v", err)
	}

	// Full tiles never change; the partial tile at the head may grow.
	if _, imm, _ := h.LogTile("tile/0/000", visitor); !imm {
		t.Fatal("full tile not immutable")
	}
	if head.Size != 700 {
		t.Fatalf("head covers %d events, want 700", head.Size)
	}
	if _, imm, err := h.LogTile("tile/0/002.p/188", visitor); err != nil || imm {
		t.Fatalf("partial tile: %v %v", imm, err)
	}
	for _, bad := range []string{"tile/0/002.p/189", "tile/0/003", "tile/1/000.p/3", "tile/9/000", "tile/0/0", "tiles/0/000", "", "../checkpoint"} {
		if _, _, err := h.LogTile(bad, member); !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

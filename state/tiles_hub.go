package state

import (
	"errors"

	"github.com/polis-hub/polis/chain"
)

// The log as C2SP tlog-tiles: the latest signed checkpoint, the Merkle
// tree's hash tiles and the entry bundles, up to the size that checkpoint
// signs. Both doors (`chain tile` over SSH, the public web page) serve
// these bytes from here, so they agree byte for byte and obey one rule:
// the hashes are public, like a proof; the entries are the log's own
// bytes, which name every member (ReadLog), so only members read them.

// ErrLogMembersOnly refuses an entry bundle to a reader who may not read
// the log.
var ErrLogMembersOnly = errors.New("members only: entry bundles are the log's own bytes, which name every member; " +
	"the checkpoint and the hash tiles (tile/L/N) are public")

// TileCheckpoint is the path of the signed checkpoint among the tiles.
const TileCheckpoint = "checkpoint"

// LogTile returns the bytes at a C2SP tlog-tiles path ("checkpoint",
// "tile/0/000", "tile/entries/000.p/5") for reader rd, as of the latest
// signed checkpoint, and whether they never change (a full tile or bundle:
// cache it forever).
func (h *Hub) LogTile(path string, rd Reading) (data []byte, immutable bool, err error) {
	head, ok := h.Head()
	if path == TileCheckpoint {
		if !ok {
			return nil, false, notFound("no checkpoint yet")
		}
		return []byte(head.Note), false, nil
	}
	t, err := chain.ParseTilePath(path)
	if err != nil {
		return nil, false, notFound("%v (want checkpoint, tile/L/N[.p/W] or tile/entries/N[.p/W])", err)
	}
	if t.L < 0 && !MayRead(ReadLog, rd) {
		return nil, false, ErrLogMembersOnly
	}
	if !ok {
		return nil, false, notFound("no checkpoint yet")
	}
	err = h.View(func(r Reader) error {
		if t.L >= 0 {
			data, err = chain.ReadTile(t, head.Size, HashReader(r))
			return err
		}
		data, err = chain.EntryBundle(t, head.Size, func(i int64) ([]byte, error) {
			b, ok := r.Get(EventKey(uint64(i)))
			if !ok {
				return nil, notFound("no event %d", i)
			}
			return b, nil
		})
		return err
	})
	if errors.Is(err, chain.ErrTileBeyond) {
		err = notFound("%v: the latest checkpoint (%d) covers %d events", err, head.Height, head.Size)
	}
	return data, t.W == chain.TileWidth, err
}

package chain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// C2SP tlog-tiles serves the Merkle tree as static "tiles" of 256 hashes
// and the records as "entry bundles", so off-the-shelf tlog clients can
// audit the log without polis code. The paths are x/mod's tile paths with
// the tile height left out (always 8) and "entries" for "data"; parsing
// goes through tlog.ParseTilePath so that exactly one spelling of each tile
// is accepted, as the spec requires (no extra leading zeroes).

// TileHeight is the height of every tile: 2^8 = 256 hashes wide.
const TileHeight = 8

// TileWidth is the number of hashes in a full tile.
const TileWidth = 1 << TileHeight

// MaxEntryLen is the longest record an entry bundle can hold: its length
// prefix is a big-endian uint16.
const MaxEntryLen = 1<<16 - 1

// Tile names one tile or entry bundle; L is -1 for an entry bundle.
type Tile = tlog.Tile

// ErrBadTilePath is a path that is not a C2SP tlog-tiles tile path.
var ErrBadTilePath = errors.New("not a tile path")

// ParseTilePath parses "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]".
func ParseTilePath(path string) (Tile, error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return Tile{}, fmt.Errorf("%w: %q", ErrBadTilePath, truncatePath(path))
	}
	if r, ok := strings.CutPrefix(rest, "entries/"); ok {
		rest = "data/" + r
	} else if strings.HasPrefix(rest, "data/") {
		// x/mod's spelling of entries, not the spec's.
		return Tile{}, fmt.Errorf("%w: %q", ErrBadTilePath, truncatePath(path))
	}
	t, err := tlog.ParseTilePath(fmt.Sprintf("tile/%d/%s", TileHeight, rest))
	if err != nil || t.L > 63 {
		return Tile{}, fmt.Errorf("%w: %q", ErrBadTilePath, truncatePath(path))
	}
	return t, nil
}

// TilePath is the C2SP path of t: the inverse of ParseTilePath.
func TilePath(t Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", TileHeight))
	if r, ok := strings.CutPrefix(p, "data/"); ok {
		p = "entries/" + r
	}
	return "tile/" + p
}

func truncatePath(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// TileRecords is the range of records whose hashes t spans: records
// [start, start+n) of the log. For an entry bundle they are its entries.
func TileRecords(t Tile) (start, n int64) {
	l := t.L
	if l < 0 {
		l = 0
	}
	shift := uint(TileHeight * l)
	return (t.N * TileWidth) << shift, int64(t.W) << shift
}

// ErrTileBeyond is a tile the tree of the given size does not hold yet.
var ErrTileBeyond = errors.New("tile beyond the tree")

// checkWithin refuses a tile that needs hashes past a tree of size records:
// a partial tile narrower than the tree's last tile at its level is served
// (any width a smaller checkpoint needed), a wider one is not.
func checkWithin(t Tile, size int64) error {
	if t.H != TileHeight {
		return fmt.Errorf("%w: height %d", ErrBadTilePath, t.H)
	}
	start, n := TileRecords(t)
	if start+n > size || n <= 0 {
		return fmt.Errorf("%w: %s needs %d records, the tree has %d", ErrTileBeyond, TilePath(t), start+n, size)
	}
	return nil
}

// ReadTile returns the bytes of hash tile t (L >= 0) of the tree of size
// records whose stored hashes r holds: W hashes of 32 bytes.
func ReadTile(t Tile, size int64, r HashReader) ([]byte, error) {
	if t.L < 0 {
		return nil, fmt.Errorf("%w: %s is an entry bundle", ErrBadTilePath, TilePath(t))
	}
	if err := checkWithin(t, size); err != nil {
		return nil, err
	}
	return tlog.ReadTileData(t, r)
}

// EntryBundle returns the bytes of entry bundle t (L == -1) of a log of
// size records: each record, by index, with its big-endian uint16 length.
func EntryBundle(t Tile, size int64, record func(i int64) ([]byte, error)) ([]byte, error) {
	if t.L != -1 {
		return nil, fmt.Errorf("%w: %s is a hash tile", ErrBadTilePath, TilePath(t))
	}
	if err := checkWithin(t, size); err != nil {
		return nil, err
	}
	start, n := TileRecords(t)
	var out []byte
	for i := start; i < start+n; i++ {
		b, err := record(i)
		if err != nil {
			return nil, err
		}
		if len(b) > MaxEntryLen {
			return nil, fmt.Errorf("record %d is %d bytes, longer than an entry bundle can hold (%d)", i, len(b), MaxEntryLen)
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
		out = append(out, b...)
	}
	return out, nil
}

// SplitEntryBundle splits an entry bundle into its records: what a client
// does before hashing each against the level-0 tile.
func SplitEntryBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("entry bundle: truncated length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("entry bundle: truncated entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

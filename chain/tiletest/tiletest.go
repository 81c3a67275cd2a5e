// Package tiletest audits a log served as C2SP tlog-tiles the way an
// off-the-shelf client would: with golang.org/x/mod/sumdb/tlog's tile
// reader, which checks every tile it reads against the signed root. The
// tests of every door that serves tiles (state, SSH, the web page) share it.
package tiletest

import (
	"bytes"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/polis-hub/polis/chain"
)

// Fetch returns the bytes at a tlog-tiles path ("checkpoint", "tile/0/000").
type Fetch func(path string) ([]byte, error)

type reader struct{ fetch Fetch }

func (r reader) Height() int { return chain.TileHeight }

func (r reader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := r.fetch(chain.TilePath(t))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", chain.TilePath(t), err)
		}
		out[i] = b
	}
	return out, nil
}

func (r reader) SaveTiles([]tlog.Tile, [][]byte) {}

// Result is what an audit established.
type Result struct {
	Checkpoint chain.Checkpoint
	// Entries are the log's records, read from the entry bundles and each
	// checked against its leaf hash; nil unless entries were asked for.
	Entries [][]byte
}

// Audit fetches the checkpoint, opens it with vkey, and proves from the
// tiles alone: every record's inclusion (or every step-th, for a long log)
// and the consistency of every earlier size given in olds. With entries,
// it also reads every entry bundle and checks each entry against its leaf.
func Audit(fetch Fetch, vkey string, olds []int64, entries bool) (Result, error) {
	var res Result
	signed, err := fetch("checkpoint")
	if err != nil {
		return res, err
	}
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return res, err
	}
	c, err := chain.Open(signed, v)
	if err != nil {
		return res, err
	}
	res.Checkpoint = c
	tree := tlog.Tree{N: c.Size, Hash: c.Root}
	hr := tlog.TileHashReader(tree, reader{fetch})
	if root, err := tlog.TreeHash(c.Size, hr); err != nil || root != c.Root {
		return res, fmt.Errorf("tree hash from tiles: %v %v", root, err)
	}
	step := int64(1)
	if c.Size > 600 {
		step = c.Size / 300
	}
	for i := int64(0); i < c.Size; i += step {
		leaf, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err != nil {
			return res, fmt.Errorf("leaf %d: %w", i, err)
		}
		p, err := tlog.ProveRecord(c.Size, i, hr)
		if err != nil {
			return res, fmt.Errorf("prove %d: %w", i, err)
		}
		if err := tlog.CheckRecord(p, c.Size, c.Root, i, leaf[0]); err != nil {
			return res, fmt.Errorf("check %d: %w", i, err)
		}
	}
	for _, old := range olds {
		oldRoot, err := tlog.TreeHash(old, hr)
		if err != nil {
			return res, fmt.Errorf("root of %d: %w", old, err)
		}
		p, err := tlog.ProveTree(c.Size, old, hr)
		if err != nil {
			return res, fmt.Errorf("prove %d -> %d: %w", old, c.Size, err)
		}
		if err := tlog.CheckTree(p, c.Size, c.Root, old, oldRoot); err != nil {
			return res, fmt.Errorf("check %d -> %d: %w", old, c.Size, err)
		}
	}
	if !entries {
		return res, nil
	}
	for n := int64(0); n*chain.TileWidth < c.Size; n++ {
		w := min(c.Size-n*chain.TileWidth, chain.TileWidth)
		t := tlog.Tile{H: chain.TileHeight, L: -1, N: n, W: int(w)}
		b, err := fetch(chain.TilePath(t))
		if err != nil {
			return res, err
		}
		recs, err := chain.SplitEntryBundle(b)
		if err != nil {
			return res, err
		}
		if int64(len(recs)) != w {
			return res, fmt.Errorf("%s: %d entries, want %d", chain.TilePath(t), len(recs), w)
		}
		for i, rec := range recs {
			idx := n*chain.TileWidth + int64(i)
			leaf, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, idx)})
			if err != nil {
				return res, err
			}
			if tlog.RecordHash(rec) != leaf[0] {
				return res, fmt.Errorf("entry %d does not hash to its leaf", idx)
			}
			res.Entries = append(res.Entries, bytes.Clone(rec))
		}
	}
	return res, nil
}

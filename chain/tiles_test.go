package chain_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/chain/tiletest"
)

func TestParseTilePath(t *testing.T) {
	good := map[string]tlog.Tile{
		"tile/0/000":               {H: 8, L: 0, N: 0, W: 256},
		"tile/0/000.p/5":           {H: 8, L: 0, N: 0, W: 5},
		"tile/1/x001/234":          {H: 8, L: 1, N: 1234, W: 256},
		"tile/2/x001/x234/067.p/1": {H: 8, L: 2, N: 1234067, W: 1},
		"tile/entries/000":         {H: 8, L: -1, N: 0, W: 256},
		"tile/entries/012.p/255":   {H: 8, L: -1, N: 12, W: 255},
	}
	for p, want := range good {
		got, err := chain.ParseTilePath(p)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", p, got, err, want)
		}
		if back := chain.TilePath(got); back != p {
			t.Errorf("%s: path back is %s", p, back)
		}
	}
	for _, p := range []string{
		"", "checkpoint", "tile", "tile/0", "tile/0/0", "tile/0/0000", "tile/00/000", "tile/-1/000",
		"tile/0/001/000", "tile/0/x001", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/05",
		"tile/data/000", "tile/8/0/000", "tile/64/000", "tile/entries/x000/001", "tile/0/000/",
		"/tile/0/000", "tile/0/abc",
	} {
		if _, err := chain.ParseTilePath(p); !errors.Is(err, chain.ErrBadTilePath) {
			t.Errorf("%q: accepted (%v)", p, err)
		}
	}
}

func TestTileRecords(t *testing.T) {
	for _, c := range []struct {
		path     string
		start, n int64
	}{
		{"tile/0/000", 0, 256}, {"tile/0/002.p/7", 512, 7}, {"tile/1/000.p/3", 0, 768},
		{"tile/2/000.p/1", 0, 65536}, {"tile/entries/001", 256, 256},
	} {
		tl, _ := chain.ParseTilePath(c.path)
		if s, n := chain.TileRecords(tl); s != c.start || n != c.n {
			t.Errorf("%s: [%d, +%d), want [%d, +%d)", c.path, s, n, c.start, c.n)
		}
	}
}

// memLog is a log of n records with its stored hashes, served as tiles.
type memLog struct {
	recs   [][]byte
	hashes chain.MemoryHashes
	size   int64 // the signed size
	signed []byte
}

func newMemLog(t *testing.T, n int, skey string) *memLog {
	l := &memLog{}
	for i := 0; i < n; i++ {
		rec := []byte(fmt.Sprintf(`{"seq":%d,"type":"x"}`, i))
		l.recs = append(l.recs, rec)
		if err := l.hashes.Append(int64(i), rec); err != nil {
			t.Fatal(err)
		}
	}
	l.sign(t, int64(n), skey)
	return l
}

func (l *memLog) sign(t *testing.T, size int64, skey string) {
	root, err := chain.TreeRoot(size, &l.hashes)
	if err != nil {
		t.Fatal(err)
	}
	s, err := chain.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	l.signed, err = chain.Sign(chain.Checkpoint{Origin: s.Name(), Size: size, Root: root, Height: 1}, s)
	if err != nil {
		t.Fatal(err)
	}
	l.size = size
}

func (l *memLog) fetch(path string) ([]byte, error) {
	if path == "checkpoint" {
		return l.signed, nil
	}
	tl, err := chain.ParseTilePath(path)
	if err != nil {
		return nil, err
	}
	if tl.L < 0 {
		return chain.EntryBundle(tl, l.size, func(i int64) ([]byte, error) { return l.recs[i], nil })
	}
	return chain.ReadTile(tl, l.size, &l.hashes)
}

// An off-the-shelf client (x/mod's tile reader) proves every record and
// every earlier size from the tiles alone, at sizes around tile edges.
func TestTilesAuditedByTlogClient(t *testing.T) {
	skey, vkey, err := chain.GenerateKey("tiles.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 255, 256, 257, 511, 512, 513, 700} {
		l := newMemLog(t, n, skey)
		var olds []int64
		for _, o := range []int64{1, 2, 255, 256, 257, 300, 512} {
			if o <= int64(n) {
				olds = append(olds, o)
			}
		}
		res, err := tiletest.Audit(l.fetch, vkey, olds, true)
		if err != nil {
			t.Fatalf("size %d: %v", n, err)
		}
		if len(res.Entries) != n || !bytes.Equal(res.Entries[n-1], l.recs[n-1]) {
			t.Fatalf("size %d: %d entries", n, len(res.Entries))
		}
	}
}

// Only what the signed size holds is served: a tile past it is refused,
// narrower partial tiles (an earlier checkpoint's) are not.
func TestTilesStopAtSignedSize(t *testing.T) {
	skey, _, _ := chain.GenerateKey("tiles.test")
	l := newMemLog(t, 600, skey)
	l.sign(t, 300, skey)
	for _, p := range []string{"tile/0/001.p/45", "tile/0/002.p/1", "tile/0/001", "tile/1/000.p/2", "tile/entries/001.p/45", "tile/entries/003.p/1"} {
		if _, err := l.fetch(p); !errors.Is(err, chain.ErrTileBeyond) {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{"tile/0/000", "tile/0/001.p/44", "tile/0/001.p/10", "tile/1/000.p/1", "tile/entries/001.p/44"} {
		if _, err := l.fetch(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	// A tile's hashes are the tree's, whatever size signed it.
	a, _ := l.fetch("tile/0/001.p/44")
	full := newMemLog(t, 600, skey)
	b, _ := full.fetch("tile/0/001")
	if !bytes.Equal(a, b[:44*32]) {
		t.Fatal("partial tile is not a prefix of the full one")
	}
}

func TestEntryBundleRefusesLongRecord(t *testing.T) {
	tl, _ := chain.ParseTilePath("tile/entries/000.p/1")
	_, err := chain.EntryBundle(tl, 1, func(int64) ([]byte, error) { return make([]byte, chain.MaxEntryLen+1), nil })
	if err == nil {
		t.Fatal("a record longer than 65535 bytes went into a bundle")
	}
	if _, err := chain.SplitEntryBundle([]byte{0, 5, 1}); err == nil {
		t.Fatal("truncated bundle split")
	}
}

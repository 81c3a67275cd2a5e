package store

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
)

// A hub that fills its disk dies inside Badger (a write to a memory-mapped
// log page the file system cannot back is a SIGBUS, not an error) and cannot
// start again until space is freed. So writes pause before that: below a
// floor of free space on the data dir's file system, every write is refused
// with a clear message, logged once and reported (Stats.DiskLow), and writes
// resume by themselves once space is freed. Reads go on. The floor leaves
// room for what Badger does on its own: a memtable's log is preallocated
// (32 MB), flushing one writes a table, compactions rewrite tables.

// ErrDiskFull refuses a write while free space is below the floor.
var ErrDiskFull = errors.New("the hub's disk is nearly full: changes are paused until a steward frees space; nothing was written")

// DefaultMinFreeSpace is the smallest default floor; a file system's 1% is
// used when larger.
const DefaultMinFreeSpace = 64 << 20

type diskGuard struct {
	floor  int64 // bytes; 0: the default; < 0: off
	statfs func(dir string) (avail, total uint64, err error)
	log    *slog.Logger

	low  atomic.Bool
	free atomic.Int64 // the last reading, -1 before the first
}

func (g *diskGuard) init(o Options) {
	g.floor, g.statfs, g.log = o.MinFreeSpace, o.statfs, o.Log
	g.free.Store(-1)
}

// check reads the free space of dir's file system: an error if it is below
// the floor. A file system that cannot tell its free space does not stop
// writes.
func (g *diskGuard) check(dir string) error {
	if g.floor < 0 {
		return nil
	}
	avail, total, err := g.statfs(dir)
	if err != nil {
		return nil
	}
	floor := g.floor
	if floor == 0 {
		floor = max(DefaultMinFreeSpace, int64(total/100))
	}
	g.free.Store(int64(avail))
	if int64(avail) < floor {
		if !g.low.Swap(true) {
			g.log.Error("disk nearly full: writes are paused until space is freed", "dir", dir, "free_bytes", avail, "floor_bytes", floor)
		}
		return fmt.Errorf("%w (%d MB free, the floor is %d MB)", ErrDiskFull, avail>>20, floor>>20)
	}
	if g.low.Swap(false) {
		g.log.Warn("disk space freed: writes resume", "dir", dir, "free_bytes", avail, "floor_bytes", floor)
	}
	return nil
}

package store

import (
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/polis-hub/polis/state"
)

// Below the free-space floor every write is refused with a clear message,
// logged once and reported; reads go on; writes resume once space is
// freed.
func TestDiskFloorPausesWrites(t *testing.T) {
	var avail, total atomic.Uint64
	avail.Store(10 << 30)
	total.Store(100 << 30) // the default floor is 1%: 1 GiB
	logs := &logRecords{}
	o := Options{CheckpointEvery: 1000}
	o.statfs = func(string) (uint64, uint64, error) { return avail.Load(), total.Load(), nil }
	o.Log = slog.New(logs)
	s := openTest(t, o)
	fillHub(t, s, 1)
	size := s.Size()

	avail.Store(900 << 20)
	if _, err := writeAt(t, s); !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "900 MB free, the floor is 1024 MB") {
		t.Fatalf("write below the floor: %v", err)
	}
	if _, err := writeAt(t, s); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("second write below the floor: %v", err)
	}
	if st := s.Stats(); !st.DiskLow || st.DiskFree != 900<<20 || s.Size() != size {
		t.Fatalf("stats %+v, size %d (want %d)", st, s.Size(), size)
	}
	if n := strings.Count(logs.String(), "ERROR disk nearly full"); n != 1 {
		t.Fatalf("logged %d times:\n%s", n, logs)
	}
	if _, err := state.NewHub(s).Members(); err != nil {
		t.Fatalf("read below the floor: %v", err)
	}

	avail.Store(2 << 30)
	if _, err := writeAt(t, s); err != nil {
		t.Fatalf("write after space was freed: %v", err)
	}
	if s.Stats().DiskLow || !strings.Contains(logs.String(), "WARN disk space freed") {
		t.Fatalf("not resumed:\n%s", logs)
	}

	// A small file system: the floor is 64 MiB.
	total.Store(1 << 30)
	avail.Store(63 << 20)
	if _, err := writeAt(t, s); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("63 MiB free of 1 GiB: %v", err)
	}
	avail.Store(65 << 20)
	if _, err := writeAt(t, s); err != nil {
		t.Fatalf("65 MiB free of 1 GiB: %v", err)
	}
}

func TestDiskFloorConfigured(t *testing.T) {
	for _, tc := range []struct {
		floor  int64
		avail  uint64
		refuse bool
	}{
		{5 << 30, 4 << 30, true},
		{5 << 30, 6 << 30, false},
		{-1, 0, false}, // off
	} {
		var avail atomic.Uint64
		avail.Store(50 << 30)
		o := Options{CheckpointEvery: 1000, MinFreeSpace: tc.floor}
		o.statfs = func(string) (uint64, uint64, error) { return avail.Load(), 100 << 30, nil }
		s := openTest(t, o)
		fillHub(t, s, 0)
		avail.Store(tc.avail)
		_, err := writeAt(t, s)
		if errors.Is(err, ErrDiskFull) != tc.refuse {
			t.Fatalf("floor %d, %d free: %v", tc.floor, tc.avail, err)
		}
	}
}

package store

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The floor on a real, small file system (a tmpfs, so it needs root): fill
// the disk with a ballast file to just under the floor, and writes stop
// cleanly instead of Badger dying; delete it, and they resume.
func TestDiskFloorOnRealFilesystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; TestDiskFloorPausesWrites covers the floor through its seam")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=192m,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); TestDiskFloorPausesWrites covers the floor through its seam", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	s := openTest(t, Options{Dir: filepath.Join(mnt, "data"), CheckpointEvery: 1000})
	fillHub(t, s, 5)
	avail, _, err := statfs(mnt)
	if err != nil {
		t.Fatal(err)
	}
	ballast := filepath.Join(mnt, "ballast")
	if err := os.WriteFile(ballast, make([]byte, int64(avail)-DefaultMinFreeSpace+(1<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := writeAt(t, s); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("write with the tmpfs filled to the floor: %v", err)
	}
	os.Remove(ballast)
	if _, err := writeAt(t, s); err != nil {
		t.Fatalf("write after the ballast was removed: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyDir(s.Dir(), nil); err != nil {
		t.Fatal(err)
	}
}

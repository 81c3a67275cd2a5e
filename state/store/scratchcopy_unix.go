//go:build linux || darwin || freebsd

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// copyData copies the data regions of in, found with SEEK_DATA/SEEK_HOLE,
// so a sparse file's holes are never read.
func copyData(out, in *os.File, size int64) error {
	fd := int(in.Fd())
	for off := int64(0); off < size; {
		data, err := unix.Seek(fd, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			return nil // only a hole is left
		}
		if err != nil {
			return copyRange(out, in, off, size) // no hole support: copy it all
		}
		hole, err := unix.Seek(fd, data, unix.SEEK_HOLE)
		if err != nil {
			hole = size
		}
		if err := copyRange(out, in, data, hole); err != nil {
			return err
		}
		off = hole
	}
	return nil
}

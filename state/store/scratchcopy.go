package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// A hub killed mid-write leaves Badger's write logs with a preallocated,
// zeroed tail that Badger's read-only mode refuses to open, and that a
// read-write open would cut off: the evidence of what the crash left. The
// read-only tools therefore open a scratch copy in that case and leave the
// data dir itself exactly as it was.

// scratchCopy copies the files of the database dir src into a new
// temporary dir and returns it. Badger's files are sparse (a 2 GiB value log
// may hold a few KiB), so only their data is copied.
func scratchCopy(src string) (string, error) {
	dst, err := os.MkdirTemp("", "polis-scratch-*")
	if err != nil {
		return "", err
	}
	es, err := os.ReadDir(src)
	if err != nil {
		os.RemoveAll(dst)
		return "", err
	}
	for _, e := range es {
		if e.Name() == "LOCK" || !e.Type().IsRegular() {
			continue
		}
		if err := copySparse(filepath.Join(dst, e.Name()), filepath.Join(src, e.Name())); err != nil {
			os.RemoveAll(dst)
			return "", fmt.Errorf("copying the database aside: %w", err)
		}
	}
	return dst, nil
}

// copySparse copies src to a new file dst, keeping src's holes holes.
func copySparse(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := copyData(out, in, fi.Size()); err != nil {
		out.Close()
		return err
	}
	if err := out.Truncate(fi.Size()); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyRange copies [off, end) of in to the same place in out.
func copyRange(out, in *os.File, off, end int64) error {
	if _, err := out.Seek(off, io.SeekStart); err != nil {
		return err
	}
	n, err := io.Copy(out, io.NewSectionReader(in, off, end-off))
	if err == nil && n != end-off {
		err = errors.New("short copy")
	}
	return err
}

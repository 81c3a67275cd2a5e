// Package durabletest helps tests show that a tool left a directory exactly
// as it found it.
package durabletest

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Snapshot is every file and dir under root: its mode, and for a regular
// file its size and the SHA-256 of its bytes.
func Snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if !fi.Mode().IsRegular() { // dirs, and a killed hub's socket
			out[rel] = fi.Mode().String()
			return nil
		}
		sum, err := sparseSum(p)
		out[rel] = fmt.Sprintf("%s %d %x", fi.Mode(), fi.Size(), sum)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Same fails t for every path that what changed, created or removed.
func Same(t testing.TB, what string, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed %s: %q -> %q", what, k, v, after[k])
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s created %s (%s)", what, k, v)
		}
	}
}

// sparseSum hashes a file's bytes. Badger preallocates its logs as sparse
// files of up to 2 GiB; on Linux the holes (zeros by definition) are
// skipped, not read, and every byte of data is hashed with its offset.
func sparseSum(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	const seekData, seekHole = 3, 4 // Linux's SEEK_DATA, SEEK_HOLE
	if runtime.GOOS != "linux" {
		_, err := io.Copy(h, f)
		return h.Sum(nil), err
	}
	for off := int64(0); ; {
		start, err := f.Seek(off, seekData)
		if err != nil { // ENXIO: no data after off
			return h.Sum(nil), nil
		}
		end, err := f.Seek(start, seekHole)
		if err != nil {
			return nil, err
		}
		if _, err := f.Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "@%d:", start)
		if _, err := io.CopyN(h, f, end-start); err != nil {
			return nil, err
		}
		off = end
	}
}

package state

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// dirSnapshot is every file and dir under root: its mode, and the SHA-256
// of a file's bytes.
func dirSnapshot(t *testing.T, root string) map[string]string {
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

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
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

// verify, export and backup of a stopped hub never write to its data dir.
func TestReadOnlyToolsLeaveDirAlone(t *testing.T) {
	dir := buildHub(t)
	before := dirSnapshot(t, dir)
	if _, err := VerifyDir(dir, nil); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "verify", before, dirSnapshot(t, dir))
	var x bytes.Buffer
	if info, err := ExportDir(dir, &x); err != nil || info.Events != 14 {
		t.Fatalf("export %+v %v", info, err)
	}
	sameSnapshot(t, "export", before, dirSnapshot(t, dir))
	if _, err := BackupDir(dir, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "backup", before, dirSnapshot(t, dir))
}

// A stale copy of a hub (here: an older backup restored) whose HEAD says
// later checkpoints were published is refused by verify and export, which
// name both heights.
func TestReadOnlyToolsRefuseBehindHead(t *testing.T) {
	f := newGovWith(t, Options{CheckpointEvery: 3})
	var old bytes.Buffer
	if _, err := f.s.Backup(&old, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		f.do("alice", Contribute{Asset: "EUR", Amount: int64(i + 1), Memo: "later"})
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	published, _ := f.s.Head()
	stale := filepath.Join(t.TempDir(), "stale")
	info, err := Restore(bytes.NewReader(old.Bytes()), stale, RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := durableWrite(filepath.Join(stale, HeadFile), []byte(published.Note)); err != nil {
		t.Fatal(err)
	}
	before := dirSnapshot(t, stale)
	want := fmt.Sprintf("is checkpoint %d (size %d) but the database holds only up to checkpoint %d (size %d)", published.Height, published.Size, info.Head.Height, info.Head.Size)
	if _, err := VerifyDir(stale, nil); !errors.Is(err, ErrBehindHead) || !strings.Contains(err.Error(), want) {
		t.Fatalf("verify: %v", err)
	}
	if _, err := ExportDir(stale, io.Discard); !errors.Is(err, ErrBehindHead) || !strings.Contains(err.Error(), want) {
		t.Fatalf("export: %v", err)
	}
	sameSnapshot(t, "refusals", before, dirSnapshot(t, stale))
}

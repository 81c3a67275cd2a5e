package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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

// writeInvites has a steward create n invites over SSH.
func writeInvites(t *testing.T, addr string, k testKey, n int) {
	t.Helper()
	c, err := dial(t, addr, k)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < n; i++ {
		if _, stderr, code, err := run(c, "", "invite create --uses 1"); err != nil || code != 0 {
			t.Fatalf("invite create: %v %d %s", err, code, stderr)
		}
	}
}

func stopHub(t *testing.T, h *hubProc) {
	t.Helper()
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		h.kill()
		t.Fatalf("hub did not stop:\n%s", h.output())
	}
}

// `polis verify --data` and `polis checkpoint export --data` only read: the
// data dir is byte for byte as it was, whether stopped cleanly (they work)
// or killed (they refuse, rather than cut the database's tail off).
func TestReadOnlyToolsLeaveDataDirAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	keys, auth := stewards(t, 1)
	addr := freeAddr(t)
	h := startHub(t, data, addr, "--admin-key", auth, "--checkpoint-every", "4", "--checkpoint-interval", "1h")
	writeInvites(t, addr, keys[0], 10)
	stopHub(t, h)

	before := dirSnapshot(t, data)
	if out, err := polis(t, "verify", "--data", data); err != nil || !strings.Contains(out, "verify ok") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	sameSnapshot(t, "verify --data", before, dirSnapshot(t, data))
	export := filepath.Join(tmp, "chain.polis")
	if out, err := polis(t, "checkpoint", "export", "--data", data, "--out", export); err != nil || !strings.Contains(out, "wrote 12 events") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	sameSnapshot(t, "checkpoint export --data", before, dirSnapshot(t, data))
	if out, err := polis(t, "verify", "--file", export); err != nil || !strings.Contains(out, "verify ok: 12 events") {
		t.Fatalf("verify of the export: %v\n%s", err, out)
	}

	// Killed with events after its last checkpoint: the tools refuse, say
	// what to do, and write nothing (no seal, no truncation).
	h = startHub(t, data, addr, "--admin-key", auth, "--checkpoint-every", "1000", "--checkpoint-interval", "1h")
	writeInvites(t, addr, keys[0], 3)
	h.kill()
	before = dirSnapshot(t, data)
	for _, args := range [][]string{{"verify", "--data", data}, {"checkpoint", "export", "--data", data, "--out", filepath.Join(tmp, "x.polis")}} {
		out, err := polis(t, args...)
		if err == nil || !strings.Contains(out, "was not stopped cleanly") {
			t.Fatalf("%v on a killed hub's dir: %v\n%s", args, err, out)
		}
		sameSnapshot(t, args[0], before, dirSnapshot(t, data))
	}
	if _, err := os.Stat(filepath.Join(tmp, "x.polis")); err == nil {
		t.Fatal("a failed export left its file")
	}
	// As the message says: start and stop the hub, then verify.
	stopHub(t, startHub(t, data, addr))
	if out, err := polis(t, "verify", "--data", data); err != nil || !strings.Contains(out, "verify ok: 15 events") {
		es, _ := os.ReadDir(filepath.Join(data, "db"))
		for _, e := range es {
			fi, _ := e.Info()
			t.Logf("%s %d", e.Name(), fi.Size())
		}
		t.Fatalf("verify after a restart: %v\n%s", err, out)
	}
}

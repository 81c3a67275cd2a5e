package durable

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hub.key")
	if err := WriteFile(p, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "new\n" {
		t.Fatalf("read %q, %v", b, err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("temporary files left behind: %v", es)
	}
}

func TestWriteFileOrder(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "FORMAT")
	var ops []string
	Hook = func(op, path string) error {
		if op == "sync" {
			path = "tmp"
		}
		ops = append(ops, op+" "+filepath.Base(path))
		return nil
	}
	defer func() { Hook = nil }()
	if err := WriteFile(p, []byte("polis 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []string{"sync tmp", "rename FORMAT", "syncdir " + filepath.Base(dir)}
	if !slices.Equal(ops, want) {
		t.Fatalf("steps %v, want %v", ops, want)
	}
}

// A failed fsync must fail the write and leave the old file untouched.
func TestWriteFileSyncErrorKeepsOld(t *testing.T) {
	for _, failing := range []string{"sync", "rename"} {
		t.Run(failing, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "hub.pub")
			if err := WriteFile(p, []byte("old\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			boom := errors.New("injected EIO")
			Hook = func(op, _ string) error {
				if op == failing {
					return boom
				}
				return nil
			}
			defer func() { Hook = nil }()
			if err := WriteFile(p, []byte("new\n"), 0o600); !errors.Is(err, boom) {
				t.Fatalf("err = %v, want the injected one", err)
			}
			Hook = nil
			if b, _ := os.ReadFile(p); string(b) != "old\n" {
				t.Fatalf("file is %q after a failed write", b)
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Fatalf("temporary files left behind: %v", es)
			}
		})
	}
}

func TestMkdirAllSyncsParents(t *testing.T) {
	base := t.TempDir()
	var synced []string
	Hook = func(op, path string) error {
		if op == "syncdir" {
			synced = append(synced, path)
		}
		return nil
	}
	defer func() { Hook = nil }()
	dir := filepath.Join(base, "a", "b")
	if err := MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	want := []string{base, filepath.Join(base, "a")}
	if !slices.Equal(synced, want) {
		t.Fatalf("synced %v, want %v", synced, want)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("stat %v %v", fi, err)
	}
}

// Package durable writes files that survive a crash or a power loss whole.
//
// kill -9 keeps what the kernel was given; a power loss keeps only what was
// synced. A file written in place can be found empty or half-written after
// one, and a new file's name can be lost with its directory entry. So every
// file goes to a temporary name in its directory, is synced, renamed over its
// target and the directory is synced: after any crash the path holds the old
// bytes or the new, never a mix, and never nothing once WriteFile returned.
package durable

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Hook, if set, is called before each step that makes a file durable, with
// the step ("sync", "rename", "syncdir") and the path it acts on; an error
// it returns fails the step as the operating system would. Tests use it to
// inject fsync errors and to see the order in which files become durable.
// It is not for production use and is not safe to change while files are
// being written.
var Hook func(op, path string) error

func hook(op, path string) error {
	if Hook == nil {
		return nil
	}
	return Hook(op, path)
}

// WriteFile writes data to path durably, with mode perm (the temporary file
// is created with it, so the bytes are never readable more widely).
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = Sync(f); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = hook("rename", path); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// Sync flushes f to stable storage.
func Sync(f *os.File) error {
	if err := hook("sync", f.Name()); err != nil {
		return err
	}
	return f.Sync()
}

// SyncDir flushes dir's entries (names created, renamed or removed in it).
func SyncDir(dir string) error {
	if err := hook("syncdir", dir); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// MkdirAll creates dir with mode perm and any missing parents, and syncs
// each parent whose entries changed, so the new directory outlives a power
// loss.
func MkdirAll(dir string, perm os.FileMode) error {
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := MkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, perm); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return SyncDir(parent)
}

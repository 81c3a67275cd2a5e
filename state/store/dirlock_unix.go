//go:build unix && !aix && !solaris && !illumos

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockDir takes, for a moment, the lock Badger holds on its directory for
// as long as a database is open (flock on the directory): while it is held
// no other process writes the logs, so reading them sees no half-written
// record. It returns errLocked if another process holds it.
func lockDir(dir string) (release func(), err error) {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}

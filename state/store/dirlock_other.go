//go:build !unix || aix || solaris || illumos

package store

// lockDir is a no-op where Badger does not lock with flock; Badger's own
// open still refuses a database in use.
func lockDir(string) (func(), error) { return func() {}, nil }

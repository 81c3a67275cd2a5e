//go:build !(linux || darwin || freebsd)

package store

import "os"

func copyData(out, in *os.File, size int64) error { return copyRange(out, in, 0, size) }

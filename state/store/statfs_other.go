//go:build !(linux || darwin)

package store

import "errors"

// statfs is not implemented here: the free-space floor is off.
func statfs(string) (avail, total uint64, err error) {
	return 0, 0, errors.New("free space unknown on this system")
}

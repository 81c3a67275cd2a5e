//go:build unix

package ssh

import (
	"math"
	"syscall"
)

// fileLimit is the process's open-file limit (RLIMIT_NOFILE; Go raises the
// soft limit to the hard one at start), or 0 if it has none to speak of.
func fileLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > math.MaxInt32 {
		return 0
	}
	return int(r.Cur)
}

//go:build polisfault

package store

import (
	"errors"
	"os"
	"strconv"
	"sync/atomic"
)

// faultFromEnv fails the Nth commit (counting from 1) when
// POLIS_FAULT_COMMIT=N is set: the batch is applied in Badger, then its
// commit reports an error, as a failed fsync does. Test builds only.
func faultFromEnv() func() error {
	n, err := strconv.ParseInt(os.Getenv("POLIS_FAULT_COMMIT"), 10, 64)
	if err != nil || n <= 0 {
		return func() error { return nil }
	}
	var seen atomic.Int64
	return func() error {
		if seen.Add(1) == n {
			return errors.New("injected fault: fsync failed (POLIS_FAULT_COMMIT)")
		}
		return nil
	}
}

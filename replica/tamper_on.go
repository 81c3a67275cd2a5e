//go:build polistamper

package replica

import "os"

// A node started with POLIS_TAMPER_APPLY=1 from a polistamper build stamps
// its events a millisecond late: its log, and so its app hash, differ from
// every other node's from its first block with events. Tests use it to
// show that such a node is caught and the others go on.
var tamper = os.Getenv("POLIS_TAMPER_APPLY") != ""

func tamperTime(ms int64) int64 {
	if tamper {
		return ms + 1
	}
	return ms
}

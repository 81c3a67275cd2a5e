package state

import (
	"encoding/base64"
	"fmt"

	"github.com/polis-hub/polis/chain"
)

// FormatVersion is the data dir layout this polis writes: the bytes of the
// events and the state keys and values they produce. A dir with a newer
// version is refused, never upgraded in place or overwritten. Version 2
// added the census counters to the state every event folds into. Version 3
// pins member names to polis's own Unicode data (s/name/ keys are look-alike
// skeletons), takes drafts and themes out of the log (proposal.created lost
// its draft field; member.theme and proposal.opened are gone), keeps a
// closed proposal's whole count, and adds the governance safeguards' events
// and state; an older log replays to other state digests than its
// checkpoints hold, so this pre-release polis refuses such a dir rather than
// half-read it. Version 4 makes every effect an event of the domain it
// changes, naming its cause: of a passed proposal (role.granted,
// member.expelled, space.added, payout.created, allowance.granted,
// rules.set, treasury.policy), of a scheduled change (rules.set,
// treasury.policy, restitution.cap, after change.applied) and of a ruling
// (member.suspended, member.expelled, payout.created); adds the effect
// marks (s/effect/) and the index of what falls due (s/due/); and re-checks
// a proposal's action when it is created. A format-3 log carries none of
// those events. It also writes every empty list as null, in events and in
// state values alike, so an empty list has one byte form.
const FormatVersion = 4

// The log's keyspace, as every engine keeps it and every Reader sees it
// (docs/events.md). State keys start with "s/" and are the only ones the
// state digest covers; private records (PrefixPriv) are outside the digest,
// the Merkle tree and the export.
const (
	PrefixEvent      = "e/" // each event's canonical bytes, by number
	PrefixHash       = "h/" // the log's stored Merkle hashes
	PrefixCheckpoint = "c/" // each signed checkpoint, by height
	PrefixState      = "s/"
)

// EventKey holds event seq's canonical bytes.
func EventKey(seq uint64) string { return hexKey(PrefixEvent, seq) }

// HashKey holds the log's stored Merkle hash number i (chain.StoredHashIndex).
func HashKey(i int64) string { return hexKey(PrefixHash, uint64(i)) }

// CheckpointKey holds the signed checkpoint of height h.
func CheckpointKey(h int64) string { return hexKey(PrefixCheckpoint, uint64(h)) }

// hexKey is prefix + 16 lowercase hex digits; keys sort in number order.
// (Hot in replay, hence not fmt.)
func hexKey(prefix string, n uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, len(prefix)+16)
	copy(b, prefix)
	for i := len(b) - 1; i >= len(prefix); i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b)
}

// HashReader serves the stored Merkle hashes of the log r holds.
func HashReader(r Reader) chain.HashReader {
	return chain.HashReaderFunc(func(idx []int64) ([]chain.Hash, error) {
		out := make([]chain.Hash, len(idx))
		for i, x := range idx {
			v, ok := r.Get(HashKey(x))
			if !ok || len(v) != len(out[i]) {
				return nil, fmt.Errorf("merkle hash %d missing", x)
			}
			copy(out[i][:], v)
		}
		return out, nil
	})
}

var base64Std = base64.StdEncoding

func b64(b []byte) string { return base64Std.EncodeToString(b) }

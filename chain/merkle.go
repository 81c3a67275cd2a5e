package chain

import (
	"golang.org/x/mod/sumdb/tlog"
)

// Hash is a node or leaf hash of the RFC 6962 tree.
type Hash = tlog.Hash

// HashReader gives access to previously stored tree hashes by their storage
// index (see tlog.StoredHashIndex).
type HashReader = tlog.HashReader

// HashReaderFunc adapts a function to a HashReader.
type HashReaderFunc = tlog.HashReaderFunc

// LeafHash is the RFC 6962 leaf hash of a record: SHA-256(0x00 || record).
func LeafHash(record []byte) Hash { return tlog.RecordHash(record) }

// HashesForAppend returns the hashes that must be stored when the record with
// index n (0-based) is appended, in storage index order starting at
// StoredHashIndex(0, n). Only O(log n) earlier hashes are read.
func HashesForAppend(n int64, record []byte, r HashReader) ([]Hash, error) {
	return tlog.StoredHashes(n, record, r)
}

// StoredHashIndex maps (level, n) to the storage index of that tree node.
func StoredHashIndex(level int, n int64) int64 { return tlog.StoredHashIndex(level, n) }

// StoredHashCount is the number of hashes stored for a log of n records.
func StoredHashCount(n int64) int64 { return tlog.StoredHashCount(n) }

// TreeRoot is the Merkle root of the first n records. It reads O(log n)
// stored hashes, so sealing a checkpoint costs the same at any log size.
func TreeRoot(n int64, r HashReader) (Hash, error) { return tlog.TreeHash(n, r) }

// InclusionProof proves that record n is in the tree of size t.
type InclusionProof = tlog.RecordProof

// ConsistencyProof proves that the tree of size n is a prefix of the tree of
// size t.
type ConsistencyProof = tlog.TreeProof

// ProveInclusion returns the proof that record n is included in the tree of
// size t.
func ProveInclusion(t, n int64, r HashReader) (InclusionProof, error) {
	return tlog.ProveRecord(t, n, r)
}

// CheckInclusion verifies that leaf hash h at index n is in the tree of size t
// with root root.
func CheckInclusion(p InclusionProof, t int64, root Hash, n int64, h Hash) error {
	return tlog.CheckRecord(p, t, root, n, h)
}

// ProveConsistency returns the proof that the tree of size n is a prefix of
// the tree of size t.
func ProveConsistency(t, n int64, r HashReader) (ConsistencyProof, error) {
	return tlog.ProveTree(t, n, r)
}

// CheckConsistency verifies that the tree (n, oldRoot) is a prefix of the
// tree (t, root).
func CheckConsistency(p ConsistencyProof, t int64, root Hash, n int64, oldRoot Hash) error {
	return tlog.CheckTree(p, t, root, n, oldRoot)
}

// MemoryHashes is an in-memory hash store, used by verification and tests:
// it grows by appending and answers reads by index.
type MemoryHashes struct{ hashes []Hash }

// Append adds record n's leaf and interior hashes; records must be added in
// order.
func (m *MemoryHashes) Append(n int64, record []byte) error {
	hs, err := tlog.StoredHashes(n, record, m)
	if err != nil {
		return err
	}
	m.hashes = append(m.hashes, hs...)
	return nil
}

// ReadHashes implements HashReader.
func (m *MemoryHashes) ReadHashes(indexes []int64) ([]Hash, error) {
	out := make([]Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, errIndex(x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// Len is the number of stored hashes.
func (m *MemoryHashes) Len() int64 { return int64(len(m.hashes)) }

// At returns the stored hash at storage index x.
func (m *MemoryHashes) At(x int64) Hash { return m.hashes[x] }

type errIndex int64

func (e errIndex) Error() string { return "chain: hash index out of range" }

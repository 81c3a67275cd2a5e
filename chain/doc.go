// Package chain seals an append-only log of opaque records into a signed,
// hash-linked chain of checkpoints that anyone can verify offline.
//
// It knows bytes and hashes, never domain types: the records are whatever
// canonical bytes the caller hands it. The Merkle tree is RFC 6962, built by
// golang.org/x/mod/sumdb/tlog; checkpoints are C2SP tlog-checkpoint bodies
// signed as golang.org/x/mod/sumdb/note signed notes with the hub's ed25519 key.
package chain

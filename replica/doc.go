// Package replica runs a hub on several stewards' machines at once: a
// replicated state machine over CometBFT (v0.38, in-process), with polis's
// own Decide and Apply as the machine.
//
// Consensus is the sequencer. A member's request, received by any node,
// becomes a transaction that names the member's key and is signed by the
// receiving node (tx.go); every node decides and applies the same blocks in
// the same order at the block's time (app.go), through the Badger store in
// external mode (state/store/blocks.go), so every node holds the same log,
// the same state digest and the same checkpoints. A write is answered once
// its block is committed on the node that received it (engine.go).
//
// A checkpoint of a replicated hub is sealed at the end of every block
// that added events. Its own note signature is made with a key anyone can
// derive from the chain's genesis (keys.go): it proves nothing, and is
// there so every node writes the same bytes. What members check is the
// validators' cosignatures (cosignature/v1), which each node makes with its
// validator key after the block and sends as a transaction of its own, so
// they are in every node's copy.
//
// docs/replication.md says what is replicated, what one steward can and
// cannot do alone, and what members check.
package replica

// Package store is polis's storage engine on Badger: a state.Engine whose
// sequencer decides commands in batches (state.Batch), commits each batch
// as one Badger transaction with one fsync while it decides the next, and
// answers no caller before its batch is durable.
//
// Beside the log's keyspace (package state) it keeps its own records (m/
// keys) so that it opens without replaying, and around the database the
// rest of the data dir: FORMAT, the checkpoint keys, the SSH host key and
// HEAD, the high-water mark of what the hub published. It owns what keeps
// that data sound: the checks of the write-ahead log and of HEAD at open,
// the clock guard and the disk floor, and the stop after a failed fsync;
// and the steward's tools that read or write a data dir: backup, restore
// and rollback, export, verify, salvage.
//
// The files, by concept:
//
//	store.go, integrity.go     Open, Close, reads; the checks at open
//	sequencer.go, decide.go    batches: decide, layer, seal, publish
//	pipeline.go, cache.go      the committer, HEAD's writer; read caches
//	batchdigest.go             the state digest folded once per batch
//	failure.go, clock.go,      a failed commit; the clock guard;
//	diskspace.go, walcheck.go  the disk floor; the write-ahead log checks
//	headfile.go, datadir.go    HEAD and the data dir's identity files
//	backup.go, restore.go,     the steward's tools
//	rollback.go, export.go,
//	verify.go, salvage.go
package store

package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Badger keeps its newest writes in memtable logs (db/NNNNN.mem) until it
// flushes them to tables; a clean close flushes and deletes them all, so a
// log with records in it means the last stop was not clean. On open Badger
// replays each log and cuts it at the first record it cannot read - a
// flipped bit, a zeroed page - and goes on as if nothing came after: the
// acknowledged writes behind the damage vanish without a word, and the cut
// destroys the evidence. A crash only ever leaves a torn end (a last
// transaction half written, then nothing), so the hub looks before Badger
// does, and refuses to open a log that holds a complete transaction after a
// record Badger would stop at, or an older log that does not end cleanly.
//
// The scan mirrors Badger v4's log format (memtable.go: a 20-byte header,
// then records of meta, user meta, uvarint key and value lengths and
// expiry, key, value, CRC-32C; a transaction's records carry bitTxn and end
// with a bitFinTxn record whose value is the commit timestamp). A test
// checks it against logs Badger itself writes, so an upgrade that changes
// the format fails there rather than here.

// ErrDamagedLog means a memtable log holds writes Badger would drop.
var ErrDamagedLog = errors.New("the database log is damaged")

const (
	memExt        = ".mem"
	walHeaderSize = 20      // key id and IV (Badger's vlogHeaderSize)
	walMaxKey     = 1 << 16 // Badger stops at a longer key
	walBitTxn     = 1 << 6
	walBitFinTxn  = 1 << 7
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// LogDamage describes a damaged memtable log.
type LogDamage struct {
	File   string // the log
	At     int64  // where Badger would cut it
	Reason string
	// After: complete transactions found beyond the cut, and the bytes
	// they span; or, for an older log, the newer logs that hold data.
	After      int
	AfterBytes int64
	Newer      []string
}

func (d *LogDamage) Error() string {
	lost := fmt.Sprintf("%d complete transactions (%d KB) follow it", d.After, (d.AfterBytes+1023)/1024)
	if d.After == 0 {
		lost = "newer logs hold writes made after it (" + strings.Join(d.Newer, ", ") + ")"
	}
	return fmt.Sprintf("%v: %s: the record at byte %d is unreadable (%s) and %s; opening the database would drop them without a word, losing acknowledged writes. Nothing was changed: the files are as found. See \"If the hub refuses to start\" in the README",
		ErrDamagedLog, d.File, d.At, d.Reason, lost)
}

func (d *LogDamage) Unwrap() error { return ErrDamagedLog }

// errLocked means another process has the database open; Badger's own
// open says so, with the message the steward knows.
var errLocked = errors.New("database in use")

// checkLog scans the memtable logs of the Badger dir dbDir, unless another
// process has the database open (and is writing them): Badger's open then
// refuses it.
func checkLog(dbDir string) error {
	release, err := lockDir(dbDir)
	if errors.Is(err, errLocked) {
		return nil
	}
	if err != nil {
		return err
	}
	defer release()
	d, err := scanLogs(dbDir)
	if err != nil {
		return fmt.Errorf("checking the database log in %s: %w", dbDir, err)
	}
	if d != nil {
		return d
	}
	return nil
}

// memLogs lists dbDir's memtable logs, oldest first.
func memLogs(dbDir string) ([]string, error) {
	entries, err := os.ReadDir(dbDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	type log struct {
		fid  int64
		name string
	}
	var logs []log
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, memExt) || !e.Type().IsRegular() {
			continue
		}
		fid, err := strconv.ParseInt(strings.TrimSuffix(name, memExt), 10, 64)
		if err != nil {
			continue // Badger refuses it itself
		}
		logs = append(logs, log{fid, filepath.Join(dbDir, name)})
	}
	slices.SortFunc(logs, func(a, b log) int { return int(a.fid - b.fid) })
	out := make([]string, len(logs))
	for i, l := range logs {
		out[i] = l.name
	}
	return out, nil
}

func scanLogs(dbDir string) (*LogDamage, error) {
	logs, err := memLogs(dbDir)
	if err != nil {
		return nil, err
	}
	for i, path := range logs {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		newest := i == len(logs)-1
		if len(b) < walHeaderSize {
			if newest {
				continue // created, never written: a crash at rotation
			}
			return &LogDamage{File: path, Reason: "the log is shorter than its header", Newer: withData(logs[i+1:])}, nil
		}
		w := walkLog(b, walHeaderSize)
		if at := findTxn(b, w.validEnd+1); at >= 0 {
			after := walkLog(b, at)
			return &LogDamage{File: path, At: int64(w.validEnd), Reason: w.reason(),
				After: after.txns, AfterBytes: int64(after.validEnd - at)}, nil
		}
		if !newest && !w.cleanEnd() {
			if newer := withData(logs[i+1:]); len(newer) > 0 {
				return &LogDamage{File: path, At: int64(w.validEnd), Reason: w.reason(), Newer: newer}, nil
			}
		}
	}
	return nil, nil
}

// withData names the logs that hold at least one complete transaction.
func withData(paths []string) []string {
	var out []string
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) > walHeaderSize && walkLog(b, walHeaderSize).txns > 0 {
			out = append(out, filepath.Base(p))
		}
	}
	return out
}

// walRecord is one record of a memtable log.
type walRecord struct {
	meta     byte
	key, val []byte
	end      int
}

type walStatus int

const (
	walOK        walStatus = iota
	walEOF                 // nothing left
	walZero                // a zeroed header: where Badger's writes stopped
	walShort               // a record that runs past the end of the file
	walBad                 // a bad header or checksum
	walBadTxn              // records that do not form a transaction
	walBadHeader           // key longer than Badger allows
)

// parseRecord reads the record at off.
func parseRecord(b []byte, off int) (walRecord, walStatus) {
	if off+2 > len(b) {
		return walRecord{}, walEOF
	}
	meta, userMeta := b[off], b[off+1]
	p := off + 2
	var lens [3]uint64
	for i := range lens {
		v, n := binary.Uvarint(b[p:])
		if n == 0 {
			return walRecord{}, walShort
		}
		if n < 0 {
			return walRecord{}, walBadHeader
		}
		lens[i], p = v, p+n
	}
	klen, vlen := lens[0], lens[1]
	if meta == 0 && userMeta == 0 && klen == 0 && vlen == 0 && lens[2] == 0 {
		return walRecord{}, walZero
	}
	if klen > walMaxKey {
		return walRecord{}, walBadHeader
	}
	if vlen > uint64(len(b)) || p+int(klen)+int(vlen)+4 > len(b) {
		return walRecord{}, walShort
	}
	kv := p + int(klen) + int(vlen)
	if crc32.Checksum(b[off:kv], castagnoli) != binary.BigEndian.Uint32(b[kv:kv+4]) {
		return walRecord{}, walBad
	}
	return walRecord{meta: meta, key: b[p : p+int(klen)], val: b[p+int(klen) : kv], end: kv + 4}, walOK
}

// walWalk is how far a replay from some offset gets.
type walWalk struct {
	validEnd int // the end of the last complete transaction
	stop     walStatus
	txns     int
}

func (w walWalk) cleanEnd() bool { return w.stop == walEOF || w.stop == walZero }

func (w walWalk) reason() string {
	switch w.stop {
	case walZero:
		return "zeroed"
	case walShort:
		return "cut short"
	case walBadTxn:
		return "records out of transaction order"
	case walBadHeader:
		return "bad header"
	case walEOF:
		return "end of file"
	}
	return "checksum mismatch"
}

// walkLog replays from off the way Badger does, and stops where it would.
func walkLog(b []byte, off int) walWalk {
	w := walWalk{validEnd: off}
	var txnTs []byte // the timestamp suffix of the open transaction's keys
	for {
		r, st := parseRecord(b, off)
		if st != walOK {
			w.stop = st
			return w
		}
		switch {
		case r.meta&walBitTxn != 0:
			if len(r.key) < 8 {
				w.stop = walBadTxn
				return w
			}
			ts := r.key[len(r.key)-8:]
			if txnTs == nil {
				txnTs = ts
			} else if string(ts) != string(txnTs) {
				w.stop = walBadTxn
				return w
			}
		case r.meta&walBitFinTxn != 0:
			commit, err := strconv.ParseUint(string(r.val), 10, 64)
			if err != nil || txnTs == nil || commit != math.MaxUint64-binary.BigEndian.Uint64(txnTs) {
				w.stop = walBadTxn
				return w
			}
			txnTs = nil
			w.validEnd, w.txns = r.end, w.txns+1
		default:
			if txnTs != nil {
				w.stop = walBadTxn
				return w
			}
			w.validEnd, w.txns = r.end, w.txns+1
		}
		off = r.end
	}
}

// findTxn returns the offset of the first complete, checksummed
// transaction at or after from, or -1. A transaction's first record has
// bitTxn set (with at most the delete and value-pointer bits) and no user
// meta, which the hub never sets; only such offsets are tried.
func findTxn(b []byte, from int) int {
	for p := from; p+2 <= len(b); p++ {
		if b[p]&^0x03 != walBitTxn || b[p+1] != 0 {
			continue
		}
		if w := walkLog(b, p); w.txns > 0 {
			return p
		}
	}
	return -1
}

package store

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"golang.org/x/mod/sumdb/note"
	"google.golang.org/protobuf/proto"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// A backup is a tar stream (archive/tar), so that standard tools can list and
// unpack it. Its entries come in this order:
//
//	polis-backup       "polis backup 1", then "origin O" and "created RFC3339"
//	dir/NAME           each regular file at the top of the data dir but dot
//	                   files (FORMAT, hub.key, hub.pub, the SSH host key...)
//	badger/00000000 …  Badger's backup stream (DB.Backup: little-endian
//	                   uint64 length, then a KVList protobuf), cut into
//	                   chunks; concatenated they load with `badger restore`
//	end                "size N", "head H", "bytes B" (of the Badger stream)
//	                   and "sha256 HEX" over each data dir file (its
//	                   name, a space, its length, a newline, its bytes),
//	                   then the Badger stream
//
// A file whose first entry is not polis-backup is not a backup; one without
// the end entry is truncated. Backups hold the hub's private keys.
const (
	BackupVersion = 1
	backupMagic   = "polis backup"
	entryHeader   = "polis-backup"
	entryEnd      = "end"
	prefixDirFile = "dir/"
	prefixChunk   = "badger/"
	chunkSize     = 4 << 20
	maxDirFile    = 1 << 20  // keys and markers are tiny; more is a mistake
	maxFrame      = 64 << 20 // Badger's batches are capped well below this
)

// BackupInfo describes what a backup holds.
type BackupInfo struct {
	Origin  string
	Created time.Time
	Size    uint64     // events in the log
	Head    state.Head // its latest checkpoint; Height 0 before the first
	Bytes   int64      // length of the Badger stream
	Files   []string
	// HeadMark is the HEAD file it carries: the latest checkpoint the hub
	// had published when the backup began; Height 0 if none.
	HeadMark state.Head
}

// Backup writes a complete copy of the hub to w while it keeps serving: the
// data dir's files and one consistent snapshot of the database. Every event
// acknowledged before the call is in it; events acknowledged while it runs
// may or may not be, but never part of a batch. progress, if not nil, gets
// the bytes written and an estimate of the total (the database's size on
// disk), which may be exceeded.
func (s *Store) Backup(w io.Writer, progress func(done, total int64)) (BackupInfo, error) {
	return writeBackup(s.db, s.opts.Dir, s.verifier, w, progress)
}

// BackupDir backs up the data dir of a stopped hub, as Store.Backup does.
func BackupDir(dir string, w io.Writer, progress func(done, total int64)) (BackupInfo, error) {
	d, err := openStopped(dir)
	if err != nil {
		return BackupInfo{}, err
	}
	defer d.Close()
	return writeBackup(d.db, dir, d.v, w, progress)
}

func writeBackup(db *badger.DB, dir string, v note.Verifier, w io.Writer, progress func(done, total int64)) (BackupInfo, error) {
	lsm, vlog := db.Size()
	cw := &countWriter{w: w, total: lsm + vlog, progress: progress}
	tw := tar.NewWriter(cw)
	info := BackupInfo{Origin: v.Name(), Created: time.Now().UTC().Truncate(time.Second)}
	hdr := fmt.Sprintf("%s %d\norigin %s\ncreated %s\n", backupMagic, BackupVersion, info.Origin, info.Created.Format(time.RFC3339))
	if err := putEntry(tw, entryHeader, []byte(hdr), info.Created); err != nil {
		return info, err
	}
	files, err := dataFiles(dir)
	if err != nil {
		return info, err
	}
	sum := sha256.New()
	for _, f := range files {
		if err := putEntry(tw, prefixDirFile+f.name, f.data, info.Created); err != nil {
			return info, err
		}
		sumFile(sum, f.name, f.data)
		info.Files = append(info.Files, f.name)
		if f.name == HeadFile {
			if info.HeadMark, err = openHeadMark(f.data, v); err != nil {
				return info, fmt.Errorf("%s: %w", filepath.Join(dir, HeadFile), err)
			}
		}
	}
	ch := &chunker{tw: tw, at: info.Created, sum: sum, scan: &streamScan{}}
	stream := db.NewStream()
	// One producer means one read transaction: DB.Backup's default of
	// several would read each key range at its own timestamp, and a backup
	// taken under load could hold an event without its Merkle hashes.
	stream.NumGo = 1
	stream.MaxSize = 8 << 20 // bound memory on a small machine
	stream.LogPrefix = "polis backup"
	if _, err := stream.Backup(ch, 0); err != nil {
		return info, fmt.Errorf("reading the database: %w", err)
	}
	if err := ch.flush(); err != nil {
		return info, err
	}
	if info.Size, info.Head, err = ch.scan.result(v); err != nil {
		return info, fmt.Errorf("the snapshot is inconsistent: %w", err)
	}
	info.Bytes = ch.scan.n
	end := fmt.Sprintf("size %d\nhead %d\nbytes %d\nsha256 %x\n", info.Size, info.Head.Height, info.Bytes, ch.sum.Sum(nil))
	if err := putEntry(tw, entryEnd, []byte(end), info.Created); err != nil {
		return info, err
	}
	return info, tw.Close()
}

func sumFile(h hash.Hash, name string, data []byte) {
	fmt.Fprintf(h, "%s %d\n", name, len(data))
	h.Write(data)
}

type dirFile struct {
	name string
	data []byte
}

// dataFiles reads the regular files at the top of the data dir. Sockets,
// sub-dirs (the database), dot files (a backup being written, an editor's
// swap file) and the like are not part of a backup.
func dataFiles(dir string) ([]dirFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []dirFile
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		fi, err := e.Info()
		if err != nil {
			return nil, err
		}
		if fi.Size() > maxDirFile {
			return nil, fmt.Errorf("%s is %d bytes, too big for a data dir file: move it out of the data dir", p, fi.Size())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, dirFile{name: e.Name(), data: b})
	}
	return out, nil
}

func putEntry(tw *tar.Writer, name string, data []byte, at time.Time) error {
	h := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o600, ModTime: at, Format: tar.FormatPAX}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// chunker cuts Badger's stream into tar entries of known size, hashing and
// scanning it on the way.
type chunker struct {
	tw   *tar.Writer
	at   time.Time
	buf  []byte
	n    int
	sum  hash.Hash
	scan *streamScan
}

func (c *chunker) Write(p []byte) (int, error) {
	if err := c.scan.feed(p); err != nil {
		return 0, err
	}
	c.sum.Write(p)
	for rest := p; len(rest) > 0; {
		k := min(len(rest), chunkSize-len(c.buf))
		c.buf = append(c.buf, rest[:k]...)
		rest = rest[k:]
		if len(c.buf) == chunkSize {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return len(p), nil
}

func (c *chunker) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := putEntry(c.tw, fmt.Sprintf("%s%08d", prefixChunk, c.n), c.buf, c.at)
	c.n++
	c.buf = c.buf[:0]
	return err
}

type countWriter struct {
	w        io.Writer
	n, total int64
	progress func(done, total int64)
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if c.progress != nil {
		c.progress(c.n, c.total)
	}
	return n, err
}

// streamScan follows Badger's backup stream frame by frame: it refuses
// absurd frame lengths before anything allocates them, and notes the log
// size and head the snapshot holds.
type streamScan struct {
	buf      []byte
	n        int64
	meta     map[string]kvVersion // newest m/ values
	lastCkpt string               // the highest c/ key
	ckpt     kvVersion
}

type kvVersion struct {
	ver  uint64
	val  []byte
	gone bool
}

const badgerBitDelete = 1 // badger's bitDelete: the version is a tombstone

func (s *streamScan) feed(p []byte) error {
	s.n += int64(len(p))
	s.buf = append(s.buf, p...)
	off := 0
	for len(s.buf)-off >= 8 {
		sz := binary.LittleEndian.Uint64(s.buf[off:])
		if sz > maxFrame {
			return fmt.Errorf("database stream frame of %d bytes at offset %d: corrupt", sz, s.n-int64(len(s.buf)-off))
		}
		if uint64(len(s.buf)-off-8) < sz {
			break
		}
		var list pb.KVList
		if err := proto.Unmarshal(s.buf[off+8:off+8+int(sz)], &list); err != nil {
			return fmt.Errorf("database stream: %w", err)
		}
		s.note(list.Kv)
		off += 8 + int(sz)
	}
	s.buf = append(s.buf[:0], s.buf[off:]...)
	return nil
}

func (s *streamScan) note(kvs []*pb.KV) {
	if s.meta == nil {
		s.meta = map[string]kvVersion{}
	}
	for _, kv := range kvs {
		k := string(kv.Key)
		v := kvVersion{ver: kv.Version, val: kv.Value, gone: len(kv.Meta) > 0 && kv.Meta[0]&badgerBitDelete != 0}
		switch {
		case strings.HasPrefix(k, "m/"):
			if old, ok := s.meta[k]; !ok || v.ver > old.ver {
				s.meta[k] = v
			}
		case strings.HasPrefix(k, state.PrefixCheckpoint) && !v.gone:
			if k > s.lastCkpt || (k == s.lastCkpt && v.ver > s.ckpt.ver) {
				s.lastCkpt, s.ckpt = k, v
			}
		}
	}
}

// result is the snapshot's log size and head, checked against each other.
func (s *streamScan) result(v note.Verifier) (uint64, state.Head, error) {
	if len(s.buf) != 0 {
		return 0, state.Head{}, fmt.Errorf("database stream ends inside a frame")
	}
	get := func(k string) ([]byte, bool) {
		e, ok := s.meta[k]
		return e.val, ok && !e.gone
	}
	var size uint64
	if b, ok := get(keySize); ok {
		n, err := strconv.ParseUint(string(b), 10, 64)
		if err != nil {
			return 0, state.Head{}, fmt.Errorf("log size %q", b)
		}
		size = n
	}
	b, ok := get(keyHead)
	if !ok {
		if s.lastCkpt != "" {
			return 0, state.Head{}, errors.New("checkpoints without a head")
		}
		return size, state.Head{}, nil
	}
	h, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || s.lastCkpt != state.CheckpointKey(h) {
		return 0, state.Head{}, fmt.Errorf("head %q is not the last checkpoint %q", b, s.lastCkpt)
	}
	c, err := chain.Open(s.ckpt.val, v)
	if err != nil {
		return 0, state.Head{}, fmt.Errorf("checkpoint %d: %w", h, err)
	}
	if uint64(c.Size) > size {
		return 0, state.Head{}, fmt.Errorf("checkpoint %d covers %d events of %d", h, c.Size, size)
	}
	return size, state.HeadOf(c, s.ckpt.val), nil
}

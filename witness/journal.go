package witness

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/polis-hub/polis/state/durable"
)

// JournalStore keeps every log's latest cosigned checkpoint in one
// append-only journal, group-committed: requests for different logs that
// arrive together share one write and one fsync, where a file per log
// costs two fsyncs each. Each record is its length, a CRC-32C and the
// payload (origin, size, root, note); the latest record of an origin
// wins. When the journal grows past compactAt it is rewritten, durably,
// with one record per origin.
//
// A crash can tear only the last record, which was never acknowledged (no
// cosignature leaves before its fsync): it is dropped on open. A bad
// record anywhere else is damage, and the store refuses to open rather
// than forget a checkpoint it cosigned, which would let it cosign a fork.
type JournalStore struct {
	path string

	mu       sync.Mutex
	f        *os.File
	size     int64
	m        map[string]Cosigned
	pending  []pendingPut
	flushing bool
	failed   error // a failed write or fsync: nothing more is recorded
}

const (
	journalName = "journal"
	compactAt   = 8 << 20
	maxRecord   = MaxRequest + 1024
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// OpenJournal opens (or creates) the journal in dir.
func OpenJournal(dir string) (*JournalStore, error) {
	if err := durable.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, journalName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	s := &JournalStore{path: path, f: f, m: map[string]Cosigned{}}
	good, err := s.load()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > good {
		// The torn tail of a crash: never acknowledged, dropped.
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, err
		}
		if err := durable.Sync(f); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := durable.SyncDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	s.size = good
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// load reads every record and returns the offset after the last good one.
func (s *JournalStore) load() (int64, error) {
	b, err := io.ReadAll(s.f)
	if err != nil {
		return 0, err
	}
	off := int64(0)
	for len(b) > 0 {
		payload, n, ok := readRecord(b)
		if !ok {
			if n < 0 || int64(len(b)) == int64(n) {
				return off, nil // the last record, torn
			}
			return 0, fmt.Errorf("%s: record at byte %d is damaged: the witness's record of what it cosigned is not to be trusted; restore it from a backup", s.path, off)
		}
		c, origin, err := decodePayload(payload)
		if err != nil {
			return 0, fmt.Errorf("%s: record at byte %d: %v", s.path, off, err)
		}
		s.m[origin] = c
		b = b[n:]
		off += int64(n)
	}
	return off, nil
}

// readRecord parses one record from b: its payload, its length in bytes
// (-1 when b is too short to hold it: a torn tail) and whether its CRC
// holds.
func readRecord(b []byte) ([]byte, int, bool) {
	if len(b) < 8 {
		return nil, -1, false
	}
	n := int(binary.BigEndian.Uint32(b))
	if n > maxRecord || len(b) < 8+n {
		return nil, -1, false
	}
	p := b[8 : 8+n]
	return p, 8 + n, crc32.Checksum(p, castagnoli) == binary.BigEndian.Uint32(b[4:])
}

func appendRecord(dst []byte, origin string, c Cosigned) []byte {
	var p bytes.Buffer
	fmt.Fprintf(&p, "%s\n%d\n%s\n", origin, c.Size, c.Hash.String())
	p.Write(c.Note)
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(p.Len()))
	binary.BigEndian.PutUint32(hdr[4:], crc32.Checksum(p.Bytes(), castagnoli))
	return append(append(dst, hdr[:]...), p.Bytes()...)
}

func decodePayload(p []byte) (Cosigned, string, error) {
	parts := bytes.SplitN(p, []byte("\n"), 4)
	if len(parts) != 4 {
		return Cosigned{}, "", errors.New("short record")
	}
	size, err := strconv.ParseInt(string(parts[1]), 10, 64)
	if err != nil {
		return Cosigned{}, "", err
	}
	h, err := tlog.ParseHash(string(parts[2]))
	if err != nil {
		return Cosigned{}, "", err
	}
	return Cosigned{Size: size, Hash: h, Note: bytes.Clone(parts[3])}, string(parts[0]), nil
}

// pendingPut is a record waiting for the next batch's fsync.
type pendingPut struct {
	origin string
	c      Cosigned
	done   chan error
}

// Latest is origin's latest cosigned checkpoint.
func (s *JournalStore) Latest(origin string) (Cosigned, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.m[origin]
	return c, ok, nil
}

// Put records c as origin's latest, durably, before it returns: its
// record joins the batch being gathered, and one fsync covers the batch.
func (s *JournalStore) Put(origin string, c Cosigned) error {
	done := make(chan error, 1)
	s.mu.Lock()
	if s.failed != nil {
		s.mu.Unlock()
		return s.failed
	}
	s.pending = append(s.pending, pendingPut{origin, c, done})
	if !s.flushing {
		s.flushing = true
		go s.flush()
	}
	s.mu.Unlock()
	return <-done
}

// flush writes and syncs batches until none is waiting. A record enters
// the map only once it is durable, before its Put returns, so what the
// map holds (and compaction rewrites) is exactly what was acknowledged.
func (s *JournalStore) flush() {
	for {
		s.mu.Lock()
		batch := s.pending
		s.pending = nil
		if len(batch) == 0 {
			s.flushing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		var b []byte
		for _, p := range batch {
			b = appendRecord(b, p.origin, p.c)
		}
		_, err := s.f.Write(b)
		if err == nil {
			err = durable.Sync(s.f)
		}
		s.mu.Lock()
		if err != nil {
			// After a failed fsync the file's contents are unknown: record
			// nothing more (the witness refuses to cosign) until a restart
			// reads what the disk holds.
			s.failed = fmt.Errorf("recording to %s: %w", s.path, err)
			err = s.failed
		} else {
			s.size += int64(len(b))
			for _, p := range batch {
				s.m[p.origin] = p.c
			}
		}
		compact := err == nil && s.size > compactAt
		s.mu.Unlock()
		for _, p := range batch {
			p.done <- err
		}
		if compact {
			s.compact()
		}
	}
}

// compact rewrites the journal with one record per origin. It runs in
// the flusher, so no batch is written meanwhile.
func (s *JournalStore) compact() {
	s.mu.Lock()
	var b []byte
	for origin, c := range s.m {
		b = appendRecord(b, origin, c)
	}
	s.mu.Unlock()
	if err := durable.WriteFile(s.path, b, 0o600); err != nil {
		return // the long journal stays valid; try again later
	}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		s.mu.Lock()
		s.failed = fmt.Errorf("reopening %s: %w", s.path, err)
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.f.Close()
	s.f, s.size = f, int64(len(b))
	s.mu.Unlock()
}

// Close closes the journal file.
func (s *JournalStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Close()
}

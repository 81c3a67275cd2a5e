package witness

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/polis-hub/polis/state/durable"
)

// FileStore keeps each log's latest cosigned checkpoint in its own file in
// Dir, replaced durably (temp file, fsync, rename, fsync of the dir), so a
// crash leaves either the old checkpoint or the new one, never a torn one.
type FileStore struct {
	Dir string
}

func (s FileStore) path(origin string) string {
	h := sha256.Sum256([]byte(origin))
	return filepath.Join(s.Dir, hex.EncodeToString(h[:16])+".checkpoint")
}

// Latest reads origin's file; none means the witness never cosigned it.
func (s FileStore) Latest(origin string) (Cosigned, bool, error) {
	b, err := os.ReadFile(s.path(origin))
	if errors.Is(err, os.ErrNotExist) {
		return Cosigned{}, false, nil
	}
	if err != nil {
		return Cosigned{}, false, err
	}
	text, _, ok := bytes.Cut(b, []byte("\n\n"))
	if !ok || !bytes.HasPrefix(b, []byte(origin+"\n")) {
		return Cosigned{}, false, fmt.Errorf("%s: not a checkpoint of %s: the witness's record is damaged; restore it from a backup", s.path(origin), origin)
	}
	t, err := parseTree(string(text) + "\n")
	if err != nil {
		return Cosigned{}, false, fmt.Errorf("%s: %v: the witness's record is damaged; restore it from a backup", s.path(origin), err)
	}
	return Cosigned{Size: t.N, Hash: t.Hash, Note: b}, true, nil
}

// Put replaces origin's file durably.
func (s FileStore) Put(origin string, c Cosigned) error {
	if err := durable.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	return durable.WriteFile(s.path(origin), c.Note, 0o600)
}

// MemStore is a Store in memory, for tests.
type MemStore struct {
	mu sync.Mutex
	m  map[string]Cosigned
	// Fail, when set, makes Put fail (a disk that refuses the write).
	Fail error
}

func (s *MemStore) Latest(origin string) (Cosigned, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.m[origin]
	return c, ok, nil
}

func (s *MemStore) Put(origin string, c Cosigned) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	if s.m == nil {
		s.m = map[string]Cosigned{}
	}
	s.m[origin] = c
	return nil
}

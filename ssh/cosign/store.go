package cosign

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/polis-hub/polis/state/durable"
)

// Store keeps each witness's latest cosignature: the hub's signed
// checkpoint followed by the witness's line.
type Store interface {
	Latest(name string) ([]byte, bool, error)
	Put(name string, note []byte) error
}

// FileStore keeps one file per witness in Dir, replaced durably.
type FileStore struct{ Dir string }

func (s FileStore) path(name string) string {
	h := sha256.Sum256([]byte(name))
	return filepath.Join(s.Dir, hex.EncodeToString(h[:16])+".cosigned")
}

func (s FileStore) Latest(name string) ([]byte, bool, error) {
	b, err := os.ReadFile(s.path(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (s FileStore) Put(name string, note []byte) error {
	if err := durable.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	return durable.WriteFile(s.path(name), note, 0o600)
}

// MemStore is a Store in memory, for tests.
type MemStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *MemStore) Latest(name string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[name]
	return b, ok, nil
}

func (s *MemStore) Put(name string, note []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[name] = append([]byte(nil), note...)
	return nil
}

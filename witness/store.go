package witness

import "sync"

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

package state

// Stats are the store's numbers for monitoring.
type Stats struct {
	Size     uint64 // events in the log
	Height   int64  // the latest checkpoint's height; 0 before the first
	Unsealed uint64 // events after the latest checkpoint
	// Badger's size on disk: the LSM tree and the value log. Badger
	// refreshes these about once a minute.
	LSMBytes, VlogBytes int64
}

// Stats reads the store's numbers without touching the sequencer.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	st := Stats{Size: s.size, Height: s.head.Height, Unsealed: s.size - uint64(s.head.Size)}
	s.mu.RUnlock()
	st.LSMBytes, st.VlogBytes = s.db.Size()
	return st
}

package store

// Stats are the store's numbers for monitoring.
type Stats struct {
	Size     uint64 // events in the log
	Height   int64  // the latest checkpoint's height; 0 before the first
	Unsealed uint64 // events after the latest checkpoint
	// Badger's size on disk: the LSM tree and the value log. Badger
	// refreshes these about once a minute.
	LSMBytes, VlogBytes int64
	// Failed: a commit failed and the store stopped (see failure.go).
	Failed bool
	// ClockHeld: the clock reads far ahead and writes are refused (see
	// clock.go).
	ClockHeld bool
	// DiskLow: free space is below the floor and writes are paused;
	// DiskFree is the last reading, -1 before the first (see diskspace.go).
	DiskLow  bool
	DiskFree int64
}

// Stats reads the store's numbers without touching the sequencer.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	st := Stats{Size: s.size, Height: s.head.Height, Unsealed: s.size - uint64(s.head.Size), Failed: s.broken != nil}
	s.mu.RUnlock()
	st.LSMBytes, st.VlogBytes = s.db.Size()
	st.ClockHeld = s.clock.isHeld()
	st.DiskLow, st.DiskFree = s.disk.low.Load(), s.disk.free.Load()
	return st
}

package state

import (
	"sync"
	"testing"
)

// The public page's replica of the state at the latest checkpoint stays
// right while commands commit and checkpoints seal under it.
func TestSealedDossierWhileWriting(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	sd := f.h.NewSealedDossier()
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, _, err := sd.Latest(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 200 {
		f.do("alice", Contribute{Asset: "USD", Amount: 1})
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

package ssh

import (
	"context"
	"sync"
)

// handlers counts the session handlers running, so that shutting down can
// refuse new sessions and wait for the running ones before the store under
// them closes. (A WaitGroup would do, but Add may not race with Wait.)
type handlers struct {
	mu      sync.Mutex
	n       int
	closing bool
	idle    chan struct{}
}

// enter reports whether a new session may start.
func (h *handlers) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.n++
	return true
}

func (h *handlers) leave() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n--
	if h.n == 0 && h.idle != nil {
		close(h.idle)
		h.idle = nil
	}
}

// drain stops new sessions and waits until the running ones end or ctx is
// done.
func (h *handlers) drain(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	if h.n == 0 {
		h.mu.Unlock()
		return nil
	}
	if h.idle == nil {
		h.idle = make(chan struct{})
	}
	idle := h.idle
	h.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

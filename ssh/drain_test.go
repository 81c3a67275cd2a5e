package ssh

import (
	"context"
	"testing"
	"time"
)

func TestHandlersDrain(t *testing.T) {
	var h handlers
	if !h.enter() || !h.enter() {
		t.Fatal("refused before draining")
	}
	done := make(chan error, 1)
	go func() { done <- h.drain(context.Background()) }()
	for {
		h.mu.Lock()
		closing := h.closing
		h.mu.Unlock()
		if closing {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if h.enter() {
		t.Fatal("a new session started while draining")
	}
	h.leave()
	select {
	case <-done:
		t.Fatal("drained with a handler still running")
	default:
	}
	h.leave()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stuck handlers
	stuck.enter()
	if err := stuck.drain(ctx); err == nil {
		t.Fatal("drain ignored its context")
	}
}

// Shutdown returns only after an open app session's handler has ended,
// so the store can close under no reader.
func TestShutdownWaitsForSessions(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	probeApp(ts)
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")
	app := startRaw(t, ts.addr, alice, true, "")
	registered(t, ts, alice)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_ = ts.Shutdown(ctx)
	ts.running.mu.Lock()
	n := ts.running.n
	ts.running.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d session handlers still running after Shutdown returned", n)
	}
	app.exit(t)
}

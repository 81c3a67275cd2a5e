package state

import "testing"

// A subscriber gets the newest size, never a stale one, and nothing once it
// stopped; an engine publishes after each command that wrote.
func TestSubscribersGetTheNewestSize(t *testing.T) {
	var subs Subscribers
	ch, stop := subs.Subscribe()
	other, _ := subs.Subscribe()
	for _, n := range []uint64{1, 2, 3} {
		subs.Publish(n)
	}
	if got := <-ch; got != 3 {
		t.Fatalf("got %d, want the newest, 3", got)
	}
	if got := <-other; got != 3 {
		t.Fatalf("the other subscriber got %d", got)
	}
	stop()
	stop() // twice is harmless
	subs.Publish(4)
	select {
	case got := <-ch:
		t.Fatalf("a stopped subscriber got %d", got)
	default:
	}
	if got := <-other; got != 4 {
		t.Fatalf("the other subscriber got %d", got)
	}

	s := openTest(t, MemoryOptions{})
	sizes, _ := s.Subscribe()
	mustSubmit(t, s, SystemActor, CreateHub{Name: "h"})
	if got := <-sizes; got != 1 || s.Published().Size != 1 {
		t.Fatalf("after the first event: %d, %+v", got, s.Published())
	}
}

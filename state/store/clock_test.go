package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// guardClock is a wall clock a test can jump, and a monotonic clock that
// only passes.
type guardClock struct {
	mu   sync.Mutex
	wall time.Time
	mono time.Duration
}

func (c *guardClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall
}

func (c *guardClock) elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mono
}

// jump moves the wall clock only, as a bad NTP server or RTC does.
func (c *guardClock) jump(d time.Duration) {
	c.mu.Lock()
	c.wall = c.wall.Add(d)
	c.mu.Unlock()
}

// pass lets time go by.
func (c *guardClock) pass(d time.Duration) {
	c.mu.Lock()
	c.wall, c.mono = c.wall.Add(d), c.mono+d
	c.mu.Unlock()
}

var guardStart = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func guardedOptions(dir string, c *guardClock, logs *logRecords) Options {
	o := Options{Dir: dir, Clock: c.now, MaxClockStep: 24 * time.Hour, CheckpointEvery: 1000, CheckpointInterval: time.Hour}
	o.monotonic = c.elapsed
	if logs != nil {
		o.Log = slog.New(logs)
	}
	return o
}

// renames numbers the writes of writeAt, so each is a change.
var renames atomic.Int64

// writeAt makes one write (a rename) and returns the time it was stamped.
func writeAt(t *testing.T, s *Store) (int64, error) {
	t.Helper()
	evs, err := s.Submit(context.Background(), testActor(t, "hwm"), state.Rename{Name: fmt.Sprintf("hwm %d", renames.Add(1))})
	if err != nil {
		return 0, err
	}
	return evs[0].Time, nil
}

const year = 365 * 24 * time.Hour

// A clock that jumps ten years ahead stamps nothing: writes are refused,
// logged and reported, and resume by themselves when the clock is put
// right - or at the new time, once a steward confirms it.
func TestClockJumpRefusedAndRecoverable(t *testing.T) {
	c := &guardClock{wall: guardStart}
	logs := &logRecords{}
	s := openTest(t, guardedOptions(t.TempDir(), c, logs))
	fillHub(t, s, 1)
	size := s.Size()

	c.jump(10 * year)
	if _, err := writeAt(t, s); !errors.Is(err, ErrClockAhead) || !strings.Contains(err.Error(), "2036-") {
		t.Fatalf("write with the clock ten years ahead: %v", err)
	}
	if s.Size() != size || !s.Stats().ClockHeld {
		t.Fatalf("size %d (want %d), held %v", s.Size(), size, s.Stats().ClockHeld)
	}
	if !strings.Contains(logs.String(), "ERROR the clock jumped far ahead") {
		t.Fatalf("not logged:\n%s", logs)
	}
	// A command that would write nothing is decided as ever.
	if _, err := s.Submit(context.Background(), testActor(t, "hwm"), state.Rename{Name: "\u200b"}); err == nil || errors.Is(err, ErrClockAhead) {
		t.Fatalf("a refused command while the clock is held: %v, want its own refusal", err)
	}

	// NTP puts it right: writes resume at the right time.
	c.jump(-10*year + time.Minute)
	at, err := writeAt(t, s)
	if err != nil || at != guardStart.Add(time.Minute).UnixMilli() {
		t.Fatalf("write after the clock came back: at %v, %v", time.UnixMilli(at).UTC(), err)
	}
	if s.Stats().ClockHeld {
		t.Fatal("still held")
	}

	// Or a steward says the new time is right.
	c.jump(10 * year)
	if _, err := writeAt(t, s); !errors.Is(err, ErrClockAhead) {
		t.Fatalf("second jump: %v", err)
	}
	if st := s.ConfirmClock(); st.Held {
		t.Fatalf("held after confirming: %+v", st)
	}
	at, err = writeAt(t, s)
	if err != nil || at != guardStart.Add(10*year+time.Minute).UnixMilli() {
		t.Fatalf("write after confirming: %v %v", at, err)
	}
}

// Time passing is not a jump, however long the hub sits idle; a clock
// that falls behind never stalls the hub, and coming back is not a jump.
func TestClockIdleAndBehind(t *testing.T) {
	c := &guardClock{wall: guardStart}
	s := openTest(t, guardedOptions(t.TempDir(), c, nil))
	fillHub(t, s, 1)
	c.pass(72 * time.Hour)
	if at, err := writeAt(t, s); err != nil || at != guardStart.Add(72*time.Hour).UnixMilli() {
		t.Fatalf("after three idle days: %v %v", at, err)
	}
	last := guardStart.Add(72 * time.Hour).UnixMilli()
	c.jump(-year)
	if at, err := writeAt(t, s); err != nil || at != last {
		t.Fatalf("clock a year behind: at %v, %v (want the last event's time)", at, err)
	}
	c.pass(time.Hour)
	c.jump(year)
	if at, err := writeAt(t, s); err != nil || at != last+time.Hour.Milliseconds() {
		t.Fatalf("clock put right: %v %v", at, err)
	}
}

// After a stop longer than the step nothing tells a long stop from a
// clock that jumped while the hub was down: writes wait for a steward.
func TestClockAfterLongStopNeedsConfirmation(t *testing.T) {
	dir := t.TempDir()
	c := &guardClock{wall: guardStart}
	s := openTest(t, guardedOptions(dir, c, nil))
	fillHub(t, s, 1)
	s.Close()
	c = &guardClock{wall: guardStart.Add(72 * time.Hour)} // a new process: the monotonic clock starts again
	s = openTest(t, guardedOptions(dir, c, nil))
	if _, err := writeAt(t, s); !errors.Is(err, ErrClockAhead) {
		t.Fatalf("first write three days after the last event: %v", err)
	}
	s.ConfirmClock()
	if _, err := writeAt(t, s); err != nil {
		t.Fatal(err)
	}
	// A day later, without a stop: fine.
	s.Close()
	c.pass(23 * time.Hour)
	s = openTest(t, guardedOptions(dir, c, nil))
	if _, err := writeAt(t, s); err != nil {
		t.Fatalf("a stop shorter than the step: %v", err)
	}
}

// A checkpoint's time never goes back, and never takes a clock the guard
// refused.
func TestCheckpointTimeNeverBackwards(t *testing.T) {
	dir := t.TempDir()
	c := &guardClock{wall: guardStart}
	o := guardedOptions(dir, c, nil)
	o.CheckpointEvery = 1
	s := openTest(t, o)
	fillHub(t, s, 1)
	h1, _ := s.Head()
	c.jump(-time.Hour)
	fillHub(t, s, 1)
	h2, _ := s.Head()
	if h2.Height != h1.Height+1 || h2.Time != h1.Time {
		t.Fatalf("checkpoint %d at %d after %d at %d: went back", h2.Height, h2.Time, h1.Height, h1.Time)
	}
	s.Close()

	o.CheckpointEvery = 1000
	c = &guardClock{wall: guardStart.Add(time.Hour)}
	o.Clock, o.monotonic = c.now, c.elapsed
	s = openTest(t, o)
	at, err := writeAt(t, s) // unsealed
	if err != nil {
		t.Fatal(err)
	}
	c.jump(10 * year)
	if err := s.Close(); err != nil { // seals the tail with the clock refused
		t.Fatal(err)
	}
	c2 := &guardClock{wall: guardStart.Add(time.Hour)}
	s = openTest(t, guardedOptions(dir, c2, nil))
	h, _ := s.Head()
	if h.Size != int64(s.Size()) || h.Time != at/1000*1000 {
		t.Fatalf("checkpoint sealed with the clock ten years ahead: time %v, want %v", time.UnixMilli(h.Time).UTC(), time.UnixMilli(at).UTC())
	}
}

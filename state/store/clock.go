package store

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Event times come from the hub's clock and are signed into the log for
// good, and the last one is a floor for every later event: one event
// stamped ten years ahead would make every deadline, allowance period and
// census figure after it wrong, forever. A clock far behind is harmless
// (events keep the last time until it catches up), so only a jump ahead is
// guarded against.
//
// The guard keeps its own reckoning of the time: the last clock reading it
// trusted, moved on by the monotonic clock, which a change of the wall clock
// does not move. A reading more than MaxClockStep past that reckoning is not
// stamped: the command is refused, the guard logs it and reports it
// (Stats.ClockHeld), and writes resume by themselves once the clock reads
// sensibly again, or at once when a steward confirms the new time
// (ConfirmClock, `polis clock --confirm`). A reading behind the reckoning
// does not move it, so a clock that falls back and is then put right is
// not taken for a jump.
//
// At start nothing tells a long stop from a clock that jumped while the hub
// was down, so the reckoning starts at the clock if it is within the step of
// the last event, and at the last event otherwise: a hub stopped for more
// than the step waits for a steward's confirmation before it writes. (The
// monotonic clock does not count a machine's suspended time either, so a
// suspend longer than the step needs the same confirmation.)

// ErrClockAhead refuses a write whose time would be far ahead of the hub's
// reckoning.
var ErrClockAhead = errors.New("the hub's clock is far ahead")

type clockGuard struct {
	now  func() time.Time
	mono func() time.Duration
	step int64 // ms; 0 turns the guard off
	log  *slog.Logger

	mu       sync.Mutex
	lastTime int64         // the last event's time at open
	started  bool          // the first reading set the reckoning
	refWall  int64         // unix ms the hub believed it was at refMono
	refMono  time.Duration // the monotonic clock then
	held     bool          // the last reading was refused
}

// init sets the guard up without reading the clock: tests pin clocks that
// move on each reading, and the guard must not move them (nor read them at
// all when off).
func (g *clockGuard) init(o Options, lastTime int64) {
	g.now, g.mono, g.step, g.log = o.Clock, o.monotonic, o.MaxClockStep.Milliseconds(), o.Log
	g.lastTime = lastTime
}

// startLocked takes the first reading c as the reckoning if it is within
// the step of the last event, and the last event's time otherwise.
func (g *clockGuard) startLocked(c int64, m time.Duration) {
	g.started, g.refMono, g.refWall = true, m, max(c, g.lastTime)
	if g.lastTime > 0 && c > g.lastTime+g.step {
		g.refWall, g.held = g.lastTime, true
		g.log.Error("the clock reads far past the last event: writes wait for a steward to confirm the time (polis clock --confirm), or for the clock to be put right",
			"clock", fmtMillis(c), "last_event", fmtMillis(g.lastTime), "max_step", time.Duration(g.step)*time.Millisecond)
	}
}

// believed is the hub's reckoning of now, in unix ms.
func (g *clockGuard) believed(m time.Duration) int64 {
	return g.refWall + (m - g.refMono).Milliseconds()
}

// read reads the clock and says whether it can be trusted.
func (g *clockGuard) read() (c int64, ok bool, believed int64) {
	c = g.now().UnixMilli()
	if g.step <= 0 {
		return c, true, c
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.mono()
	if !g.started {
		g.startLocked(c, m)
	}
	b := g.believed(m)
	if c > b+g.step {
		if !g.held {
			g.held = true
			g.log.Error("the clock jumped far ahead: writes wait until it is put right or a steward confirms it (polis clock --confirm)",
				"clock", fmtMillis(c), "expected", fmtMillis(b), "max_step", time.Duration(g.step)*time.Millisecond)
		}
		return c, false, b
	}
	if g.held {
		g.held = false
		g.log.Warn("the clock reads sensibly again: writes resume", "clock", fmtMillis(c))
	}
	if c > b {
		g.refWall, g.refMono = c, m
	}
	return c, true, b
}

// stamp is the time of the next event: the clock, never before the last
// event's time last. With the clock refused it is last, and an error that
// refuses any command that would write.
func (g *clockGuard) stamp(last int64) (int64, error) {
	c, ok, b := g.read()
	if !ok {
		return last, fmt.Errorf("%w: it reads %s, more than %s past the hub's own reckoning (%s); nothing was written, and writes wait until the clock is put right or a steward confirms it (polis clock --confirm)",
			ErrClockAhead, fmtMillis(c), time.Duration(g.step)*time.Millisecond, fmtMillis(b))
	}
	return max(c, last), nil
}

// sealTime is a checkpoint's time, in unix seconds: the clock, but never
// before the previous checkpoint's time prev nor the second of the last
// event covered (unix ms), and never a clock the guard refuses.
func (g *clockGuard) sealTime(prev, last int64) int64 {
	var t int64
	if c, ok, _ := g.read(); ok {
		t = c / 1000
	}
	return max(t, prev, last/1000)
}

// ClockStatus is the hub's clock as the guard sees it.
type ClockStatus struct {
	Clock    time.Time     // what the clock reads
	Believed time.Time     // the hub's reckoning
	MaxStep  time.Duration // 0: the guard is off
	Held     bool          // writes are refused for the clock
}

func (g *clockGuard) status() ClockStatus {
	c := g.now().UnixMilli()
	if g.step <= 0 {
		return ClockStatus{Clock: time.UnixMilli(c).UTC(), Believed: time.UnixMilli(c).UTC()}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.mono()
	if !g.started {
		g.startLocked(c, m)
	}
	b := g.believed(m)
	return ClockStatus{Clock: time.UnixMilli(c).UTC(), Believed: time.UnixMilli(b).UTC(),
		MaxStep: time.Duration(g.step) * time.Millisecond, Held: c > b+g.step}
}

// isHeld reports whether writes are refused for the clock, reading it only
// when the guard is on.
func (g *clockGuard) isHeld() bool { return g.step > 0 && g.status().Held }

// ClockStatus reads the clock and the guard's reckoning.
func (s *Store) ClockStatus() ClockStatus { return s.clock.status() }

// ConfirmClock makes the clock's reading now the hub's reckoning: a steward
// says the time is right (after a long stop, say). Events are stamped with
// it from now on.
func (s *Store) ConfirmClock() ClockStatus {
	g := &s.clock
	c := g.now().UnixMilli()
	g.mu.Lock()
	m := g.mono()
	old := g.believed(m)
	g.started, g.refWall, g.refMono, g.held = true, c, m, false
	g.mu.Unlock()
	g.log.Warn("a steward confirmed the clock", "clock", fmtMillis(c), "was_expecting", fmtMillis(old))
	return g.status()
}

func fmtMillis(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) }

package ssh

import (
	"log/slog"
	"sync"
	"time"
)

// Observer receives session and command events for metrics; nil means none.
// Calls come from many goroutines at once and must not block.
type Observer interface {
	SessionStarted(kind string) // "app" or "command"
	SessionEnded(kind string)
	CommandDone(name string, exitCode int)
	ConnRefused(reason string) // one of RefusalReasons
}

// Session kinds as Observer sees them.
const (
	kindApp     = "app"
	kindCommand = "command"
)

type nopObserver struct{}

func (nopObserver) SessionStarted(string)   {}
func (nopObserver) SessionEnded(string)     {}
func (nopObserver) CommandDone(string, int) {}
func (nopObserver) ConnRefused(string)      {}

// refusalLog logs refused connections at most once a second per reason,
// with how many were refused since the last line: a flood must not turn
// into a flood of log lines. The Observer still sees every one.
type refusalLog struct {
	log *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	last map[string]time.Time
	n    map[string]int
}

func newRefusalLog(log *slog.Logger) *refusalLog {
	return &refusalLog{log: log, now: time.Now, last: map[string]time.Time{}, n: map[string]int{}}
}

func (r *refusalLog) refused(reason, remote string) {
	r.mu.Lock()
	r.n[reason]++
	now := r.now()
	if now.Sub(r.last[reason]) < time.Second {
		r.mu.Unlock()
		return
	}
	n := r.n[reason]
	r.n[reason], r.last[reason] = 0, now
	r.mu.Unlock()
	r.log.Warn("refused connection", "reason", reason, "remote", remote, "refused", n)
}

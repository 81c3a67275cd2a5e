package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/term"
)

// progress keeps one status line on stderr while a measurement runs: on a
// terminal it is redrawn in place, elsewhere a line is printed now and then
// so that logs stay readable.
type progress struct {
	w     io.Writer
	tty   bool
	every time.Duration

	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) {
		p.tty, p.every = true, 200*time.Millisecond
	}
	return p
}

// say prints a line about what is happening now.
func (p *progress) say(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintf(p.w, "polis-load: "+format+"\n", a...)
}

// track shows label with n's count against total and the time against
// limit (if any) until the returned func is called.
func (p *progress) track(label string, n *atomic.Int64, total int64, limit time.Duration) func() {
	stop, done := make(chan struct{}), make(chan struct{})
	start := time.Now()
	line := func() string {
		el := time.Since(start)
		v := n.Load()
		rate := float64(v) / max(el.Seconds(), 1e-9)
		s := fmt.Sprintf("polis-load: %s: %d/%d, %.0f/s, %.1fs", label, v, total, rate, el.Seconds())
		if limit > 0 {
			s += "/" + limit.String()
		}
		return s
	}
	go func() {
		defer close(done)
		t := time.NewTicker(p.every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.mu.Lock()
				if p.tty {
					fmt.Fprint(p.w, "\r\x1b[K"+line())
				} else {
					fmt.Fprintln(p.w, line())
				}
				p.mu.Unlock()
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		p.mu.Lock()
		if p.tty {
			fmt.Fprint(p.w, "\r\x1b[K")
		}
		p.mu.Unlock()
	}
}

package tui

import (
	"context"
	"crypto/sha256"
	"runtime"
	"sync"
	"time"
)

// mdRenderer formats member Markdown for every session of the process, so
// that what any one peer can make the hub do is bounded:
//
//   - a small pool of workers renders, never the Bubble Tea update loop: a
//     screen shows the plain text until the rendering arrives;
//   - each render has a deadline; past it, its waiters keep the plain text
//     and the body is remembered as too heavy, so it is never tried again,
//     at any width, by anyone (until that memory, bounded too, forgets it);
//   - a rendering longer than maxOut bytes is treated the same way;
//   - one cache, bounded in bytes, holds renderings by body hash, width and
//     style, and every session shares it and the renders in flight;
//   - each place on a screen waits for at most one rendering, the latest it
//     asked for: a resize storm replaces its queued render instead of
//     queueing one per width, and a render nobody waits for any more is
//     dropped from the queue, or stopped if it already started.
type mdRenderer struct {
	cfg mdConfig

	mu      sync.Mutex
	cache   *lru[mdKey, string]
	heavy   *lru[[32]byte, struct{}]
	jobs    map[mdKey]*mdJob // queued or running
	queue   []*mdJob
	workers int // running
	renders int // renders started, for tests and metrics
}

// mdConfig is the renderer's bounds and seams.
type mdConfig struct {
	workers    int
	deadline   time.Duration
	maxOut     int // bytes of one rendering
	cacheBytes int
	heavyMax   int // bodies remembered as too heavy
	render     func(ctx context.Context, body string, width int, style string) (string, error)
	// afterFunc is time.AfterFunc; tests fire the deadline themselves.
	afterFunc func(time.Duration, func()) (stop func() bool)
}

func defaultMarkdownConfig() mdConfig {
	return mdConfig{
		workers:    max(1, min(4, runtime.GOMAXPROCS(0)/2)), // leave cores for the sessions
		deadline:   2 * time.Second,
		maxOut:     1 << 20,
		cacheBytes: 32 << 20,
		heavyMax:   4096,
		render:     renderGlamour,
		afterFunc: func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, f).Stop
		},
	}
}

// hubMarkdown is the process's renderer: every session of every hub in it
// shares one pool, one cache and one memory of heavy bodies.
var hubMarkdown = newMarkdownRenderer(defaultMarkdownConfig())

func newMarkdownRenderer(cfg mdConfig) *mdRenderer {
	return &mdRenderer{
		cfg:   cfg,
		cache: newLRU[mdKey](cfg.cacheBytes, func(s string) int { return len(s) + 64 }),
		heavy: newLRU[[32]byte](cfg.heavyMax, func(struct{}) int { return 1 }),
		jobs:  map[mdKey]*mdJob{},
	}
}

// mdKey names one rendering: which text, how wide, in which style.
type mdKey struct {
	sum   [32]byte
	width int
	style string
}

func keyFor(body string, width int, style string) mdKey {
	return mdKey{sum: sha256.Sum256([]byte(body)), width: width, style: style}
}

type mdJob struct {
	key     mdKey
	body    string
	waiters map[*mdSlot]struct{}
	started bool
	done    bool
	cancel  context.CancelFunc
}

// mdClient is one session's door to the renderer. The renderer signals
// ready (never blocking) when something the session waited for is done;
// the session's waiting goroutine turns that into a renderedMsg.
type mdClient struct {
	r     *mdRenderer
	ready chan struct{}
}

func (r *mdRenderer) client() *mdClient {
	return &mdClient{r: r, ready: make(chan struct{}, 1)}
}

// mdSlot is one place on one screen that shows Markdown.
type mdSlot struct {
	client *mdClient
	job    *mdJob // the rendering it waits for, if any
	got    uint64 // results delivered to it (renderings or refusals)
}

// mdState is what a slot may show for a key.
type mdState int

const (
	mdPending mdState = iota // show the plain text; the rendering will come
	mdReady                  // the rendering is here
	mdHeavy                  // show the plain text for good
)

// get returns the rendering of body for key if there is one; otherwise it
// makes sure a render is queued for slot, replacing whatever else slot
// waited for.
func (r *mdRenderer) get(slot *mdSlot, k mdKey, body string) (string, mdState, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if out, ok := r.cache.get(k); ok {
		r.leave(slot)
		return out, mdReady, slot.got
	}
	if _, ok := r.heavy.get(k.sum); ok {
		r.leave(slot)
		return "", mdHeavy, slot.got
	}
	if slot.job != nil && slot.job.key == k {
		return "", mdPending, slot.got
	}
	r.leave(slot)
	j := r.jobs[k]
	if j == nil {
		j = &mdJob{key: k, body: body, waiters: map[*mdSlot]struct{}{}}
		r.jobs[k] = j
		r.queue = append(r.queue, j)
		if r.workers < r.cfg.workers {
			r.workers++
			go r.work()
		}
	}
	j.waiters[slot] = struct{}{}
	slot.job = j
	return "", mdPending, slot.got
}

// leave takes slot off the job it waits for. A job nobody waits for any
// more leaves the queue, or is stopped if it already runs.
func (r *mdRenderer) leave(slot *mdSlot) {
	j := slot.job
	if j == nil {
		return
	}
	slot.job = nil
	delete(j.waiters, slot)
	if len(j.waiters) > 0 || j.done {
		return
	}
	delete(r.jobs, j.key)
	if j.started {
		// Stopped, it says nothing about the body: nothing is remembered,
		// and whoever asks again starts afresh.
		j.done = true
		j.cancel()
		return
	}
	for i, q := range r.queue {
		if q == j {
			r.queue = append(r.queue[:i], r.queue[i+1:]...)
			break
		}
	}
}

// close forgets every wait of a client whose session ended.
func (c *mdClient) close() {
	if c == nil {
		return
	}
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	var slots []*mdSlot
	for _, j := range r.jobs {
		for s := range j.waiters {
			if s.client == c {
				slots = append(slots, s)
			}
		}
	}
	for _, s := range slots {
		r.leave(s)
	}
}

func (r *mdRenderer) work() {
	r.mu.Lock()
	for len(r.queue) > 0 {
		j := r.queue[0]
		r.queue = r.queue[1:]
		ctx, cancel := context.WithCancel(context.Background())
		j.started, j.cancel = true, cancel
		r.renders++
		r.mu.Unlock()

		stop := r.cfg.afterFunc(r.cfg.deadline, func() { r.expire(j) })
		out, err := r.cfg.render(ctx, j.body, j.key.width, j.key.style)
		stop()
		cancel()

		r.mu.Lock()
		r.finish(j, out, err)
	}
	r.workers--
	r.mu.Unlock()
}

// expire is the deadline: the waiters keep the plain text, and the body is
// too heavy from now on. The render itself stops at its next node.
func (r *mdRenderer) expire(j *mdJob) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j.done {
		return
	}
	r.heavy.put(j.key.sum, struct{}{})
	r.release(j)
	j.cancel()
}

// finish files a render's outcome: a rendering, or a body too heavy (the
// renderer refused it, failed, or wrote more than maxOut).
func (r *mdRenderer) finish(j *mdJob, out string, err error) {
	if j.done {
		return // expired, or stopped for want of anyone waiting
	}
	if err == nil && len(out) <= r.cfg.maxOut {
		r.cache.put(j.key, out)
	} else {
		r.heavy.put(j.key.sum, struct{}{})
	}
	r.release(j)
}

// release ends a job and wakes the sessions that waited for it.
func (r *mdRenderer) release(j *mdJob) {
	j.done = true
	if r.jobs[j.key] == j {
		delete(r.jobs, j.key)
	}
	for s := range j.waiters {
		s.job = nil
		s.got++
		select {
		case s.client.ready <- struct{}{}:
		default: // already signalled; one wake-up covers all
		}
	}
	j.waiters = nil
}

// stats reports renders started, renderings cached and their bytes, and
// jobs queued, for tests and docs/perf.md.
func (r *mdRenderer) stats() (renders, cached, bytes, queued int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.renders, r.cache.len(), r.cache.used, len(r.queue)
}

// withMarkdown gives a session another renderer than the process's (tests).
func withMarkdown(r *mdRenderer) Option {
	return func(o *options) { o.md = r }
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

type runner struct {
	ctx  context.Context
	cfg  config
	prog *progress
	rep  *report
	seed []byte // bench keys of this run derive from it

	// In --target mode bench members join the running hub once per run
	// and are reused by later scenarios.
	targetSteward benchKey
	targetDoor    door
	joined        []benchKey

	// pace, when set, holds drive's operations to its rate in all, the
	// wait outside each operation's latency (the web scenario's paced
	// votes: a busy evening rather than every client at full speed).
	pace *rate.Limiter
}

func runAll(ctx context.Context, cfg config, todo []string, stdout, stderr io.Writer) error {
	r := &runner{ctx: ctx, cfg: cfg, prog: newProgress(stderr), rep: newReport(todo, cfg)}
	r.seed = make([]byte, 16)
	if _, err := rand.Read(r.seed); err != nil {
		return err
	}
	if cfg.target != "" {
		if err := r.setupTarget(); err != nil {
			return err
		}
	}
	var failed []string
	for _, s := range todo {
		if ctx.Err() != nil {
			break
		}
		if err := r.scenario(s); err != nil {
			r.prog.say("%s: %v", s, err)
			r.rep.Errors = append(r.rep.Errors, fmt.Sprintf("%s: %v", s, err))
			failed = append(failed, s)
		}
	}
	r.rep.finish()
	if err := r.rep.writeJSON(cfg.jsonPath); err != nil {
		return err
	}
	out := stdout
	if cfg.outPath != "-" {
		f, err := os.Create(cfg.outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	r.rep.writeTable(out)
	r.prog.say("figures written to %s", cfg.jsonPath)
	if len(failed) > 0 {
		return fmt.Errorf("%s failed (see above and %s)", strings.Join(failed, ", "), cfg.jsonPath)
	}
	if ctx.Err() != nil {
		return errors.New("interrupted; the figures so far are written")
	}
	return nil
}

func (r *runner) scenario(name string) error {
	each := func(sizes []int, fn func(int) (result, error)) error {
		for _, n := range sizes {
			if r.ctx.Err() != nil {
				return r.ctx.Err()
			}
			res, err := fn(n)
			if err != nil {
				return err
			}
			r.rep.add(res)
		}
		return nil
	}
	switch name {
	case "baseline":
		return each(r.cfg.clients, r.baseline)
	case "store":
		return each(r.cfg.clients, r.store)
	case "door":
		return each(r.cfg.clients, r.door)
	case "votes":
		return each(r.cfg.clients, r.votes)
	case "web":
		return each(r.cfg.clients, r.web)
	case "bookings":
		return each(r.cfg.clients, r.bookings)
	case "sessions":
		return each(r.cfg.sessions, r.sessions)
	case "startup":
		return each(r.cfg.events, r.startup)
	}
	return fmt.Errorf("unknown scenario %q", name)
}

// benchHub is the hub under test as a scenario sees it.
type benchHub struct {
	door    door
	steward benchKey
	members []benchKey // ordinary bench members, as many as asked for
	total   int        // members in the hub, the steward included
	proc    *hubProc   // nil when targeting a running hub
}

// openHub starts a fresh hub child with at least need ordinary members, or
// makes sure the targeted hub has them.
func (r *runner) openHub(need int) (*benchHub, error) {
	if r.cfg.target != "" {
		if err := r.joinTarget(need); err != nil {
			return nil, err
		}
		return &benchHub{door: r.targetDoor, steward: r.targetSteward, members: r.joined[:need]}, nil
	}
	total := max(need+1, r.cfg.members)
	r.prog.say("starting a hub child with %d members", total)
	p, err := startHub(r.cfg.hubLog, "--seed", hexSeed(r.seed), "--members", fmt.Sprint(total))
	if err != nil {
		return nil, err
	}
	hk, err := p.hostKeyCallback()
	if err != nil {
		_ = p.stop()
		return nil, err
	}
	keys, err := deriveKeys(r.seed, need+1, "m")
	if err != nil {
		_ = p.stop()
		return nil, err
	}
	return &benchHub{door: door{addr: p.ready.Addr, hostKey: hk}, steward: keys[0], members: keys[1:], total: total, proc: p}, nil
}

func (h *benchHub) close() error {
	if h.proc == nil {
		return nil
	}
	return h.proc.stop()
}

// setupTarget loads the steward's key for --target.
func (r *runner) setupTarget() error {
	b, err := os.ReadFile(r.cfg.keyPath)
	if err != nil {
		return fmt.Errorf("--key: %w", err)
	}
	s, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return fmt.Errorf("--key %s: %w (a passphrase-less private key is needed)", r.cfg.keyPath, err)
	}
	r.targetSteward = benchKey{name: "steward", signer: s}
	r.targetDoor = door{addr: r.cfg.target, hostKey: trustOnFirstUse()}
	c, err := r.targetDoor.dial(r.targetSteward)
	if err != nil {
		return fmt.Errorf("--target: %w", err)
	}
	defer c.Close()
	who, err := run(c, "whoami --json", "")
	if err != nil {
		return fmt.Errorf("--target: %w", err)
	}
	var me struct {
		Visitor bool     `json:"visitor"`
		Roles   []string `json:"roles"`
	}
	if err := json.Unmarshal([]byte(who), &me); err != nil {
		return fmt.Errorf("--target: whoami --json: %w", err)
	}
	if me.Visitor || !slices.Contains(me.Roles, "steward") {
		return fmt.Errorf("--key is not a steward's key on %s (it must invite the bench members)", r.cfg.target)
	}
	return nil
}

// joinTarget has bench members redeem a steward's invite on the running
// hub until there are need of them. Their names carry the run's seed so
// that runs against the same hub never collide.
func (r *runner) joinTarget(need int) error {
	if len(r.joined) >= need {
		return nil
	}
	c, err := r.targetDoor.dial(r.targetSteward)
	if err != nil {
		return fmt.Errorf("--target: %w", err)
	}
	defer c.Close()
	out, err := run(c, "invite create --uses 0 --expires 24h", "")
	if err != nil {
		return fmt.Errorf("inviting the bench members: %w", err)
	}
	code := lastLine(out)
	keys, err := deriveKeys(r.seed, need+1, "load-"+hexSeed(r.seed)[:8]+"-")
	if err != nil {
		return err
	}
	fresh := keys[1+len(r.joined):]
	r.prog.say("joining %d bench members to %s", len(fresh), r.cfg.target)
	err = parallel(16, len(fresh), func(i int) error {
		c, err := r.targetDoor.dial(fresh[i])
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = run(c, "join "+code+" --name "+fresh[i].name, "")
		return err
	})
	if err != nil {
		return fmt.Errorf("joining bench members: %w", err)
	}
	r.joined = keys[1:]
	return nil
}

// opStats is what a driven measurement saw.
type opStats struct {
	ops, errs int64
	firstErr  string
	elapsed   time.Duration
	lat       []time.Duration // of the operations that succeeded
}

// drive runs op on every connection as fast as its answers come back, until
// --count operations in total or --duration. op gets the connection's index
// and its own operation count.
func (r *runner) drive(label string, conns []*gossh.Client, op func(w, i int, c *gossh.Client) error) opStats {
	var (
		next, done atomic.Int64
		errs       atomic.Int64
		mu         sync.Mutex
		st         opStats
		wg         sync.WaitGroup
	)
	deadline := time.Now().Add(r.cfg.duration)
	stopTrack := r.prog.track(label, &done, int64(r.cfg.count), r.cfg.duration)
	start := time.Now()
	for w, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1024)
			for i := 0; next.Add(1) <= int64(r.cfg.count) && time.Now().Before(deadline) && r.ctx.Err() == nil; i++ {
				if r.pace != nil && r.pace.Wait(r.ctx) != nil {
					break
				}
				t := time.Now()
				err := op(w, i, c)
				d := time.Since(t)
				done.Add(1)
				if err != nil {
					if errs.Add(1) == 1 {
						mu.Lock()
						st.firstErr = err.Error()
						mu.Unlock()
					}
					if errors.Is(err, errTransport) {
						break // the connection is gone; its client stops
					}
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			st.lat = append(st.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	stopTrack()
	st.ops, st.errs = done.Load(), errs.Load()
	return st
}

// profileStart starts a CPU profile in the hub child if --hub-profile is
// set, and returns the func that stops it and the file's name.
func (r *runner) profileStart(h *benchHub, what string) (stop func() string) {
	if r.cfg.profile == "" || h.proc == nil {
		return func() string { return "" }
	}
	file := fmt.Sprintf("%s-%s.cpu.pprof", r.cfg.profile, what)
	if err := h.proc.call("cpuprofile "+file, nil); err != nil {
		r.prog.say("profile: %v", err)
		return func() string { return "" }
	}
	return func() string {
		if err := h.proc.call("cpuprofile-stop", nil); err != nil {
			r.prog.say("profile: %v", err)
			return ""
		}
		return file
	}
}

// measure wraps a driven measurement with the hub's CPU and RSS.
func (r *runner) measure(h *benchHub, res *result, what string, body func()) {
	res.Load1 = loadavg()
	var cpu0 time.Duration
	if h.proc != nil {
		cpu0, _ = h.proc.cpu()
	}
	self0, _ := procCPU(os.Getpid())
	stop := r.profileStart(h, what)
	t := time.Now()
	body()
	wall := time.Since(t)
	res.Profile = stop()
	// The load generator shares the machine with the hub: say how much of
	// it the driver itself took.
	if self1, err := procCPU(os.Getpid()); err == nil {
		res.DriverCPUShare = (self1 - self0).Seconds() / wall.Seconds() / float64(numCPU())
	}
	if h.proc == nil {
		return
	}
	cpu1, _ := h.proc.cpu()
	rss, _ := h.proc.rss()
	use := &hubUse{CPUSeconds: (cpu1 - cpu0).Seconds(), RSSMiB: mib(rss),
		CPUShare: (cpu1 - cpu0).Seconds() / wall.Seconds() / float64(numCPU())}
	if res.Ops > 0 {
		use.CPUPerOpUS = (cpu1 - cpu0).Seconds() / float64(res.Ops) * 1e6
	}
	res.Hub = use
}

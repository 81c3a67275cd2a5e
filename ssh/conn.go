package ssh

import (
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

// timeouts are the per-connection time limits.
type timeouts struct {
	idle, max, handshake, sessionless time.Duration
}

// connStateKey finds a connection's connState in its context.
type connStateKey struct{}

// phase is where a connection stands with the limiter.
type phase int

const (
	inFlight phase = iota // accepted, not authenticated
	refused               // authenticated, but over a limit: still in flight
	open                  // authenticated and admitted
	closed
)

// connState is one accepted connection's standing with the limiter, and its
// watchdog: a timer that closes the connection when it has been in flight
// too long, without a session too long, without a byte from the client too
// long, or alive too long. The watchdog reads the clock, not the socket:
// a connection whose reader is stuck (as charm.land/ssh's request loop
// once wedged it) is closed all the same, and whatever it held given back.
type connState struct {
	group string
	lim   *limiter
	t     timeouts
	raw   net.Conn
	log   *slog.Logger
	born  time.Time
	// lastRead is when a byte last arrived, in Unix nanoseconds.
	lastRead atomic.Int64

	mu        sync.Mutex
	phase     phase
	refusal   string // why, when refused
	member    bool
	running   int       // sessions admitted and not ended
	idleSince time.Time // when running last fell to 0
	channels  int
	timer     *time.Timer
	holds     map[*func()]struct{} // running sessions' releases
}

func stateOf(ctx cssh.Context) *connState {
	st, _ := ctx.Value(connStateKey{}).(*connState)
	return st
}

// deadline is when the watchdog must act next, and why; zero if never.
func (st *connState) deadline() (time.Time, string) {
	var at time.Time
	var why string
	consider := func(d time.Duration, from time.Time, reason string) {
		if d <= 0 {
			return
		}
		if t := from.Add(d); at.IsZero() || t.Before(at) {
			at, why = t, reason
		}
	}
	consider(st.t.max, st.born, "max-timeout")
	consider(st.t.idle, time.Unix(0, st.lastRead.Load()), "idle-timeout")
	switch {
	case st.phase == inFlight || st.phase == refused:
		consider(st.t.handshake, st.born, "handshake-timeout")
	case st.phase == open && st.running == 0:
		consider(st.t.sessionless, st.idleSince, "sessionless-timeout")
	}
	return at, why
}

// rearm sets the watchdog for the next deadline; st.mu is held.
func (st *connState) rearm() {
	if st.timer == nil || st.phase == closed {
		return
	}
	if at, _ := st.deadline(); !at.IsZero() {
		st.timer.Reset(time.Until(at))
	} else {
		st.timer.Stop()
	}
}

// check is the watchdog's timer: it closes the connection if a deadline
// has passed, and otherwise waits for the next (reads move the idle one
// without waking it).
func (st *connState) check() {
	st.mu.Lock()
	if st.phase == closed {
		st.mu.Unlock()
		return
	}
	at, why := st.deadline()
	if at.IsZero() || time.Now().Before(at) {
		st.rearm()
		st.mu.Unlock()
		return
	}
	st.mu.Unlock()
	st.kill(why)
}

// kill closes the connection and gives back what it held.
func (st *connState) kill(why string) {
	st.log.Debug("closing connection", "why", why, "remote", st.raw.RemoteAddr().String())
	_ = st.raw.Close()
	st.release()
}

// authenticate admits the connection once its key is proven, or records
// why not: a refused connection keeps its place in flight, so refusals
// cost a flood its own startup places, and its first session says why.
func (st *connState) authenticate(member bool) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.phase != inFlight {
		return ""
	}
	st.member = member
	if reason := st.lim.admit(st.group, st, member); reason != "" {
		st.phase, st.refusal = refused, reason
		return reason
	}
	st.phase, st.idleSince = open, time.Now()
	st.rearm()
	return ""
}

// refusedGrace is how long a connection refused at login stays open after
// its session has said why, so that the line reaches the client.
const refusedGrace = time.Second

// refusedAtLogin reports whether the connection was refused when it
// authenticated (or never did).
func (st *connState) refusedAtLogin() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.phase == refused || st.phase == inFlight
}

// openSession admits a session of key on this connection, or names why
// not. release gives its place back, once; if the connection dies first,
// closing it does.
func (st *connState) openSession(key string) (reason string, release func()) {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch st.phase {
	case refused:
		return st.refusal, nil
	case inFlight:
		return refuseEvicted, nil
	}
	if reason := st.lim.openSession(st.group, key, st.member); reason != "" {
		return reason, nil
	}
	if st.phase == open && st.running == 0 {
		st.lim.sessionless(st.group, st.member, -1)
	}
	st.running++
	st.rearm()
	var once sync.Once
	release = func() { once.Do(func() { st.endSession(key, &release) }) }
	if st.holds == nil {
		st.holds = map[*func()]struct{}{}
	}
	st.holds[&release] = struct{}{}
	return "", release
}

func (st *connState) endSession(key string, h *func()) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.holds, h)
	st.running--
	st.lim.closeSession(st.group, key, st.member)
	if st.running == 0 && st.phase == open {
		st.lim.sessionless(st.group, st.member, 1)
		st.idleSince = time.Now()
		st.rearm()
	}
}

// release gives back everything the connection holds, once, when it
// closes: its place in flight or without a session, and its sessions'
// places even if their handlers are stuck.
func (st *connState) release() {
	st.mu.Lock()
	if st.phase == closed {
		st.mu.Unlock()
		return
	}
	was := st.phase
	st.phase = closed
	if st.timer != nil {
		st.timer.Stop()
	}
	switch {
	case was == inFlight || was == refused:
		st.lim.leaveFlight(st.group, st)
	case was == open && st.running == 0:
		st.lim.sessionless(st.group, st.member, -1)
	}
	holds := make([]*func(), 0, len(st.holds))
	for h := range st.holds {
		holds = append(holds, h)
	}
	st.mu.Unlock()
	for _, h := range holds {
		(*h)()
	}
}

// openChannel counts a session channel, refusing more than
// maxSessionsPerConn at once.
func (st *connState) openChannel() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.channels >= maxSessionsPerConn {
		return false
	}
	st.channels++
	return true
}

func (st *connState) closeChannel() {
	st.mu.Lock()
	st.channels--
	st.mu.Unlock()
}

// acceptConn is the server's ConnCallback: it admits the connection past the
// rate and startup limits (or closes it: before the handshake there is no
// way to say why) and starts its watchdog.
func (s *Server) acceptConn(ctx cssh.Context, c net.Conn) net.Conn {
	now := time.Now()
	st := &connState{group: s.network(c.RemoteAddr()), lim: s.lim, t: s.timeouts, raw: c, log: s.log, born: now}
	st.lastRead.Store(now.UnixNano())
	reason, victim := s.lim.accept(st.group, st)
	if victim != nil {
		s.refused(refuseEvicted, victim.raw.RemoteAddr())
		victim.kill(refuseEvicted)
	}
	if reason != "" {
		s.refused(reason, c.RemoteAddr())
		return nil
	}
	ctx.SetValue(connStateKey{}, st)
	st.mu.Lock()
	st.timer = time.AfterFunc(time.Hour, st.check)
	st.rearm()
	st.mu.Unlock()
	dc := &deadlineConn{Conn: c, st: st}
	if s.timeouts.max > 0 {
		dc.max = now.Add(s.timeouts.max)
	}
	return dc
}

// serverConfig admits a connection once its key is proven: the key says
// whether it is a member's, which decides the share of the door it may
// use. A refusal does not fail authentication (that would read as a wrong
// key); the connection's first session says why, and it is closed.
func (s *Server) serverConfig(ctx cssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		VerifiedPublicKeyCallback: func(conn gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			if st := stateOf(ctx); st != nil {
				if reason := st.authenticate(s.isMember(state.Fingerprint(key))); reason != "" {
					s.refused(reason, conn.RemoteAddr())
				}
			}
			return perms, nil
		},
	}
}

// isMember reports whether fp is a current member's key. The hub caches
// the lookup; an error counts as a visitor, who is refused no sooner.
func (s *Server) isMember(fp string) bool {
	m, ok, err := s.hub.Whoami(fp)
	return err == nil && ok && m.Left == 0 && !m.Expelled
}

// deadlineConn records when bytes arrive, for the watchdog, and moves its
// write deadline forward on every write, so a client that stops reading
// its output is cut off after the idle time. Its fields never change after
// acceptConn, so the transport's reader and writer goroutines may use it
// at once.
type deadlineConn struct {
	net.Conn
	max time.Time
	st  *connState
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.st.lastRead.Store(time.Now().UnixNano())
	}
	return n, err
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	var d time.Time
	if idle := c.st.t.idle; idle > 0 {
		d = time.Now().Add(idle)
	}
	if !c.max.IsZero() && (d.IsZero() || c.max.Before(d)) {
		d = c.max
	}
	if !d.IsZero() {
		_ = c.Conn.SetWriteDeadline(d)
	}
	return c.Conn.Write(b)
}

func (c *deadlineConn) Close() error {
	c.st.release()
	return c.Conn.Close()
}

// The server library clears deadlines after the handshake; these are ours
// to manage, so outside calls are ignored.
func (c *deadlineConn) SetDeadline(time.Time) error      { return nil }
func (c *deadlineConn) SetReadDeadline(time.Time) error  { return nil }
func (c *deadlineConn) SetWriteDeadline(time.Time) error { return nil }

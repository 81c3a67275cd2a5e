package ssh

import (
	"net"
	"sync"
	"time"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// timeouts are the per-connection time limits.
type timeouts struct {
	idle, max, handshake time.Duration
}

// connStateKey finds a connection's connState in its context.
type connStateKey struct{}

// connState is one accepted connection's standing with the limiter: in
// flight until it authenticates, open after, released once when it closes.
type connState struct {
	ip  string
	lim *limiter

	mu       sync.Mutex
	authed   bool
	closed   bool
	timer    *time.Timer
	channels int
}

func stateOf(ctx cssh.Context) *connState {
	st, _ := ctx.Value(connStateKey{}).(*connState)
	return st
}

// authenticate is called when authentication succeeds; from then on the
// connection counts as open rather than in flight.
func (st *connState) authenticate() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.authed || st.closed {
		return
	}
	st.authed = true
	if st.timer != nil {
		st.timer.Stop()
	}
	st.lim.authenticated(st.ip)
}

func (st *connState) release() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return
	}
	st.closed = true
	if st.timer != nil {
		st.timer.Stop()
	}
	st.lim.closed(st.ip, st.authed)
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
// way to say why), and bounds how long it may take to authenticate, sit
// without input, and last at all.
func (s *Server) acceptConn(ctx cssh.Context, c net.Conn) net.Conn {
	ip := ipOf(c.RemoteAddr())
	if reason := s.lim.accept(ip); reason != "" {
		s.refused(reason, c.RemoteAddr())
		return nil
	}
	st := &connState{ip: ip, lim: s.lim}
	ctx.SetValue(connStateKey{}, st)
	dc := &deadlineConn{Conn: c, idle: s.timeouts.idle, st: st}
	if s.timeouts.max > 0 {
		dc.max = time.Now().Add(s.timeouts.max)
	}
	dc.extend(c.SetDeadline)
	if s.timeouts.handshake > 0 {
		st.mu.Lock()
		st.timer = time.AfterFunc(s.timeouts.handshake, func() {
			st.mu.Lock()
			late := !st.authed && !st.closed
			st.mu.Unlock()
			if late {
				_ = c.Close()
			}
		})
		st.mu.Unlock()
	}
	return dc
}

// serverConfig hooks authentication's outcome, which gossh reports nowhere
// else, to move the connection out of the startup count.
func (s *Server) serverConfig(ctx cssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
			if err != nil {
				return
			}
			if st := stateOf(ctx); st != nil {
				st.authenticate()
			}
		},
	}
}

// deadlineConn moves its read deadline forward on every read and its write
// deadline on every write. Idle therefore means no input: a screen the hub
// keeps updating does not keep an abandoned session open, while a write the
// client stops accepting still fails after the idle time. Its fields never
// change after acceptConn, so the transport's reader and writer goroutines
// may use it at once.
type deadlineConn struct {
	net.Conn
	idle time.Duration
	max  time.Time
	st   *connState
}

func (c *deadlineConn) extend(set func(time.Time) error) {
	var d time.Time
	if c.idle > 0 {
		d = time.Now().Add(c.idle)
	}
	if !c.max.IsZero() && (d.IsZero() || c.max.Before(d)) {
		d = c.max
	}
	if !d.IsZero() {
		_ = set(d)
	}
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	c.extend(c.Conn.SetReadDeadline)
	return c.Conn.Read(b)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	c.extend(c.Conn.SetWriteDeadline)
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

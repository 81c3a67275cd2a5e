package ssh

import (
	"net"
	"time"

	cssh "charm.land/ssh"
)

// limits are the per-connection timeouts.
type limits struct {
	idle, max, handshake time.Duration
}

// wrap is the server's ConnCallback: it bounds how long a client may take to
// authenticate, how long a connection may sit without traffic, and how long
// it may last at all.
func (l limits) wrap(ctx cssh.Context, c net.Conn) net.Conn {
	dc := &deadlineConn{Conn: c, idle: l.idle}
	if l.max > 0 {
		dc.max = time.Now().Add(l.max)
	}
	dc.extend()
	if l.handshake > 0 {
		// The server stores the connection in the context once the
		// handshake, authentication included, has succeeded.
		time.AfterFunc(l.handshake, func() {
			if ctx.Value(cssh.ContextKeyConn) == nil {
				_ = c.Close()
			}
		})
	}
	return dc
}

// deadlineConn pushes its deadline forward on every read and write. Its
// fields never change after wrap, so the transport's reader and writer
// goroutines may use it at once.
type deadlineConn struct {
	net.Conn
	idle time.Duration
	max  time.Time
}

func (c *deadlineConn) extend() {
	var d time.Time
	if c.idle > 0 {
		d = time.Now().Add(c.idle)
	}
	if !c.max.IsZero() && (d.IsZero() || c.max.Before(d)) {
		d = c.max
	}
	if !d.IsZero() {
		_ = c.Conn.SetDeadline(d)
	}
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	c.extend()
	return c.Conn.Read(b)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	c.extend()
	return c.Conn.Write(b)
}

// The server library clears deadlines after the handshake; these are ours
// to manage, so outside calls are ignored.
func (c *deadlineConn) SetDeadline(time.Time) error      { return nil }
func (c *deadlineConn) SetReadDeadline(time.Time) error  { return nil }
func (c *deadlineConn) SetWriteDeadline(time.Time) error { return nil }

package ssh

import (
	"sync"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Bounds on what a client may send before its session starts. The server
// library keeps every environment variable it is sent, so without these one
// connection could grow the hub's memory at will.
const (
	maxEnvVars  = 64
	maxEnvBytes = 4 << 10 // one variable's request payload
)

// maxQueuedRequests bounds a session's requests waiting for the library.
// It takes them one at a time and never waits on anything once window
// changes, signals and breaks are answered here, so a queue this long
// means it is stuck; further requests are refused rather than waited for.
const maxQueuedRequests = 16

// sessionChannel is the "session" channel handler: the library's, with at
// most maxSessionsPerConn sessions per connection and its requests
// filtered so that none can block the connection (see filterRequests).
func sessionChannel(srv *cssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx cssh.Context) {
	st := stateOf(ctx)
	if st != nil {
		if !st.openChannel() {
			_ = nc.Reject(gossh.ResourceShortage, "too many sessions on one connection")
			return
		}
		defer st.closeChannel()
	}
	win := &windows{ready: make(chan struct{}, 1)}
	cssh.DefaultSessionHandler(srv, conn, boundedChannel{nc, win}, sessionCtx{Context: ctx, win: win})
}

// sessionCtx is the connection's context as one session sees it: the same
// values, plus the session's window sizes. The library hands a session the
// context its handler was given, and this is the only way to give one
// session something of its own.
type sessionCtx struct {
	cssh.Context
	win *windows
}

type windowsKey struct{}

func (c sessionCtx) Value(key any) any {
	if key == (windowsKey{}) {
		return c.win
	}
	return c.Context.Value(key)
}

// windowsOf is a session's window sizes, or nil.
func windowsOf(ctx cssh.Context) *windows {
	w, _ := ctx.Value(windowsKey{}).(*windows)
	return w
}

// windows holds a session's latest window size. A client may send window
// changes as fast as it likes, and the app reads them when it can: only the
// newest matters, so a change replaces the one before and never waits.
type windows struct {
	mu    sync.Mutex
	last  cssh.Window
	set   bool
	ready chan struct{} // holds a token while a change is unread
}

func (w *windows) put(win cssh.Window) {
	w.mu.Lock()
	w.last, w.set = win, true
	w.mu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

// latest is the newest window size, if any change came.
func (w *windows) latest() (cssh.Window, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last, w.set
}

// boundedChannel filters a session's requests on their way to the library.
type boundedChannel struct {
	gossh.NewChannel
	win *windows
}

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := b.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go filterRequests(reqs, out, b.win)
	return ch, out, nil
}

// filterRequests answers the requests the library could block on and
// passes the rest on in order, never waiting on the library itself.
//
// The connection's one reader delivers every channel's requests, and
// blocks when a channel's queue is full: a session's request loop that
// stops reading stops the whole connection, its timeouts included, since
// nothing reads the socket any more. charm.land/ssh's loop does exactly
// that on a second window change (it sends each into a channel of one that
// only a real pty's resizer reads; docs/upstream/charm-ssh-window-change.md),
// and on a signal or break once a handler listens for them. So window
// changes go to the session's windows, signals and breaks (which polis
// does not use) are declined, environment variables are bounded, and
// anything else waits in a short queue for the library.
//
// out is closed when in closes, which is how the library learns the
// channel ended.
func filterRequests(in <-chan *gossh.Request, out chan<- *gossh.Request, win *windows) {
	queue := make(chan *gossh.Request, maxQueuedRequests)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for req := range queue {
			select {
			case out <- req:
			case <-done:
				// The channel is gone: what is left only needs no answer.
			}
		}
	}()
	defer close(queue)
	defer close(done)
	env := 0
	for req := range in {
		switch req.Type {
		case "window-change":
			w, ok := parseWindow(req.Payload)
			if ok {
				win.put(w)
			}
			reply(req, ok)
			continue
		case "signal", "break":
			reply(req, false)
			continue
		case "env":
			env++
			if env > maxEnvVars || len(req.Payload) > maxEnvBytes {
				reply(req, false)
				continue
			}
		}
		select {
		case queue <- req:
		default:
			reply(req, false)
		}
	}
}

func reply(req *gossh.Request, ok bool) {
	if req.WantReply {
		_ = req.Reply(ok, nil)
	}
}

// parseWindow reads a window-change request (RFC 4254 6.7): columns, rows,
// and the size in pixels.
func parseWindow(p []byte) (cssh.Window, bool) {
	var m struct{ Cols, Rows, WidthPx, HeightPx uint32 }
	if err := gossh.Unmarshal(p, &m); err != nil {
		return cssh.Window{}, false
	}
	return cssh.Window{Width: int(m.Cols), Height: int(m.Rows), WidthPixels: int(m.WidthPx), HeightPixels: int(m.HeightPx)}, true
}

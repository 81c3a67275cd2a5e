package ssh

import (
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

// sessionChannel is the "session" channel handler: the library's, with at
// most maxSessionsPerConn sessions per connection and its requests bounded.
func sessionChannel(srv *cssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx cssh.Context) {
	st := stateOf(ctx)
	if st != nil {
		if !st.openChannel() {
			_ = nc.Reject(gossh.ResourceShortage, "too many sessions on one connection")
			return
		}
		defer st.closeChannel()
	}
	cssh.DefaultSessionHandler(srv, conn, boundedChannel{nc}, ctx)
}

// boundedChannel filters a session's requests on their way to the library.
type boundedChannel struct{ gossh.NewChannel }

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := b.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go filterRequests(reqs, out)
	return ch, out, nil
}

// filterRequests refuses environment variables beyond the bounds and passes
// everything else on in order. It closes out when in closes, which is how
// the library learns the channel ended.
func filterRequests(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	env := 0
	for req := range in {
		if req.Type == "env" {
			env++
			if env > maxEnvVars || len(req.Payload) > maxEnvBytes {
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
				continue
			}
		}
		out <- req
	}
}

// Package ssh is the SSH door of polis: host key, public-key auth, session
// handling and limits; it runs the scriptable command tree (ssh/cmd) for
// sessions without a terminal and the terminal app for sessions with one.
package ssh

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/tui"
)

// Config configures the SSH server.
type Config struct {
	Addr string
	// HostKeyPath is where the host key lives (in the data dir). It is
	// created once, mode 0600, and reused so clients' known_hosts stay valid.
	HostKeyPath string
	// IdleTimeout closes connections without input; MaxTimeout closes any
	// connection after this long; HandshakeTimeout bounds the time to
	// authenticate; SessionlessTimeout closes an authenticated connection
	// that has had no session running for this long (after logging in, or
	// after its last session). Zero picks the default; negative disables.
	IdleTimeout        time.Duration
	MaxTimeout         time.Duration
	HandshakeTimeout   time.Duration
	SessionlessTimeout time.Duration
	// SSHCommand is how members reach the hub ("ssh -p 23234 hub.example"),
	// shown in the app; derived from the address a client dialled if empty.
	SSHCommand string
	// Logger receives connection and panic reports; slog.Default if nil.
	// (A charm.land/log/v2 Logger is an slog.Handler: slog.New(l).)
	Logger *slog.Logger

	// Session and connection limits (docs/limits.md). Zero picks the
	// Default of the same name; negative means no limit. "PerIP" limits
	// count per network: addresses sharing their first NetPrefixV4 (IPv4)
	// or NetPrefixV6 (IPv6) bits. Sessions count open apps and commands;
	// MaxSessionsPerIP counts visitors' only (members' keys are bounded by
	// MaxSessionsPerKey).
	MaxSessions, MaxSessionsPerKey, MaxSessionsPerIP int
	// MaxSessionless bounds authenticated connections with no session
	// running, MaxSessionlessPerIP visitors' ones per network. Past them a
	// new connection is told so at its first session, and closed.
	MaxSessionless, MaxSessionlessPerIP int
	// MaxStartups, MaxStartupsStart and MaxStartupsRate are OpenSSH's
	// MaxStartups full:start:rate for connections that have not
	// authenticated yet: from MaxStartupsStart in flight, a new connection
	// from a network that already has one in flight is closed with
	// probability MaxStartupsRate percent, rising to 100% at MaxStartups.
	// MaxStartupsPerIP bounds them per network. Refused connections are
	// closed at once. Zero MaxStartupsStart is a third of MaxStartups.
	MaxStartups, MaxStartupsStart, MaxStartupsRate, MaxStartupsPerIP int
	// MemberShare is the percentage of MaxSessions and of MaxSessionless
	// that only members' keys may use. Negative turns it off.
	MemberShare int
	// NetPrefixV4 and NetPrefixV6 are the prefix lengths that group
	// addresses into networks; negative counts single addresses.
	NetPrefixV4, NetPrefixV6 int
	// ConnRatePerIP is new connections per second per network, with bursts
	// of up to ConnBurstPerIP (a token bucket). Either negative turns the
	// rate limit off.
	ConnRatePerIP  float64
	ConnBurstPerIP int
	// FileLimit is how many files the process may open: MaxSessions,
	// MaxSessionless and MaxStartups, where left at zero, are lowered to
	// fit it with room for the store. Zero reads RLIMIT_NOFILE; negative
	// fits nothing.
	FileLimit int
	// Observer receives session and command events for metrics; nil means
	// none.
	Observer Observer
}

// Defaults for zero Config durations.
const (
	DefaultIdleTimeout = 15 * time.Minute
	// DefaultHandshakeTimeout is ample for a client to authenticate, with a
	// hardware key's touch, and short enough that a connection that never
	// does gives its place back soon.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultSessionlessTimeout is ample for a client to open a session
	// after logging in (it takes milliseconds), and bounds how long a
	// multiplexing client's master connection waits between commands.
	DefaultSessionlessTimeout = 10 * time.Second
)

func pick(d, def time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return def
	}
	return d
}

// Server is the polis SSH server.
type Server struct {
	hub *state.Hub
	srv *cssh.Server
	log *slog.Logger
	seq atomic.Uint64 // numbers sessions for the log

	// newModel builds the terminal app and execute runs a command; tests
	// swap them to exercise panics and hostile output without depending on
	// the real app or command tree.
	newModel func(*state.Hub, tui.Identity, ...tui.Option) tea.Model
	execute  func(ctx context.Context, hub *state.Hub, who cmd.Identity, args []string, stdin io.Reader, stdout, stderr io.Writer) int
	cfg      Config

	timeouts  timeouts
	lim       *limiter
	v4, v6    int // network prefix lengths
	obs       Observer
	refusals  *refusalLog
	reg       *registry
	watchOnce sync.Once
	stopWatch context.CancelFunc
	// seen is the member generation (state.Published) the watcher last
	// checked sessions against, 0 before the first; only the watcher uses it.
	seen    uint64
	running handlers // session handlers in flight, for Shutdown
}

// extFingerprint is the permissions extension that pins the key the client
// proved it holds. gossh hands the handler's Permissions of the key that
// finally authenticated to the connection, so a key that was merely offered
// (queried) can never end up here.
const extFingerprint = "polis-key-fingerprint"

// New builds a server for hub. Call ListenAndServe or Serve to run it.
func New(hub *state.Hub, cfg Config) (*Server, error) {
	if hub == nil {
		return nil, errors.New("ssh: no hub")
	}
	if cfg.HostKeyPath == "" {
		// wish would otherwise write id_ed25519 into the working directory.
		return nil, errors.New("ssh: no host key path")
	}
	s := &Server{
		hub: hub, log: cfg.Logger, newModel: tui.New, execute: cmd.Execute, cfg: cfg,
		timeouts: timeouts{
			idle:        pick(cfg.IdleTimeout, DefaultIdleTimeout),
			max:         pick(cfg.MaxTimeout, 0),
			handshake:   pick(cfg.HandshakeTimeout, DefaultHandshakeTimeout),
			sessionless: pick(cfg.SessionlessTimeout, DefaultSessionlessTimeout),
		},
		v4:  prefixLen(cfg.NetPrefixV4, DefaultNetPrefixV4, 32),
		v6:  prefixLen(cfg.NetPrefixV6, DefaultNetPrefixV6, 128),
		obs: cfg.Observer,
		reg: newRegistry(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.lim = s.fitLimits(cfg)
	if s.obs == nil {
		s.obs = nopObserver{}
	}
	s.refusals = newRefusalLog(s.log)
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPath(cfg.HostKeyPath),
		wish.WithPublicKeyAuth(s.authPublicKey),
		func(srv *cssh.Server) error {
			// charm.land/ssh v0.4.2 races on its own timeouts (it clears the
			// handshake deadline while the transport reads it), so the
			// server's are left off and acceptConn wraps each connection.
			srv.ConnCallback = s.acceptConn
			srv.ServerConfigCallback = s.serverConfig
			// Password and keyboard-interactive handlers stay nil, so gossh
			// never offers those methods.
			srv.PasswordHandler = nil
			srv.KeyboardInteractiveHandler = nil
			srv.Handler = s.handle
			// No port forwarding, agent use or subsystems: only sessions.
			srv.ChannelHandlers = map[string]cssh.ChannelHandler{"session": sessionChannel}
			srv.SubsystemHandlers = map[string]cssh.SubsystemHandler{}
			return nil
		},
	)
	if err != nil {
		return nil, fmt.Errorf("ssh: %w", err)
	}
	s.srv = srv
	return s, nil
}

// authPublicKey admits any plain public key: unknown keys are visitors.
// Whether the key is a member's is decided per command, at sequencing time.
func (s *Server) authPublicKey(ctx cssh.Context, key cssh.PublicKey) bool {
	if _, ok := key.(*gossh.Certificate); ok {
		// A certificate's fingerprint is not its key's: refusing them keeps
		// "one key, one fingerprint" true for members.
		return false
	}
	p := ctx.Permissions()
	if p.Extensions == nil {
		p.Extensions = map[string]string{}
	}
	p.Extensions[extFingerprint] = state.Fingerprint(key)
	return true
}

// identify re-checks, before anything runs, that the session's public key is
// the one pinned at authentication (soft-serve GHSA-pchf-49fh-w34r).
func identify(sess cssh.Session) (cmd.Identity, error) {
	pk := sess.PublicKey()
	if pk == nil {
		return cmd.Identity{}, errors.New("public key authentication required")
	}
	fp := state.Fingerprint(pk)
	pinned := sess.Permissions().Extensions[extFingerprint]
	if pinned == "" || subtle.ConstantTimeCompare([]byte(pinned), []byte(fp)) != 1 {
		return cmd.Identity{}, errors.New("session key does not match the authenticated key")
	}
	return cmd.Identity{Key: state.KeyString(pk), Fingerprint: fp}, nil
}

func (s *Server) handle(sess cssh.Session) {
	if !s.running.enter() {
		fmt.Fprintln(sess.Stderr(), "polis: the hub is shutting down; try again in a moment")
		_ = sess.Exit(1)
		return
	}
	defer s.running.leave()
	argv, lineErr := cmd.ParseLine(sess.RawCommand())
	sess = splitOnce{Session: sess, argv: argv, err: lineErr}
	n := s.seq.Add(1)
	log := s.log.With("session", n, "conn", short(sess.Context().SessionID()), "remote", sess.RemoteAddr().String())
	defer func() {
		// Panics in the app or a command are caught nearer (runGuarded);
		// this is for the door itself.
		if p := recover(); p != nil {
			log.Error("panic in session", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			fmt.Fprintln(sess.Stderr(), "polis: "+internalError)
			_ = sess.Exit(1)
		}
	}()
	who, err := identify(sess)
	if err != nil {
		log.Warn("refused session", "err", err)
		fmt.Fprintln(sess.Stderr(), "polis: "+err.Error())
		_ = sess.Exit(1)
		return
	}
	log = log.With("key", who.Fingerprint)
	kind := kindCommand
	if _, _, isPty := sess.Pty(); isPty && len(argv) == 0 && lineErr == nil {
		kind = kindApp
	}
	st := stateOf(sess.Context())
	if st == nil {
		log.Error("session on a connection the door never accepted")
		fmt.Fprintln(sess.Stderr(), "polis: "+internalError)
		_ = sess.Exit(1)
		return
	}
	reason, give := st.openSession(who.Fingerprint)
	if reason != "" {
		atLogin := st.refusedAtLogin()
		if !atLogin {
			s.refused(reason, sess.RemoteAddr()) // a refusal at login was counted then
		}
		fmt.Fprintln(sess.Stderr(), "polis: "+s.sessionRefusal(reason))
		_ = sess.Exit(1)
		if atLogin {
			// The line is all the connection came for.
			time.AfterFunc(refusedGrace, func() { st.kill("refused") })
		}
		return
	}
	s.obs.SessionStarted(kind)
	// The session's place is given back before its exit status goes out,
	// so a client that starts the next session on seeing it finds room.
	release := sync.OnceFunc(func() {
		give()
		s.obs.SessionEnded(kind)
	})
	defer release()

	ls, why := s.admitSession(sess, n, who, kind, sess.Command(), log)
	if ls == nil {
		log.Info("refused session", "kind", kind, "why", why)
		release()
		fmt.Fprintln(sess.Stderr(), "polis: "+why)
		_ = sess.Exit(1)
		return
	}
	code, msg := s.runGuarded(ls, who, log)
	revoked := ls.revocation()
	if revoked != "" {
		// An app has restored the terminal by now, so the line is seen.
		code, msg = 1, revoked
	}
	s.reg.remove(ls)
	ls.cancel(nil)
	release()
	ls.end(code, msg)
	close(ls.done)
	if revoked != "" {
		ls.closeConn()
	}
}

// splitOnce is a session whose command line is split once, the hub's way
// (cmd.ParseLine): the library would split it with a POSIX shell lexer on every
// Command call, which eats members' apostrophes and backslashes.
type splitOnce struct {
	cssh.Session
	argv []string
	err  error // the line could not be taken (too long)
}

func (s splitOnce) Command() []string { return s.argv }

const internalError = "internal error; the session was closed (the hub keeps running)"

// runGuarded is run, turning a panic into exit status 1 and a line that
// says so; the panic is logged with the session.
func (s *Server) runGuarded(ls *liveSession, who cmd.Identity, log *slog.Logger) (code int, msg string) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic in session", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			code, msg = 1, internalError
		}
	}()
	return s.run(ls, who, log), ""
}

// run runs the session's app or command and returns its exit status.
func (s *Server) run(ls *liveSession, who cmd.Identity, log *slog.Logger) int {
	sess := ls.sess
	if ls.kind == kindApp {
		log.Info("app session")
		// The app and wish's middleware watch the session's context: a
		// revocation cancels it, and the program quits, restoring the
		// terminal, as when the client hangs up.
		return s.runApp(revocableSession{Session: sess, ctx: sessionContext{Context: sess.Context(), rctx: ls.ctx}}, who, log,
			func() { ls.leaving.Store(true) })
	}
	if so, ok := sess.(splitOnce); ok && so.err != nil {
		fmt.Fprintln(sess.Stderr(), "polis: "+so.err.Error())
		s.obs.CommandDone("unknown", 1)
		return 1
	}
	name := cmd.Path(sess.Command())
	log.Info("command", "cmd", name)
	code := 1 // if execute panics
	defer func() { s.obs.CommandDone(name, code) }()
	var stdin io.Reader = sess
	if _, _, isPty := sess.Pty(); isPty {
		// `ssh -t`: the member types the input, so the hub keeps the line
		// discipline their terminal no longer does.
		stdin = newCooked(sess, sess)
	}
	ctx := ls.ctx
	if cssh.AgentRequested(sess) {
		ctx = cmd.WithAgent(ctx, agentOf(sess))
	}
	code = s.execute(ctx, s.hub, who, sess.Command(), stdin, sess, sess.Stderr())
	return code
}

// sessionRefusal is the line a session refused by a limit gets.
func (s *Server) sessionRefusal(reason string) string {
	switch reason {
	case refusePerKey:
		return fmt.Sprintf("too many open sessions for this key (at most %d); close one and try again", s.lim.perKey)
	case refusePerIP:
		return fmt.Sprintf("too many open sessions from your network (at most %d); close one and try again", s.lim.sessions.perNet)
	case refuseVisitors:
		return "the hub is full for visitors right now (the rest is kept for members); try again shortly"
	case refuseSessionless:
		return "too many connections without a session from your network; try again shortly"
	case refuseEvicted:
		return "the hub closed this connection to make room; connect again"
	}
	return fmt.Sprintf("the hub is at its session limit (%d); try again shortly", s.lim.sessions.max)
}

// refused reports a refused connection or session.
func (s *Server) refused(reason string, remote net.Addr) {
	s.obs.ConnRefused(reason)
	addr := "unknown"
	if remote != nil {
		addr = remote.String()
	}
	s.refusals.refused(reason, addr)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ListenAndServe listens on Config.Addr and serves until Shutdown or Close.
func (s *Server) ListenAndServe() error {
	s.startWatching()
	return unclosed(s.srv.ListenAndServe())
}

// Serve serves connections from l until Shutdown or Close. It may be called
// for several listeners at once.
func (s *Server) Serve(l net.Listener) error {
	s.startWatching()
	return unclosed(s.srv.Serve(l))
}

// Shutdown stops accepting connections and waits for open ones to end, or
// for ctx to be done. Open sessions are no longer rechecked meanwhile.
//
// It refuses new sessions at once (also on connections already open), and
// returns only once every session handler has ended, so that the store can
// close under no reader: if ctx ends first, the remaining connections are
// cut and their handlers, which then fail fast, are waited for a little
// longer.
func (s *Server) Shutdown(ctx context.Context) error {
	defer s.stopWatching()
	drained := make(chan error, 1)
	go func() { drained <- s.running.drain(ctx) }()
	// An app never ends by itself: tell each why it ends, so the member's
	// terminal comes back with a line and a non-zero status rather than a
	// silent exit 0. Commands are left to finish.
	for _, ls := range s.reg.openApps() {
		s.revoke(ls, shutdownLine)
	}
	err := s.srv.Shutdown(ctx)
	if derr := <-drained; derr != nil || err != nil {
		_ = s.srv.Close()
		grace, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if werr := s.running.drain(grace); werr != nil {
			s.log.Warn("session handlers still running after shutdown")
		}
		if err == nil {
			err = derr
		}
	}
	return err
}

// shutdownLine is what an open app's member reads when the hub stops.
const shutdownLine = "the hub is shutting down (a restart or maintenance); your work is saved, reconnect in a moment"

// Close closes the listeners and all connections at once.
func (s *Server) Close() {
	s.stopWatching()
	_ = s.srv.Close()
}

// unclosed turns the normal end of serving into nil.
func unclosed(err error) error {
	if errors.Is(err, cssh.ErrServerClosed) {
		return nil
	}
	return err
}

// agentOf opens the member's forwarded agent (ssh -A) over a channel of
// their own connection, only when a command asks (--sign), for that act
// alone: the command closes it.
func agentOf(sess cssh.Session) cmd.AgentFunc {
	return func() (agent.Agent, io.Closer, error) {
		conn, ok := sess.Context().Value(cssh.ContextKeyConn).(gossh.Conn)
		if !ok {
			return nil, nil, errors.New("no connection")
		}
		ch, reqs, err := conn.OpenChannel("auth-agent@openssh.com", nil)
		if err != nil {
			return nil, nil, err
		}
		go gossh.DiscardRequests(reqs)
		return agent.NewClient(ch), ch, nil
	}
}

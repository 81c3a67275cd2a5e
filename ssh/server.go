// Package ssh is the SSH door of polis: host key, public-key auth, session
// handling, the scriptable command tree for sessions without a terminal and
// the terminal app for sessions with one.
package ssh

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/tui"
)

// Config configures the SSH server.
type Config struct {
	Addr string
	// HostKeyPath is where the host key lives (in the data dir). It is
	// created once, mode 0600, and reused so clients' known_hosts stay valid.
	HostKeyPath string
	// IdleTimeout closes connections without traffic; MaxTimeout closes any
	// connection after this long; HandshakeTimeout bounds the time to
	// authenticate. Zero picks the default; negative disables.
	IdleTimeout      time.Duration
	MaxTimeout       time.Duration
	HandshakeTimeout time.Duration
	// SSHCommand is how members reach the hub ("ssh -p 23234 hub.example"),
	// shown in the app; derived from the address a client dialled if empty.
	SSHCommand string
	// Logger receives connection and panic reports; slog.Default if nil.
	// (A charm.land/log/v2 Logger is an slog.Handler: slog.New(l).)
	Logger *slog.Logger
}

// Defaults for zero Config durations.
const (
	DefaultIdleTimeout      = 15 * time.Minute
	DefaultHandshakeTimeout = 30 * time.Second
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

	// newModel builds the terminal app; tests swap it to exercise panics
	// and hostile output without depending on the real app.
	newModel func(*state.Hub, tui.Identity, ...tui.Option) tea.Model
	cfg      Config
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
	s := &Server{hub: hub, log: cfg.Logger, newModel: tui.New, cfg: cfg}
	if s.log == nil {
		s.log = slog.Default()
	}
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPath(cfg.HostKeyPath),
		wish.WithPublicKeyAuth(s.authPublicKey),
		func(srv *cssh.Server) error {
			// charm.land/ssh v0.4.2 races on its own timeouts (it clears the
			// handshake deadline while the transport reads it), so the
			// server's are left off and limits wraps each connection.
			lim := limits{
				idle:      pick(cfg.IdleTimeout, DefaultIdleTimeout),
				max:       pick(cfg.MaxTimeout, 0),
				handshake: pick(cfg.HandshakeTimeout, DefaultHandshakeTimeout),
			}
			srv.ConnCallback = lim.wrap
			// Password and keyboard-interactive handlers stay nil, so gossh
			// never offers those methods.
			srv.PasswordHandler = nil
			srv.KeyboardInteractiveHandler = nil
			srv.Handler = s.handle
			// No port forwarding, agent use or subsystems: only sessions.
			srv.ChannelHandlers = map[string]cssh.ChannelHandler{"session": cssh.DefaultSessionHandler}
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
func identify(sess cssh.Session) (Identity, error) {
	pk := sess.PublicKey()
	if pk == nil {
		return Identity{}, errors.New("public key authentication required")
	}
	fp := state.Fingerprint(pk)
	pinned := sess.Permissions().Extensions[extFingerprint]
	if pinned == "" || subtle.ConstantTimeCompare([]byte(pinned), []byte(fp)) != 1 {
		return Identity{}, errors.New("session key does not match the authenticated key")
	}
	return Identity{Key: state.KeyString(pk), Fingerprint: fp}, nil
}

func (s *Server) handle(sess cssh.Session) {
	n := s.seq.Add(1)
	log := s.log.With("session", n, "conn", short(sess.Context().SessionID()), "remote", sess.RemoteAddr().String())
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic in session", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			fmt.Fprintln(sess.Stderr(), "polis: internal error; the session was closed (the hub keeps running)")
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
	_, _, isPty := sess.Pty()
	if isPty && len(sess.Command()) == 0 {
		log.Info("app session")
		_ = sess.Exit(s.runApp(sess, who, log))
		return
	}
	if sess.RawCommand() != "" && len(sess.Command()) == 0 {
		// The server's shell split failed (an unclosed quote).
		fmt.Fprintln(sess.Stderr(), "polis: cannot parse the command line (unbalanced quotes?)")
		_ = sess.Exit(1)
		return
	}
	name := ""
	if c := sess.Command(); len(c) > 0 {
		name = sanitize.Line(truncate(c[0], 32))
	}
	log.Info("command", "cmd", name)
	code := Execute(sess.Context(), s.hub, who, sess.Command(), sess, sess, sess.Stderr())
	_ = sess.Exit(code)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ListenAndServe listens on Config.Addr and serves until Shutdown or Close.
func (s *Server) ListenAndServe() error { return unclosed(s.srv.ListenAndServe()) }

// Serve serves connections from l until Shutdown or Close.
func (s *Server) Serve(l net.Listener) error { return unclosed(s.srv.Serve(l)) }

// Shutdown stops accepting connections and waits for open ones to end, or
// for ctx to be done.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Close closes the listeners and all connections at once.
func (s *Server) Close() { _ = s.srv.Close() }

// unclosed turns the normal end of serving into nil.
func unclosed(err error) error {
	if errors.Is(err, cssh.ErrServerClosed) {
		return nil
	}
	return err
}

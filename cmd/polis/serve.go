package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/replica"
	polisssh "github.com/polis-hub/polis/ssh"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/web"
)

type serveFlags struct {
	config                     string
	data, listen, name, origin string
	adminKeys                  []string
	every                      int
	interval                   time.Duration
	logLevel, logFormat        string
	metrics                    string
	http                       string
	httpRate                   float64
	httpBurst                  int
	shutdownTimeout            time.Duration
	maxClockStep               time.Duration
	minFreeMB                  int64
	ssh                        polisssh.Config // limits and timeouts only
}

func serveCmd() *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the hub (the default command)",
		Long: `Run the hub. The first start creates the data dir with the hub's checkpoint
signing key and SSH host key, and prints a one-time founder code unless admin
keys were given.

Every flag can also be set by its POLIS_* environment variable or by a key of
the same name in a TOML file given with --config (see contrib/polis.toml). A
flag on the command line wins, then the environment, then the config file,
then the default. On SIGTERM or SIGINT the hub stops accepting connections,
lets running commands finish for up to --shutdown-timeout, seals a checkpoint
over the whole log and closes the database; a second signal exits at once
(no acknowledged write is lost either way).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd, f) },
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVar(&f.config, "config", "", "read settings from this TOML file; keys are these flags' names")
	fl.StringVar(&f.data, "data", "./polis-data", "data dir")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:23234", "SSH listen address")
	fl.StringVar(&f.name, "name", "polis", "community name, set on first start")
	fl.StringVar(&f.origin, "origin", "polis.local/hub", "checkpoint origin and signing key name, set on first start")
	fl.StringArrayVar(&f.adminKeys, "admin-key", nil, "authorized_keys file whose keys become stewards (repeatable; env POLIS_INITIAL_ADMIN_KEYS holds key lines)")
	fl.IntVar(&f.every, "checkpoint-every", 1000, "seal a checkpoint after this many events")
	fl.DurationVar(&f.interval, "checkpoint-interval", 2*time.Second, "seal unsealed events at least this often")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text, or json (one object per line, and no banner)")
	fl.StringVar(&f.metrics, "metrics", "", "serve Prometheus metrics at http://ADDR/metrics; a bare port listens on loopback (empty: off)")
	fl.StringVar(&f.http, "http", "", "serve the public web page (what a visitor may read) and C2SP tlog-tiles at http://ADDR/; a bare port listens on loopback (empty: off)")
	fl.Float64Var(&f.httpRate, "http-rate-per-ip", 0, fmt.Sprintf("web requests per second per network; 0 = default (%g), -1 = no limit (behind a proxy that limits)", web.DefaultRatePerIP))
	fl.IntVar(&f.httpBurst, "http-burst-per-ip", 0, fmt.Sprintf("burst of web requests per network; 0 = default (%d), -1 = no limit", web.DefaultBurstPerIP))
	c := &f.ssh
	fl.IntVar(&c.MaxSessions, "max-sessions", 0, fmt.Sprintf("open sessions in all; 0 = default (%d, lowered to fit the open-file limit), -1 = no limit", polisssh.DefaultMaxSessions))
	fl.IntVar(&c.MaxSessionsPerKey, "max-sessions-per-key", 0, fmt.Sprintf("open sessions per SSH key; 0 = default (%d), -1 = no limit", polisssh.DefaultMaxSessionsPerKey))
	fl.IntVar(&c.MaxSessionsPerIP, "max-sessions-per-ip", 0, fmt.Sprintf("visitors' open sessions per network; 0 = default (%d), -1 = no limit", polisssh.DefaultMaxSessionsPerIP))
	fl.IntVar(&c.MaxSessionless, "max-sessionless", 0, fmt.Sprintf("logged-in connections with no session running, in all; 0 = default (%d, lowered to fit the open-file limit), -1 = no limit", polisssh.DefaultMaxSessionless))
	fl.IntVar(&c.MaxSessionlessPerIP, "max-sessionless-per-ip", 0, fmt.Sprintf("visitors' logged-in connections with no session running, per network; 0 = default (%d), -1 = no limit", polisssh.DefaultMaxSessionlessPerIP))
	fl.IntVar(&c.MemberShare, "member-share", 0, fmt.Sprintf("percent of --max-sessions and --max-sessionless only members' keys may use; 0 = default (%d), -1 = none", polisssh.DefaultMemberShare))
	fl.IntVar(&c.MaxStartups, "max-startups", 0, fmt.Sprintf("connections not yet authenticated, in all (OpenSSH's MaxStartups full); 0 = default (%d, lowered to fit the open-file limit), -1 = no limit", polisssh.DefaultMaxStartups))
	fl.IntVar(&c.MaxStartupsStart, "max-startups-start", 0, "from this many connections not yet authenticated, drop new ones at random (OpenSSH's MaxStartups start); 0 = a third of --max-startups, -1 = never")
	fl.IntVar(&c.MaxStartupsRate, "max-startups-rate", 0, fmt.Sprintf("percent dropped at --max-startups-start, rising to 100 at --max-startups (OpenSSH's MaxStartups rate); 0 = default (%d)", polisssh.DefaultMaxStartupsRate))
	fl.IntVar(&c.MaxStartupsPerIP, "max-startups-per-ip", 0, fmt.Sprintf("connections not yet authenticated, per network; 0 = default (%d), -1 = no limit", polisssh.DefaultMaxStartupsPerIP))
	fl.Float64Var(&c.ConnRatePerIP, "conn-rate-per-ip", 0, fmt.Sprintf("new connections per second per network; 0 = default (%g), -1 = no limit", polisssh.DefaultConnRatePerIP))
	fl.IntVar(&c.ConnBurstPerIP, "conn-burst-per-ip", 0, fmt.Sprintf("burst of new connections per network; 0 = default (%d), -1 = no limit", polisssh.DefaultConnBurstPerIP))
	fl.IntVar(&c.NetPrefixV4, "net-prefix-v4", 0, fmt.Sprintf("IPv4 prefix length that makes a network for the per-ip limits; 0 = default (%d), -1 = single addresses", polisssh.DefaultNetPrefixV4))
	fl.IntVar(&c.NetPrefixV6, "net-prefix-v6", 0, fmt.Sprintf("IPv6 prefix length that makes a network for the per-ip limits; 0 = default (%d), -1 = single addresses", polisssh.DefaultNetPrefixV6))
	fl.DurationVar(&c.IdleTimeout, "idle-timeout", 0, fmt.Sprintf("close connections without input this long; 0 = default (%v), -1s = never", polisssh.DefaultIdleTimeout))
	fl.DurationVar(&c.HandshakeTimeout, "handshake-timeout", 0, fmt.Sprintf("time allowed to authenticate; 0 = default (%v), -1s = no limit", polisssh.DefaultHandshakeTimeout))
	fl.DurationVar(&c.SessionlessTimeout, "sessionless-timeout", 0, fmt.Sprintf("close a logged-in connection with no session running this long; 0 = default (%v), -1s = never", polisssh.DefaultSessionlessTimeout))
	fl.DurationVar(&c.MaxTimeout, "max-timeout", 0, "close any connection after this long; 0 = no limit")
	fl.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 5*time.Second, "on a stop signal, how long running sessions may finish before they are cut")
	fl.DurationVar(&f.maxClockStep, "max-clock-step", 24*time.Hour, "refuse writes stamped more than this ahead of the hub's own reckoning until the clock is right or a steward confirms it (polis clock --confirm); 0 = default, -1s = off")
	fl.Int64Var(&f.minFreeMB, "min-free-mb", 0, "pause writes while the data dir's file system has less free space than this, in MiB; 0 = default (64 MiB or 1% of the file system, whichever is more), -1 = off")
	documentEnv(fl)
	return cmd
}

func serve(cmd *cobra.Command, f *serveFlags) error {
	if err := applySettings(cmd.Flags(), os.LookupEnv); err != nil {
		return err
	}
	if replica.IsReplica(f.data) {
		return serveReplica(cmd, f)
	}
	log, err := newLogger(cmd.ErrOrStderr(), f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	var maddr string
	var public bool
	if f.metrics != "" {
		if maddr, public, err = metricsAddr(f.metrics); err != nil {
			return err
		}
	}
	var waddr string
	var wpublic bool
	if f.http != "" {
		if waddr, wpublic, err = web.ListenAddr(f.http); err != nil {
			return err
		}
	}
	keys, err := adminKeyLines(f.adminKeys, os.Getenv("POLIS_INITIAL_ADMIN_KEYS"))
	if err != nil {
		return err
	}
	opts := store.Options{Dir: f.data, Origin: f.origin, CheckpointEvery: f.every, CheckpointInterval: f.interval,
		Log: log, MaxClockStep: f.maxClockStep, MinFreeSpace: f.minFreeMB << 20}
	switch {
	case f.maxClockStep == 0:
		opts.MaxClockStep = 24 * time.Hour
	case f.maxClockStep < 0:
		opts.MaxClockStep = 0 // off
	}
	if f.minFreeMB < 0 {
		opts.MinFreeSpace = -1
	}
	var m *metrics
	if maddr != "" {
		m = newMetrics()
		opts.OnCommit = m.onCommit
	}
	st, err := openData(opts, log)
	if err != nil {
		return refusedToStart(f.data, err)
	}
	defer st.Close()
	hub := state.NewHub(st)
	founder, err := prepareHub(hub, f.name, originOf(st.VerifierKey()), keys)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.listen, err)
	}
	cfg := f.ssh
	cfg.Addr, cfg.HostKeyPath, cfg.Logger = f.listen, filepath.Join(f.data, store.HostKeyFile), log
	if m != nil {
		cfg.Observer = m
	}
	srv, err := polisssh.New(hub, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	var msrv *http.Server
	if m != nil {
		m.watchStore(st)
		if msrv, err = serveMetrics(maddr, m, log); err != nil {
			ln.Close()
			return err
		}
		if public {
			log.Warn("metrics are served on a non-loopback address: anyone who reaches it can read them", "addr", maddr)
		}
	}
	var wsrv *http.Server
	if waddr != "" {
		if wsrv, err = serveWeb(waddr, wpublic, f, hub, log); err != nil {
			ln.Close()
			if msrv != nil {
				msrv.Close()
			}
			return err
		}
	}
	ctl, err := listenControl(f.data, st, log)
	if err != nil {
		// Serving matters more than online backups; say how to do without.
		log.Warn("online backup is off; stop the hub to back it up", "err", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Caught before the banner: a stop signal right after it must still
	// close the store cleanly.
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	announce(cmd.OutOrStdout(), log, f, ln.Addr(), hub, founder)
	// Proposals close by an event the hub emits at their deadline.
	dctx, stopDeadlines := context.WithCancel(context.Background())
	deadlines := make(chan struct{})
	go func() { defer close(deadlines); hub.RunDeadlines(dctx, time.Second) }()
	stopWitnessing, err := startWitnessing(hub, f.data, originOf(st.VerifierKey()), log)
	if err != nil {
		stopDeadlines()
		<-deadlines
		srv.Close()
		return err
	}
	r := &running{log: log, st: st, srv: srv, ctl: ctl, metrics: msrv, web: wsrv, deadlines: func() { stopWitnessing(); stopDeadlines(); <-deadlines }}

	timeout := f.shutdownTimeout
	serveErr, failed := awaitStop(log, sig, errc, st.Failed())
	if failed {
		// Like PostgreSQL after a failed fsync: stop at once (the store
		// logged why), exit non-zero, and let the restart's checks of the
		// log and the high-water mark decide what the disk holds.
		serveErr = st.Err()
		log.Info("stopping after the storage failure; exiting for a restart")
		timeout = 0
	}
	if err := r.stop(timeout); err != nil {
		return err
	}
	return serveErr
}

// openData makes every identity file of the data dir (FORMAT, the
// checkpoint keys, the SSH host key, which the door then only reads)
// durable before the store's first write, then opens the store.
func openData(opts store.Options, log *slog.Logger) (*store.Store, error) {
	tightened, err := store.PrepareDir(opts.Dir, opts.Origin)
	if err != nil {
		return nil, err
	}
	for _, w := range tightened {
		log.Warn(w)
	}
	return store.Open(opts)
}

// running is a serving hub's parts, in the order they stop.
type running struct {
	log       *slog.Logger
	ctl       *control // nil when the socket could not be made
	srv       *polisssh.Server
	deadlines func()
	st        *store.Store
	metrics   *http.Server // nil when off
	web       *http.Server // nil when off
}

// stop takes no new work, lets what runs finish for up to timeout, then
// closes the store, whose Close commits what is in flight and seals the
// tail, so that the last checkpoint covers the whole log.
func (r *running) stop(timeout time.Duration) error {
	if r.ctl != nil {
		r.ctl.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		r.log.Warn("sessions still open after the shutdown timeout; closing them", "timeout", timeout)
		r.srv.Close()
	}
	if r.web != nil {
		// Pages read the store: they finish (or are cut) before it closes.
		if err := r.web.Shutdown(ctx); err != nil {
			r.web.Close()
		}
	}
	r.deadlines()
	if err := r.st.Close(); err != nil {
		r.log.Error("closing the store", "err", err)
		return err
	}
	if r.metrics != nil {
		r.metrics.Close()
	}
	s := r.st.Stats()
	r.log.Info("stopped", "events", s.Size, "checkpoint", s.Height, "unsealed", s.Unsealed)
	return nil
}

// prepareHub creates the hub on first start, names its origin in the log
// (once; members' signatures name it) and admits the admin keys; with no
// members yet it returns a founder code.
func prepareHub(hub *state.Hub, name, origin string, keys []adminKey) (string, error) {
	ctx := context.Background()
	if hub.Size() == 0 {
		if _, err := hub.Submit(ctx, state.SystemActor, state.CreateHub{Name: name}); err != nil {
			return "", fmt.Errorf("creating the hub: %w", err)
		}
	}
	if _, err := hub.Submit(ctx, state.SystemActor, state.NameOrigin{Origin: origin}); err != nil &&
		!errors.Is(err, store.ErrClockAhead) && !errors.Is(err, store.ErrDiskFull) {
		// A clock put right or space freed lets the next start name it;
		// until then the hub takes no signed acts.
		return "", fmt.Errorf("naming the origin: %w", err)
	}
	for _, k := range keys {
		if _, err := hub.Submit(ctx, state.SystemActor, state.AdmitAdmin{Key: k.key, Name: k.name}); err != nil {
			return "", fmt.Errorf("admin key %s: %w", k.where, err)
		}
	}
	members, err := hub.Members()
	if err != nil || len(members) > 0 {
		return "", err
	}
	code, err := hub.IssueFounderCode(ctx)
	if errors.Is(err, store.ErrClockAhead) || errors.Is(err, store.ErrDiskFull) {
		// Serve anyway, so that a steward can put it right (polis clock
		// --confirm, or free space); the next start issues the code.
		return "", nil
	}
	return code, err
}

// announce tells the person who started the hub how to reach it. With JSON
// logs the same facts go to the log only, so a collector sees no stray text.
func announce(out io.Writer, log *slog.Logger, f *serveFlags, addr net.Addr, hub *state.Hub, founder string) {
	info, _ := hub.Info()
	host, port, _ := net.SplitHostPort(addr.String())
	fp, _ := hostKeyFingerprint(filepath.Join(f.data, store.HostKeyFile))
	pub := hub.Published()
	log.Info("serving", "name", info.Name, "addr", addr.String(), "data", f.data, "host_key", fp, "events", pub.Size, "checkpoint", pub.Head.Height)
	join := fmt.Sprintf("ssh -p %s %s join %s --name YOUR-NAME", port, host, founder)
	if f.logFormat == "json" {
		if founder != "" {
			log.Warn("no members yet; become the founding steward with the join command (the code works once; a restart replaces it)", "join", join)
		}
		return
	}
	fmt.Fprintf(out, "polis: %s is serving on %s (data in %s)\n", info.Name, addr, f.data)
	if fp != "" {
		fmt.Fprintf(out, "polis: host key %s\n", fp)
	}
	fmt.Fprintf(out, "polis: open the app with   ssh -p %s %s\n", port, host)
	if founder != "" {
		fmt.Fprintf(out, "polis: no members yet. Become the founding steward with:\n\n    %s\n\n", join)
		fmt.Fprintln(out, "polis: this founder code works once; a restart before it is used replaces it.")
	}
}

func serveMetrics(addr string, m *metrics, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics: %w", err)
	}
	srv := &http.Server{Handler: m.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	log.Info("metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return srv, nil
}

// serveWeb starts the public web page. It signs the dossier's files with
// the hub's key, as `polis dossier` does, and tells readers how to reach
// the SSH door to check them.
func serveWeb(addr string, public bool, f *serveFlags, hub *state.Hub, log *slog.Logger) (*http.Server, error) {
	signer, err := store.Signer(f.data)
	if err != nil {
		return nil, err
	}
	door := "ssh HUB"
	if _, port, err := net.SplitHostPort(f.listen); err == nil && port != "22" {
		door = "ssh -p " + port + " HUB"
	}
	site := web.New(hub, web.Options{SSH: door, DossierSigner: signer, RatePerIP: f.httpRate, BurstPerIP: f.httpBurst, Log: log})
	srv, at, err := web.Listen(addr, site, log)
	if err != nil {
		return nil, err
	}
	log.Info("public web page", "url", "http://"+at.String()+"/")
	if !public {
		log.Info("the web page listens on loopback only: put a reverse proxy in front of it, or give --http HOST:PORT")
	}
	return srv, nil
}

// awaitStop waits for what ends serving: a stop signal (a second one
// exits at once), the SSH server failing, or failed closing. It returns
// the server's error, and whether failed was the cause.
func awaitStop(log *slog.Logger, sig <-chan os.Signal, errc <-chan error, failed <-chan struct{}) (error, bool) {
	select {
	case s := <-sig:
		log.Info("shutting down", "signal", s.String())
		go func() {
			s := <-sig
			log.Error("second signal: exiting at once", "signal", s.String())
			os.Exit(1)
		}()
		return nil, false
	case err := <-errc:
		log.Error("SSH server stopped", "err", err)
		return err, false
	case <-failed:
		return nil, true
	}
}

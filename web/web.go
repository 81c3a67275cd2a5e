// Package web is the hub's public window: a read-only web site for people
// without an SSH key, and the C2SP tlog-tiles endpoints for standard
// transparency-log clients.
//
// Every visitor of the site is a visitor of the hub: the site reads what
// state's read rules (state.ReadRules) let a visitor read, through the same
// state.Hub queries the SSH commands answer visitors with, and nothing
// else. Each page names the kinds of data it shows, and a page whose kind
// is not public is not served (TestEveryPageIsPublic).
//
// Pages are rendered once per checkpoint (and per change to a member
// record, so that a member who stops being listed disappears at once) and
// served from memory; there is no JavaScript and no form, and the only
// user-written text (names, the charter) is sanitised and escaped.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/state"
)

// Options configure the site.
type Options struct {
	// SSH is how to reach the hub's SSH door, for the "how to verify"
	// page: "ssh -p 23234 HUB".
	SSH string
	// DossierSigner, when set, signs the dossier files served at
	// /dossier.md and /dossier.json (detached signatures at .sig), as
	// `polis dossier` signs them. Without it the dossier is served
	// unsigned; its figures still name the signed checkpoint.
	DossierSigner note.Signer
	// RatePerIP and BurstPerIP limit requests per client network (a /24
	// or a /64, like the SSH door); 0 is the default, -1 no limit.
	RatePerIP  float64
	BurstPerIP int
	// Log gets errors; nil discards them.
	Log *slog.Logger
}

// Defaults for the per-network request limit: a person reading pages
// never comes near it; a scraper is slowed, not refused outright.
const (
	DefaultRatePerIP  = 20.0
	DefaultBurstPerIP = 60
)

// Site serves the public window of one hub.
type Site struct {
	hub     *state.Hub
	opts    Options
	log     *slog.Logger
	dossier *state.SealedDossier
	dmemo   dossierMemo
	cache   *cache
	limit   *limiter
	mux     *http.ServeMux
}

// New makes the site for hub.
func New(hub *state.Hub, o Options) *Site {
	if o.SSH == "" {
		o.SSH = "ssh -p 23234 HUB"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Site{hub: hub, opts: o, log: o.Log, dossier: hub.NewSealedDossier(), cache: newCache()}
	s.limit = newLimiter(o.RatePerIP, o.BurstPerIP)
	s.mux = s.routes()
	return s
}

// ServeHTTP applies the headers and the rate limit every response gets,
// then routes.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w.Header())
	// The site changes nothing: GET and HEAD, and the one POST of
	// tlog-witness, which writes only the witness's own record.
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !(r.Method == http.MethodPost && r.URL.Path == "/add-checkpoint") {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "read-only: GET and HEAD only (and POST /add-checkpoint)", http.StatusMethodNotAllowed)
		return
	}
	if wait, ok := s.limit.allow(clientIP(r), time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		http.Error(w, "too many requests from your network; try again shortly", http.StatusTooManyRequests)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// secureHeaders are the headers every response carries: no script can
// run, no other site can frame the page, nothing is sniffed or leaked
// onwards. Keys are canonical and the values shared, read-only: setting
// them costs no allocation per request.
var secureHeaders = http.Header{
	"Content-Security-Policy":    {"default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"no-referrer"},
	"X-Frame-Options":            {"DENY"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

func secure(h http.Header) {
	for k, v := range secureHeaders {
		h[k] = v
	}
}

func clientIP(r *http.Request) net.IP {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return net.ParseIP(host)
}

// ListenAddr turns --http into a listen address. A bare port ("8080" or
// ":8080") listens on loopback only; public says whether the address may
// be reachable from other machines.
func ListenAddr(s string) (addr string, public bool, err error) {
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		s = ":" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil || port == "" {
		return "", false, fmt.Errorf("--http %q: want PORT or HOST:PORT", s)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	public = host != "localhost" && (ip == nil || !ip.IsLoopback())
	return net.JoinHostPort(host, port), public, nil
}

// Server is an http.Server for h with the timeouts a public listener
// needs: a slow client holds a connection for seconds, not forever.
func Server(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Listen starts serving the site on addr; stop it with Shutdown.
func Listen(addr string, site *Site, log *slog.Logger) (*http.Server, net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--http: %w", err)
	}
	srv := Server(site, log)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("web server stopped", "err", err)
		}
	}()
	return srv, ln.Addr(), nil
}

package ssh

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for zero Config limits (docs/limits.md explains each).
//
// The numbers follow from two people the door must serve at once: a member
// whose scripts run bursts of commands back to back from one address, and a
// member who shares that address with housemates behind one NAT; and from
// one it must outlast: someone opening connections from a few addresses and
// never finishing them.
const (
	// DefaultMaxSessions bounds all open sessions: room for a thousand
	// members in the app at once, and their scripts.
	DefaultMaxSessions = 2048
	// DefaultMaxSessionsPerKey is far more terminals and parallel scripts
	// than one person runs, and keeps one key from holding a large share of
	// the hub.
	DefaultMaxSessionsPerKey = 32
	// DefaultMaxSessionsPerIP is a shared flat or office behind one address,
	// each person with a few sessions.
	DefaultMaxSessionsPerIP = 128
	// DefaultMaxStartups bounds connections that have not authenticated yet
	// (OpenSSH's MaxStartups). A handshake takes milliseconds, so in-flight
	// ones are few unless someone holds them open on purpose.
	DefaultMaxStartups = 128
	// DefaultMaxStartupsPerIP is a script running a few commands in
	// parallel with room to spare. With the total at eight times this, one
	// address cannot fill the total: it takes eight to lock others out.
	DefaultMaxStartupsPerIP = 16
	// DefaultConnRatePerIP and DefaultConnBurstPerIP let a script start 100
	// commands at once, then 30 a second for as long as it likes: more than
	// a remote client's handshakes allow, so only a flood meets the limit.
	DefaultConnRatePerIP  = 30.0
	DefaultConnBurstPerIP = 100
)

// maxSessionsPerConn bounds session channels on one connection, as OpenSSH's
// MaxSessions does; multiplexing clients open one per command.
const maxSessionsPerConn = 10

// Reasons a connection or session is refused, as Observer.ConnRefused gets
// them.
const (
	refuseRate     = "rate"
	refuseTotal    = "total"
	refusePerIP    = "per-ip"
	refusePerKey   = "per-key"
	refuseStartups = "startups"
)

// pickLimit resolves a Config count: zero picks the default, negative means
// no limit (returned as -1).
func pickLimit(n, def int) int {
	switch {
	case n < 0:
		return -1
	case n == 0:
		return def
	}
	return n
}

// over reports whether n already fills limit; -1 never fills.
func over(n, limit int) bool { return limit >= 0 && n >= limit }

// connLimit bounds authenticated connections, which may sit without a
// session: twice the session limit, so that a session over the limit meets
// a line saying so rather than a connection closed without a word.
func connLimit(sessions int) int {
	if sessions < 0 {
		return -1
	}
	return 2 * sessions
}

// limiter counts connections and sessions per address, per key and in all,
// and refuses what would exceed a limit. One mutex guards it all: every
// operation is a few map lookups, at most once per connection or session.
type limiter struct {
	maxSessions, perKey, perIP int
	startups, startupsPerIP    int
	rate                       rate.Limit
	burst                      int // 0: no rate limit
	now                        func() time.Time

	mu       sync.Mutex
	ips      map[string]*ipCount
	keys     map[string]int
	sessions int
	conns    int // authenticated connections
	inFlight int // connections not authenticated yet
	accepts  int // since the last sweep
}

type ipCount struct {
	bucket                   *rate.Limiter
	inFlight, conns, session int
}

func newLimiter(cfg Config) *limiter {
	l := &limiter{
		maxSessions:   pickLimit(cfg.MaxSessions, DefaultMaxSessions),
		perKey:        pickLimit(cfg.MaxSessionsPerKey, DefaultMaxSessionsPerKey),
		perIP:         pickLimit(cfg.MaxSessionsPerIP, DefaultMaxSessionsPerIP),
		startups:      pickLimit(cfg.MaxStartups, DefaultMaxStartups),
		startupsPerIP: pickLimit(cfg.MaxStartupsPerIP, DefaultMaxStartupsPerIP),
		now:           time.Now,
		ips:           map[string]*ipCount{},
		keys:          map[string]int{},
	}
	r, b := cfg.ConnRatePerIP, cfg.ConnBurstPerIP
	if r == 0 {
		r = DefaultConnRatePerIP
	}
	if b == 0 {
		b = DefaultConnBurstPerIP
	}
	if r > 0 && b > 0 {
		l.rate, l.burst = rate.Limit(r), b
	}
	return l
}

// ipOf is the address limits are counted by: the host part of a
// connection's remote address.
func ipOf(a net.Addr) string {
	if a == nil {
		return "unknown"
	}
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

func (l *limiter) ip(ip string) *ipCount {
	c := l.ips[ip]
	if c == nil {
		c = &ipCount{}
		if l.burst > 0 {
			c.bucket = rate.NewLimiter(l.rate, l.burst)
		}
		l.ips[ip] = c
	}
	return c
}

// accept admits a new, unauthenticated connection from ip, or names why not.
// The rate is charged first, so a flood spends its own tokens even when
// another limit refuses it.
func (l *limiter) accept(ip string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.accepts++; l.accepts >= 1024 {
		l.sweep(now)
	}
	c := l.ip(ip)
	switch {
	case c.bucket != nil && !c.bucket.AllowN(now, 1):
		return refuseRate
	case over(c.inFlight, l.startupsPerIP) || over(l.inFlight, l.startups):
		return refuseStartups
	case over(c.conns, connLimit(l.perIP)):
		return refusePerIP
	case over(l.conns, connLimit(l.maxSessions)):
		return refuseTotal
	}
	c.inFlight++
	l.inFlight++
	return ""
}

// authenticated moves an accepted connection from in flight to open.
func (l *limiter) authenticated(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.ip(ip)
	c.inFlight--
	l.inFlight--
	c.conns++
	l.conns++
}

// closed releases an accepted connection.
func (l *limiter) closed(ip string, authed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.ip(ip)
	if authed {
		c.conns--
		l.conns--
	} else {
		c.inFlight--
		l.inFlight--
	}
	l.forget(ip, c, l.now())
}

// openSession admits a session for key from ip, or names why not.
func (l *limiter) openSession(ip, key string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.ip(ip)
	switch {
	case over(l.sessions, l.maxSessions):
		return refuseTotal
	case over(c.session, l.perIP):
		return refusePerIP
	case over(l.keys[key], l.perKey):
		return refusePerKey
	}
	c.session++
	l.sessions++
	l.keys[key]++
	return ""
}

func (l *limiter) closeSession(ip, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.ip(ip)
	c.session--
	l.sessions--
	if l.keys[key]--; l.keys[key] <= 0 {
		delete(l.keys, key)
	}
	l.forget(ip, c, l.now())
}

// forget drops an address that holds nothing and whose bucket is full again:
// it is then indistinguishable from one never seen.
func (l *limiter) forget(ip string, c *ipCount, now time.Time) {
	if c.inFlight > 0 || c.conns > 0 || c.session > 0 {
		return
	}
	if c.bucket != nil && c.bucket.TokensAt(now) < float64(l.burst) {
		return
	}
	delete(l.ips, ip)
}

// sweep forgets addresses whose buckets refilled since they were last used;
// accept calls it every so often, so a scan of many addresses leaves no
// lasting trace.
func (l *limiter) sweep(now time.Time) {
	l.accepts = 0
	for ip, c := range l.ips {
		l.forget(ip, c, now)
	}
}

// counts is a snapshot for tests and logs.
type counts struct{ sessions, conns, inFlight, ips int }

func (l *limiter) counts() counts {
	l.mu.Lock()
	defer l.mu.Unlock()
	return counts{sessions: l.sessions, conns: l.conns, inFlight: l.inFlight, ips: len(l.ips)}
}

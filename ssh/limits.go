package ssh

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for zero Config limits (docs/limits.md explains each).
//
// The numbers follow from two people the door must serve at once: a member
// whose scripts run bursts of commands back to back from one address, and a
// member who shares a network with housemates behind one NAT; and from one
// it must outlast: someone with a few dozen addresses and unlimited
// throwaway keys (any key logs in as a visitor), opening connections and
// holding them in every state a connection can be in.
const (
	// DefaultMaxSessions bounds all open sessions: room for a thousand
	// members in the app at once, and their scripts.
	DefaultMaxSessions = 2048
	// DefaultMaxSessionsPerKey is far more terminals and parallel scripts
	// than one person runs, and keeps one key from holding a large share of
	// the hub.
	DefaultMaxSessionsPerKey = 32
	// DefaultMaxSessionsPerIP is a shared flat or office behind one
	// network, each person with a few sessions. It bounds visitors' keys
	// only: members' keys are bounded per key.
	DefaultMaxSessionsPerIP = 128
	// DefaultMaxSessionless bounds authenticated connections with no
	// session running: a client opens its session within milliseconds of
	// logging in, so these are few unless someone holds them on purpose.
	DefaultMaxSessionless = 256
	// DefaultMaxSessionlessPerIP is the same per network, for visitors.
	DefaultMaxSessionlessPerIP = 16
	// DefaultMaxStartups, DefaultMaxStartupsStart and DefaultMaxStartupsRate
	// are OpenSSH's MaxStartups start:rate:full for connections that have
	// not authenticated yet: from 100 in flight a newcomer is dropped with
	// probability 30%, rising to 100% at 300. A newcomer from a network
	// with nothing in flight is never dropped at random, and at 300 it takes
	// the place of the oldest handshake of the network holding the most.
	DefaultMaxStartups      = 300
	DefaultMaxStartupsStart = DefaultMaxStartups / 3 // a third of MaxStartups, whatever it is
	DefaultMaxStartupsRate  = 30
	// DefaultMaxStartupsPerIP is a script running a few commands in
	// parallel with room to spare; ten networks at this many stay below
	// the point where random drops start.
	DefaultMaxStartupsPerIP = 10
	// DefaultConnRatePerIP and DefaultConnBurstPerIP let a script start 100
	// commands at once, then 30 a second for as long as it likes: more than
	// a remote client's handshakes allow, so only a flood meets the limit.
	DefaultConnRatePerIP  = 30.0
	DefaultConnBurstPerIP = 100
	// DefaultMemberShare is the percentage of MaxSessions and of
	// MaxSessionless that only members' keys may use.
	DefaultMemberShare = 25
	// DefaultNetPrefixV4 and DefaultNetPrefixV6 group addresses into the
	// networks the per-IP limits count: what one customer of a provider
	// usually holds. One IPv6 customer holds a /64 at least, which has
	// more addresses than could ever be counted one by one.
	DefaultNetPrefixV4 = 24
	DefaultNetPrefixV6 = 64
)

// maxSessionsPerConn bounds session channels on one connection, as OpenSSH's
// MaxSessions does; multiplexing clients open one per command.
const maxSessionsPerConn = 10

// Reasons a connection or session is refused, as Observer.ConnRefused gets
// them.
const (
	refuseRate        = "rate"
	refuseTotal       = "total"
	refusePerIP       = "per-ip"
	refusePerKey      = "per-key"
	refuseStartups    = "startups"
	refuseEarlyDrop   = "early-drop"
	refuseEvicted     = "evicted"
	refuseSessionless = "sessionless"
	refuseVisitors    = "visitors"
)

// RefusalReasons lists every reason Observer.ConnRefused may be given, for
// metrics that want to show each from the start.
var RefusalReasons = []string{refuseRate, refuseTotal, refusePerIP, refusePerKey, refuseStartups,
	refuseEarlyDrop, refuseEvicted, refuseSessionless, refuseVisitors}

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

// limiter counts connections and sessions per network, per key and in all,
// and refuses what would exceed a limit. One mutex guards it all: every
// operation is a few map lookups, at most a few times per connection.
//
// A connection is in flight from accept until it authenticates (or, if it
// is refused then, until it closes); then sessionless while no session of
// it runs. Sessions are counted on their own. Members' keys are counted in
// the totals only, and may use the share of each total that visitors may
// not.
type limiter struct {
	perKey                  int
	startups, dropStart     int
	dropRate, startupsPerIP int
	share                   int // percent of each total kept for members
	rate                    rate.Limit
	burst                   int // 0: no rate limit
	now                     func() time.Time
	roll                    func() int // 0..99, for random early drop

	mu       sync.Mutex
	nets     map[string]*netCount
	flying   map[string]*netCount // nets with connections in flight
	keys     map[string]int
	sessions pool
	idle     pool // sessionless connections
	inFlight int
	accepts  int // since the last sweep
}

// pool is what sessions and sessionless connections have in common: a cap
// in all, the members' share of it that visitors may not use, and a cap
// per network that counts visitors only.
type pool struct {
	max, perNet   int // -1: none
	all, visitors int
	full, netFull string // the reasons to give
}

// refuses names why one more would exceed p, n being the network's count.
func (p *pool) refuses(n int, member bool, share int) string {
	switch {
	case over(p.all, p.max):
		return p.full
	case !member && over(p.visitors, visitorCap(p.max, share)):
		return refuseVisitors
	case !member && over(n, p.perNet):
		return p.netFull
	}
	return ""
}

// add counts d more (or fewer) in p, and in the network's count n for a
// visitor.
func (p *pool) add(n *int, member bool, d int) {
	p.all += d
	if !member {
		p.visitors += d
		*n += d
	}
}

// visitorCap is how much of total visitors may use: all but the members'
// share percent, rounded in members' favour.
func visitorCap(total, share int) int {
	if total < 0 {
		return -1
	}
	return total - (total*share+99)/100
}

// netCount is one network's standing. idle and sessions count visitors'
// only.
type netCount struct {
	bucket   *rate.Limiter
	pending  []*connState // in flight, oldest first
	idle     int
	sessions int
}

func newLimiter(cfg Config) *limiter {
	l := &limiter{
		sessions: pool{max: pickLimit(cfg.MaxSessions, DefaultMaxSessions), perNet: pickLimit(cfg.MaxSessionsPerIP, DefaultMaxSessionsPerIP),
			full: refuseTotal, netFull: refusePerIP},
		idle: pool{max: pickLimit(cfg.MaxSessionless, DefaultMaxSessionless), perNet: pickLimit(cfg.MaxSessionlessPerIP, DefaultMaxSessionlessPerIP),
			full: refuseSessionless, netFull: refuseSessionless},
		perKey:        pickLimit(cfg.MaxSessionsPerKey, DefaultMaxSessionsPerKey),
		startups:      pickLimit(cfg.MaxStartups, DefaultMaxStartups),
		startupsPerIP: pickLimit(cfg.MaxStartupsPerIP, DefaultMaxStartupsPerIP),
		dropRate:      pickLimit(cfg.MaxStartupsRate, DefaultMaxStartupsRate),
		share:         max(pickLimit(cfg.MemberShare, DefaultMemberShare), 0),
		now:           time.Now,
		roll:          func() int { return rand.IntN(100) },
		nets:          map[string]*netCount{},
		flying:        map[string]*netCount{},
		keys:          map[string]int{},
	}
	l.share = min(l.share, 100)
	// The start defaults to a third of the full mark, as the defaults have
	// it, so that a lowered MaxStartups lowers it too.
	l.dropStart = pickLimit(cfg.MaxStartupsStart, l.startups/3)
	if l.startups < 0 || l.dropRate < 0 || (l.dropStart >= 0 && l.dropStart >= l.startups) {
		l.dropStart = -1 // no random drop: refuse at the full mark only
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

func (l *limiter) net(g string) *netCount {
	c := l.nets[g]
	if c == nil {
		c = &netCount{}
		if l.burst > 0 {
			c.bucket = rate.NewLimiter(l.rate, l.burst)
		}
		l.nets[g] = c
	}
	return c
}

// accept admits a new, unauthenticated connection st from network g, or
// names why not. It may name a victim: a connection in flight that st
// takes the place of, which the caller closes. The rate is charged first,
// so a flood spends its own tokens even when another limit refuses it.
func (l *limiter) accept(g string, st *connState) (reason string, victim *connState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.accepts++; l.accepts >= 1024 {
		l.sweep(now)
	}
	c := l.net(g)
	switch {
	case c.bucket != nil && !c.bucket.AllowN(now, 1):
		return refuseRate, nil
	case over(len(c.pending), l.startupsPerIP):
		return refuseStartups, nil
	case over(l.inFlight, l.startups):
		// Full. A network with nothing in flight yet is the one a member
		// most likely comes from: it takes the place of the oldest
		// handshake of whichever network holds the most, so holding every
		// place buys a flood nothing.
		if len(c.pending) > 0 {
			return refuseStartups, nil
		}
		if victim = l.evict(); victim == nil {
			return refuseStartups, nil
		}
	case len(c.pending) > 0 && l.dropping():
		return refuseEarlyDrop, nil
	}
	c.pending = append(c.pending, st)
	l.flying[g] = c
	l.inFlight++
	return "", victim
}

// dropping decides OpenSSH's random early drop: from dropStart connections
// in flight, refuse with a probability rising linearly from dropRate
// percent to 100% at the full mark.
func (l *limiter) dropping() bool {
	if l.dropStart < 0 || l.inFlight < l.dropStart {
		return false
	}
	p := l.dropRate + (100-l.dropRate)*(l.inFlight-l.dropStart)/(l.startups-l.dropStart)
	return l.roll() < p
}

// evict takes the oldest connection in flight off the network holding the
// most, if that network holds two or more, and returns it.
func (l *limiter) evict() *connState {
	var worst *netCount
	var wg string
	for g, c := range l.flying {
		if worst == nil || len(c.pending) > len(worst.pending) {
			worst, wg = c, g
		}
	}
	if worst == nil || len(worst.pending) < 2 {
		return nil
	}
	victim := worst.pending[0]
	l.unfly(wg, worst, 0)
	return victim
}

// unfly takes pending[i] of network g out of flight.
func (l *limiter) unfly(g string, c *netCount, i int) {
	c.pending = append(c.pending[:i], c.pending[i+1:]...)
	l.inFlight--
	if len(c.pending) == 0 {
		c.pending = nil
		delete(l.flying, g)
	}
}

// landed takes st out of flight if it is still there (an evicted
// connection no longer is), and reports whether it was.
func (l *limiter) landed(g string, st *connState) bool {
	c := l.nets[g]
	if c == nil {
		return false
	}
	for i, p := range c.pending {
		if p == st {
			l.unfly(g, c, i)
			return true
		}
	}
	return false
}

// admit moves an authenticated connection from in flight to sessionless,
// or names why it may not stay; refused, it stays in flight (holding its
// startup place) until it closes.
func (l *limiter) admit(g string, st *connState, member bool) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.nets[g]
	if c == nil || !slices.Contains(c.pending, st) {
		return refuseEvicted
	}
	if why := l.idle.refuses(c.idle, member, l.share); why != "" {
		return why
	}
	l.landed(g, st)
	l.idle.add(&c.idle, member, 1)
	return ""
}

// leaveFlight releases a connection that closes in flight.
func (l *limiter) leaveFlight(g string, st *connState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.landed(g, st) {
		l.forget(g, l.nets[g], l.now())
	}
}

// sessionless counts a connection whose last session ended (d 1) or that
// starts its first session or closes (d -1). A connection that becomes
// sessionless is never refused for it: its time limit bounds it.
func (l *limiter) sessionless(g string, member bool, d int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.net(g)
	l.idle.add(&c.idle, member, d)
	if d < 0 {
		l.forget(g, c, l.now())
	}
}

// openSession admits a session for key from network g, or names why not.
func (l *limiter) openSession(g, key string, member bool) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.net(g)
	if why := l.sessions.refuses(c.sessions, member, l.share); why != "" {
		return why
	}
	if over(l.keys[key], l.perKey) {
		return refusePerKey
	}
	l.sessions.add(&c.sessions, member, 1)
	l.keys[key]++
	return ""
}

func (l *limiter) closeSession(g, key string, member bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.net(g)
	l.sessions.add(&c.sessions, member, -1)
	if l.keys[key]--; l.keys[key] <= 0 {
		delete(l.keys, key)
	}
	l.forget(g, c, l.now())
}

// forget drops a network that holds nothing and whose bucket is full
// again: it is then indistinguishable from one never seen.
func (l *limiter) forget(g string, c *netCount, now time.Time) {
	if c == nil || len(c.pending) > 0 || c.idle > 0 || c.sessions > 0 {
		return
	}
	if c.bucket != nil && c.bucket.TokensAt(now) < float64(l.burst) {
		return
	}
	delete(l.nets, g)
}

// sweep forgets networks whose buckets refilled since they were last used;
// accept calls it every so often, so a scan of many addresses leaves no
// lasting trace.
func (l *limiter) sweep(now time.Time) {
	l.accepts = 0
	for g, c := range l.nets {
		l.forget(g, c, now)
	}
}

// counts is a snapshot for tests and logs.
type counts struct{ sessions, idle, inFlight, nets int }

func (l *limiter) counts() counts {
	l.mu.Lock()
	defer l.mu.Unlock()
	return counts{sessions: l.sessions.all, idle: l.idle.all, inFlight: l.inFlight, nets: len(l.nets)}
}

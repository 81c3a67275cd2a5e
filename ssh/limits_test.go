package ssh

import (
	"fmt"
	"net"
	"testing"
	"time"
)

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func limiterWith(cfg Config, c *fakeClock) *limiter {
	l := newLimiter(cfg)
	l.now = c.now
	return l
}

// fly accepts a new connection from g, failing the test if refused.
func fly(t *testing.T, l *limiter, g string) *connState {
	t.Helper()
	st := &connState{group: g}
	if r, v := l.accept(g, st); r != "" || v != nil {
		t.Fatalf("connection from %s: %q (victim %v)", g, r, v)
	}
	return st
}

func TestLimitDefaults(t *testing.T) {
	l := newLimiter(Config{})
	if l.sessions.max != DefaultMaxSessions || l.perKey != DefaultMaxSessionsPerKey || l.sessions.perNet != DefaultMaxSessionsPerIP ||
		l.idle.max != DefaultMaxSessionless || l.idle.perNet != DefaultMaxSessionlessPerIP ||
		l.startups != DefaultMaxStartups || l.dropStart != DefaultMaxStartupsStart || l.dropRate != DefaultMaxStartupsRate ||
		l.startupsPerIP != DefaultMaxStartupsPerIP || l.share != DefaultMemberShare ||
		float64(l.rate) != DefaultConnRatePerIP || l.burst != DefaultConnBurstPerIP {
		t.Fatalf("zero Config did not pick the defaults: %+v", l)
	}
	if DefaultMaxSessions < 1000 {
		t.Fatal("the default total must hold a thousand sessions")
	}
	if 8*DefaultMaxStartupsPerIP >= DefaultMaxStartupsStart {
		t.Fatal("eight networks at their startup limit must stay below the random drop")
	}
	l = newLimiter(Config{MaxSessions: -1, MaxSessionsPerKey: -5, MaxSessionsPerIP: -1, MaxStartups: -1, MaxStartupsPerIP: -1,
		MaxSessionless: -1, MaxSessionlessPerIP: -1, ConnRatePerIP: -1, MemberShare: -1})
	if l.sessions.max != -1 || l.perKey != -1 || l.sessions.perNet != -1 || l.startups != -1 || l.startupsPerIP != -1 ||
		l.idle.max != -1 || l.idle.perNet != -1 || l.dropStart != -1 || l.burst != 0 || l.share != 0 {
		t.Fatalf("negative Config did not turn limits off: %+v", l)
	}
	if l := newLimiter(Config{ConnBurstPerIP: -1}); l.burst != 0 {
		t.Fatal("a negative burst did not turn the rate limit off")
	}
	if l := newLimiter(Config{MaxStartups: 30}); l.dropStart != 10 {
		t.Fatalf("random drop starts at %d of 30, want a third", l.dropStart)
	}
	if l := newLimiter(Config{MaxStartups: 30, MaxStartupsStart: 30}); l.dropStart != -1 {
		t.Fatalf("start at the full mark should mean no random drop, got %d", l.dropStart)
	}
	for i := 0; i < 10000; i++ {
		st := fly(t, l, "192.0.2.0/24")
		if r := l.admit("192.0.2.0/24", st, false); r != "" {
			t.Fatalf("unlimited limiter refused login %d: %s", i, r)
		}
		if r := l.openSession("192.0.2.0/24", "k", false); r != "" {
			t.Fatalf("unlimited limiter refused session %d: %s", i, r)
		}
	}
}

func TestLimitRate(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{ConnRatePerIP: 2, ConnBurstPerIP: 3, MaxStartupsPerIP: -1}, clk)
	a, b := "192.0.2.0/24", "198.51.100.0/24"
	for i := 0; i < 3; i++ {
		fly(t, l, a)
	}
	if r, _ := l.accept(a, &connState{}); r != refuseRate {
		t.Fatalf("fourth connection in a burst of 3: %q, want %q", r, refuseRate)
	}
	fly(t, l, b)
	clk.advance(500 * time.Millisecond) // one token at 2/s
	fly(t, l, a)
	if r, _ := l.accept(a, &connState{}); r != refuseRate {
		t.Fatalf("second connection after half a second: %q", r)
	}
}

// TestLimitStartups: a network's own limit is firm; at the full mark a
// newcomer from a network with nothing in flight takes the place of the
// oldest connection of the network holding the most.
func TestLimitStartups(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{MaxStartups: 5, MaxStartupsStart: 5, MaxStartupsPerIP: 3, ConnRatePerIP: -1}, clk)
	flood := []string{"203.0.113.0/24", "198.51.100.0/24"}
	first := fly(t, l, flood[0])
	fly(t, l, flood[0])
	fly(t, l, flood[0])
	if r, _ := l.accept(flood[0], &connState{}); r != refuseStartups {
		t.Fatalf("fourth in flight from a network: %q, want %q", r, refuseStartups)
	}
	fly(t, l, flood[1])
	member := fly(t, l, "192.0.2.0/24") // the fifth: full now
	// A sixth from a fresh network evicts the flood's oldest.
	st := &connState{}
	r, victim := l.accept("192.0.3.0/24", st)
	if r != "" || victim != first {
		t.Fatalf("at the full mark: %q, victim %p, want the flood's oldest %p", r, victim, first)
	}
	if c := l.counts(); c.inFlight != 5 {
		t.Fatalf("in flight after an eviction: %d", c.inFlight)
	}
	// The evicted connection's own release changes nothing; it cannot log in.
	l.leaveFlight(flood[0], first)
	if c := l.counts(); c.inFlight != 5 {
		t.Fatalf("an evicted connection was released twice: %+v", c)
	}
	if r := l.admit(flood[0], first, true); r != refuseEvicted {
		t.Fatalf("an evicted connection logged in: %q", r)
	}
	// Networks that hold one each are not evicted from: the newcomer waits.
	l2 := limiterWith(Config{MaxStartups: 2, MaxStartupsStart: 2, ConnRatePerIP: -1}, clk)
	fly(t, l2, "10.0.1.0/24")
	fly(t, l2, "10.0.2.0/24")
	if r, v := l2.accept("10.0.3.0/24", &connState{}); r != refuseStartups || v != nil {
		t.Fatalf("full with one each: %q, victim %v", r, v)
	}
	// A network already in flight is refused at the full mark.
	if r, _ := l.accept("192.0.2.0/24", &connState{}); r != refuseStartups {
		t.Fatalf("second from the member's network at the full mark: %q", r)
	}
	// Logging in frees the place; closing in flight too.
	if r := l.admit("192.0.2.0/24", member, true); r != "" {
		t.Fatal(r)
	}
	fly(t, l, "192.0.4.0/24")
	l.leaveFlight("192.0.3.0/24", st)
	fly(t, l, "192.0.3.0/24")
	if c := l.counts(); c.inFlight != 5 || c.idle != 1 {
		t.Fatalf("counts %+v", c)
	}
}

// TestLimitEarlyDrop: between start and full, a newcomer from a network
// already in flight is dropped with a probability rising from rate to
// 100%; one from a network with nothing in flight never is.
func TestLimitEarlyDrop(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{MaxStartups: 20, MaxStartupsStart: 10, MaxStartupsRate: 30, MaxStartupsPerIP: -1, ConnRatePerIP: -1}, clk)
	dice := 0
	l.roll = func() int { return dice }
	for i := 0; i < 10; i++ {
		fly(t, l, "203.0.113.0/24")
	}
	// 10 in flight: p = 30%.
	dice = 29
	if r, _ := l.accept("203.0.113.0/24", &connState{}); r != refuseEarlyDrop {
		t.Fatalf("roll 29 at p=30%%: %q", r)
	}
	dice = 30
	fly(t, l, "203.0.113.0/24")
	// 11 in flight: p = 30 + 70*1/10 = 37%.
	dice = 36
	if r, _ := l.accept("203.0.113.0/24", &connState{}); r != refuseEarlyDrop {
		t.Fatalf("roll 36 at p=37%%: %q", r)
	}
	dice = 99
	fly(t, l, "203.0.113.0/24") // 12
	dice = 0
	fly(t, l, "192.0.2.0/24") // a fresh network is never dropped at random
}

// TestLimitSessions: sessions per key, per network (visitors only) and in
// all, with the members' share of the total out of visitors' reach.
func TestLimitSessions(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{MaxSessions: 8, MaxSessionsPerIP: 3, MaxSessionsPerKey: 2, MemberShare: 25, ConnRatePerIP: -1}, clk)
	a, b, c := "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"
	for _, k := range []string{"v1", "v1"} {
		if r := l.openSession(a, k, false); r != "" {
			t.Fatal(r)
		}
	}
	if r := l.openSession(a, "v1", false); r != refusePerKey {
		t.Fatalf("third session of a key: %q", r)
	}
	if r := l.openSession(b, "v1", false); r != refusePerKey {
		t.Fatalf("the key limit follows the key across networks: %q", r)
	}
	if r := l.openSession(a, "v2", false); r != "" {
		t.Fatal(r)
	}
	if r := l.openSession(a, "v3", false); r != refusePerIP {
		t.Fatalf("fourth visitor session from one network: %q", r)
	}
	// Members are not counted per network.
	if r := l.openSession(a, "m1", true); r != "" {
		t.Fatalf("a member from a full network: %q", r)
	}
	// Visitors may hold 6 of 8 (a quarter is members'): 3 from a, 3 more.
	for _, k := range []string{"v4", "v5", "v6"} {
		if r := l.openSession(b, k, false); r != "" {
			t.Fatal(r)
		}
	}
	if r := l.openSession(c, "v7", false); r != refuseVisitors {
		t.Fatalf("a visitor past the visitors' share: %q", r)
	}
	if r := l.openSession(c, "m2", true); r != "" {
		t.Fatalf("a member within the members' share: %q", r)
	}
	if r := l.openSession(c, "m3", true); r != refuseTotal {
		t.Fatalf("ninth session overall: %q", r)
	}
	l.closeSession(b, "v4", false)
	if r := l.openSession(c, "v7", false); r != "" {
		t.Fatalf("after a visitor's session closed: %s", r)
	}
}

// TestLimitSessionless: logged-in connections without a session are
// bounded per network and in all, with the members' share kept.
func TestLimitSessionless(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{MaxSessionless: 4, MaxSessionlessPerIP: 2, MaxStartupsPerIP: -1, ConnRatePerIP: -1}, clk)
	login := func(g string, member bool) (*connState, string) {
		st := fly(t, l, g)
		return st, l.admit(g, st, member)
	}
	a, b := "192.0.2.0/24", "198.51.100.0/24"
	for i := 0; i < 2; i++ {
		if _, r := login(a, false); r != "" {
			t.Fatal(r)
		}
	}
	st, r := login(a, false)
	if r != refuseSessionless {
		t.Fatalf("third sessionless visitor from a network: %q", r)
	}
	if c := l.counts(); c.inFlight != 1 || c.idle != 2 {
		t.Fatalf("a refused login keeps its place in flight until it closes: %+v", l.counts())
	}
	l.leaveFlight(a, st)
	if _, r := login(b, false); r != "" {
		t.Fatal(r)
	}
	if _, r := login(b, false); r != refuseVisitors {
		t.Fatalf("a visitor past the visitors' share (3 of 4): %q", r)
	}
	if _, r := login(a, true); r != "" {
		t.Fatalf("a member from a full network: %q", r)
	}
	if _, r := login(b, true); r != refuseSessionless {
		t.Fatalf("fifth sessionless overall: %q", r)
	}
	// A session moves its connection out of the count; ending it, back.
	l.sessionless(a, false, -1)
	if _, r := login(b, true); r != "" {
		t.Fatalf("after one opened a session: %q", r)
	}
	l.sessionless(a, false, 1) // never refused: its time limit bounds it
	if c := l.counts(); c.idle != 5 || c.inFlight != 2 {
		t.Fatalf("counts %+v", c)
	}
}

// TestLimitForgets: a network that holds nothing and whose bucket has
// refilled leaves no entry behind, so scanning many addresses costs no
// lasting memory.
func TestLimitForgets(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{ConnRatePerIP: 10, ConnBurstPerIP: 10}, clk)
	for i := 0; i < 3000; i++ {
		g := fmt.Sprintf("10.%d.%d.0/24", i>>8, i&0xff)
		st := fly(t, l, g)
		l.leaveFlight(g, st)
		clk.advance(time.Millisecond)
	}
	if n := l.counts().nets; n > 1100 {
		t.Fatalf("%d networks remembered after a scan", n)
	}
	clk.advance(time.Second)
	st := fly(t, l, "192.0.2.0/24")
	l.leaveFlight("192.0.2.0/24", st)
	clk.advance(time.Second)
	l.sweep(clk.now())
	if n := l.counts().nets; n != 0 {
		t.Fatalf("%d networks remembered after they all refilled", n)
	}
	// One still holding a session is kept.
	l.openSession("192.0.3.0/24", "k", false)
	l.sweep(clk.now())
	if n := l.counts().nets; n != 1 {
		t.Fatalf("a network with an open session was forgotten (%d)", n)
	}
}

func TestNetworkOf(t *testing.T) {
	tcp := func(s string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(s), Port: 5} }
	for _, c := range []struct {
		addr   net.Addr
		v4, v6 int
		want   string
	}{
		{tcp("192.0.2.1"), 24, 64, "192.0.2.0/24"},
		{tcp("192.0.2.250"), 24, 64, "192.0.2.0/24"},
		{tcp("::ffff:192.0.2.9"), 24, 64, "192.0.2.0/24"},
		{tcp("2001:db8:1:2:3:4:5:6"), 24, 64, "2001:db8:1:2::/64"},
		{tcp("2001:db8:1:2:ffff::1"), 24, 64, "2001:db8:1:2::/64"},
		{tcp("2001:db8::1"), 24, 128, "2001:db8::1/128"},
		{tcp("192.0.2.1"), 32, 64, "192.0.2.1/32"},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, 24, 64, "/tmp/s"},
		{nil, 24, 64, "unknown"},
	} {
		if got := networkOf(c.addr, c.v4, c.v6); got != c.want {
			t.Errorf("networkOf(%v, %d, %d) = %q, want %q", c.addr, c.v4, c.v6, got, c.want)
		}
	}
	if prefixLen(0, 24, 32) != 24 || prefixLen(-1, 24, 32) != 32 || prefixLen(200, 64, 128) != 128 || prefixLen(16, 24, 32) != 16 {
		t.Fatal("prefixLen")
	}
}

// TestFitToFiles: caps left at their defaults shrink to fit the open-file
// limit with room for the store; explicit ones stay.
func TestFitToFiles(t *testing.T) {
	if got, lowered := fitToFiles(Config{}, 1<<20, 50); lowered || got.MaxSessions != 0 {
		t.Fatalf("a high limit changed the defaults: %+v", got)
	}
	got, lowered := fitToFiles(Config{}, 1024, 40)
	if !lowered {
		t.Fatal("1024 files cannot hold the default caps, yet nothing was lowered")
	}
	if sum := got.MaxSessions + got.MaxSessionless + got.MaxStartups; sum+40+fdHeadroom > 1024 {
		t.Fatalf("fitted caps %d+%d+%d leave no room in 1024 files", got.MaxSessions, got.MaxSessionless, got.MaxStartups)
	}
	if got.MaxSessions < 500 || got.MaxStartups < 50 || got.MaxSessionless < 50 {
		t.Fatalf("fitted caps are needlessly small: %+v", got)
	}
	kept, _ := fitToFiles(Config{MaxSessions: 600, MaxStartups: -1}, 1024, 40)
	if kept.MaxSessions != 600 || kept.MaxStartups != -1 || kept.MaxSessionless == 0 || 600+kept.MaxSessionless+40+fdHeadroom > 1024 {
		t.Fatalf("explicit caps were not kept, or the rest not fitted: %+v", kept)
	}
	tiny, _ := fitToFiles(Config{}, 100, 40)
	if tiny.MaxSessions != minFitSessions || tiny.MaxStartups != minFitStartups || tiny.MaxSessionless != minFitSessionless {
		t.Fatalf("a hopeless limit should give the floors: %+v", tiny)
	}
	if same, lowered := fitToFiles(Config{}, -1, 40); lowered || same.MaxSessions != 0 {
		t.Fatal("a negative limit should fit nothing")
	}
}

func TestRefusalLogSamples(t *testing.T) {
	logs := &lockedBuffer{}
	r := newRefusalLog(slogTo(logs))
	clk := newFakeClock()
	r.now = clk.now
	for i := 0; i < 100; i++ {
		r.refused(refuseRate, "203.0.113.1:1")
	}
	clk.advance(2 * time.Second)
	r.refused(refuseRate, "203.0.113.1:1")
	r.refused(refuseStartups, "203.0.113.1:1")
	if n := countLines(logs.String(), "refused connection"); n != 3 {
		t.Fatalf("%d log lines for 102 refusals, want 3:\n%s", n, logs.String())
	}
	if !containsAll(logs.String(), "refused=100", "reason=startups") {
		t.Fatalf("the second line does not count the refusals it stands for:\n%s", logs.String())
	}
}

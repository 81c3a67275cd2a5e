package ssh

import (
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

func TestLimitDefaults(t *testing.T) {
	l := newLimiter(Config{})
	if l.maxSessions != DefaultMaxSessions || l.perKey != DefaultMaxSessionsPerKey || l.perIP != DefaultMaxSessionsPerIP ||
		l.startups != DefaultMaxStartups || l.startupsPerIP != DefaultMaxStartupsPerIP ||
		float64(l.rate) != DefaultConnRatePerIP || l.burst != DefaultConnBurstPerIP {
		t.Fatalf("zero Config did not pick the defaults: %+v", l)
	}
	if DefaultMaxSessions < 1000 {
		t.Fatal("the default total must hold a thousand sessions")
	}
	l = newLimiter(Config{MaxSessions: -1, MaxSessionsPerKey: -5, MaxSessionsPerIP: -1, MaxStartups: -1, MaxStartupsPerIP: -1, ConnRatePerIP: -1})
	if l.maxSessions != -1 || l.perKey != -1 || l.perIP != -1 || l.startups != -1 || l.startupsPerIP != -1 || l.burst != 0 {
		t.Fatalf("negative Config did not turn limits off: %+v", l)
	}
	if l := newLimiter(Config{ConnBurstPerIP: -1}); l.burst != 0 {
		t.Fatal("a negative burst did not turn the rate limit off")
	}
	for i := 0; i < 10000; i++ {
		if r := l.accept("192.0.2.1"); r != "" {
			t.Fatalf("unlimited limiter refused connection %d: %s", i, r)
		}
		l.authenticated("192.0.2.1")
		if r := l.openSession("192.0.2.1", "k"); r != "" {
			t.Fatalf("unlimited limiter refused session %d: %s", i, r)
		}
	}
}

func TestLimitRate(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{ConnRatePerIP: 2, ConnBurstPerIP: 3, MaxStartupsPerIP: -1}, clk)
	a, b := "192.0.2.1", "198.51.100.9"
	for i := 0; i < 3; i++ {
		if r := l.accept(a); r != "" {
			t.Fatalf("burst connection %d refused: %s", i, r)
		}
	}
	if r := l.accept(a); r != refuseRate {
		t.Fatalf("fourth connection in a burst of 3: %q, want %q", r, refuseRate)
	}
	if r := l.accept(b); r != "" {
		t.Fatalf("another address was refused: %s", r)
	}
	clk.advance(500 * time.Millisecond) // one token at 2/s
	if r := l.accept(a); r != "" {
		t.Fatalf("refilled token refused: %s", r)
	}
	if r := l.accept(a); r != refuseRate {
		t.Fatalf("second connection after half a second: %q", r)
	}
}

func TestLimitStartups(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{MaxStartups: 5, MaxStartupsPerIP: 2, ConnRatePerIP: -1}, clk)
	flood := []string{"203.0.113.1", "203.0.113.2"}
	for _, ip := range flood {
		for i := 0; i < 2; i++ {
			if r := l.accept(ip); r != "" {
				t.Fatalf("%s connection %d: %s", ip, i, r)
			}
		}
		if r := l.accept(ip); r != refuseStartups {
			t.Fatalf("%s third in flight: %q, want %q", ip, r, refuseStartups)
		}
	}
	member := "192.0.2.7"
	if r := l.accept(member); r != "" {
		t.Fatalf("a member's address was refused while others flood: %s", r)
	}
	// The total is now full (5): a new address waits for a slot.
	if r := l.accept("192.0.2.8"); r != refuseStartups {
		t.Fatalf("sixth in flight overall: %q", r)
	}
	// Authenticating frees the slot; closing an unauthenticated one too.
	l.authenticated(member)
	if r := l.accept("192.0.2.8"); r != "" {
		t.Fatalf("after one authenticated: %s", r)
	}
	l.closed(flood[0], false)
	if r := l.accept(flood[0]); r != "" {
		t.Fatalf("after one closed: %s", r)
	}
	if c := l.counts(); c.inFlight != 5 || c.conns != 1 {
		t.Fatalf("counts %+v", c)
	}
}

func TestLimitSessions(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{MaxSessions: 4, MaxSessionsPerIP: 3, MaxSessionsPerKey: 2, ConnRatePerIP: -1}, clk)
	ip, other := "192.0.2.1", "192.0.2.2"
	if r := l.openSession(ip, "k1"); r != "" {
		t.Fatal(r)
	}
	if r := l.openSession(ip, "k1"); r != "" {
		t.Fatal(r)
	}
	if r := l.openSession(ip, "k1"); r != refusePerKey {
		t.Fatalf("third session of a key: %q", r)
	}
	if r := l.openSession(other, "k1"); r != refusePerKey {
		t.Fatalf("the key limit follows the key across addresses: %q", r)
	}
	if r := l.openSession(ip, "k2"); r != "" {
		t.Fatal(r)
	}
	if r := l.openSession(ip, "k3"); r != refusePerIP {
		t.Fatalf("fourth session from one address: %q", r)
	}
	if r := l.openSession(other, "k3"); r != "" {
		t.Fatal(r)
	}
	if r := l.openSession(other, "k4"); r != refuseTotal {
		t.Fatalf("fifth session overall: %q", r)
	}
	l.closeSession(ip, "k1")
	if r := l.openSession(other, "k4"); r != "" {
		t.Fatalf("after one closed: %s", r)
	}
	// Authenticated connections, which may hold no session, are bounded at
	// twice the session limits.
	for i := 0; i < 6; i++ {
		if r := l.accept(ip); r != "" {
			t.Fatal(r)
		}
		l.authenticated(ip)
	}
	if r := l.accept(ip); r != refusePerIP {
		t.Fatalf("seventh open connection from one address: %q", r)
	}
	for i := 0; i < 2; i++ {
		l.accept(other)
		l.authenticated(other)
	}
	if r := l.accept("192.0.2.3"); r != refuseTotal {
		t.Fatalf("ninth open connection overall: %q", r)
	}
}

// TestLimitForgets: an address that holds nothing and whose bucket has
// refilled leaves no entry behind, so scanning many addresses costs no
// lasting memory.
func TestLimitForgets(t *testing.T) {
	clk := newFakeClock()
	l := limiterWith(Config{ConnRatePerIP: 10, ConnBurstPerIP: 10}, clk)
	for i := 0; i < 3000; i++ {
		ip := net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)).String()
		if r := l.accept(ip); r != "" {
			t.Fatal(r)
		}
		l.closed(ip, false)
		clk.advance(time.Millisecond)
	}
	if n := l.counts().ips; n > 1100 {
		t.Fatalf("%d addresses remembered after a scan", n)
	}
	clk.advance(time.Second)
	l.accept("192.0.2.1")
	l.closed("192.0.2.1", false)
	clk.advance(time.Second)
	l.sweep(clk.now())
	if n := l.counts().ips; n != 0 {
		t.Fatalf("%d addresses remembered after they all refilled", n)
	}
	// One still holding a session is kept.
	l.openSession("192.0.2.2", "k")
	l.sweep(clk.now())
	if n := l.counts().ips; n != 1 {
		t.Fatalf("an address with an open session was forgotten (%d)", n)
	}
}

func TestIPOf(t *testing.T) {
	for _, c := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 5}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 5}, "2001:db8::1"},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, "/tmp/s"},
		{nil, "unknown"},
	} {
		if got := ipOf(c.addr); got != c.want {
			t.Errorf("ipOf(%v) = %q, want %q", c.addr, got, c.want)
		}
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

package web

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Requests are limited per client network, as the SSH door limits new
// connections: a /24 for IPv4 and a /64 for IPv6, since one host commonly
// holds a whole /64. Behind a reverse proxy every request comes from the
// proxy's address; let the proxy limit then (--http-rate-per-ip -1).

// maxNetworks bounds the limiter's memory: past it, idle networks are
// forgotten at once, and if none is idle, the fullest bucket is not kept.
const maxNetworks = 1 << 16

type limiter struct {
	r     rate.Limit
	burst int
	off   bool

	mu        sync.Mutex
	nets      map[string]*netBucket
	lastSweep time.Time
}

type netBucket struct {
	b    *rate.Limiter
	seen time.Time
}

func newLimiter(r float64, burst int) *limiter {
	l := &limiter{nets: map[string]*netBucket{}}
	switch {
	case r < 0 || burst < 0:
		l.off = true
	default:
		if r == 0 {
			r = DefaultRatePerIP
		}
		if burst == 0 {
			burst = DefaultBurstPerIP
		}
		l.r, l.burst = rate.Limit(r), burst
	}
	return l
}

// network is the key ip is counted under.
func network(ip net.IP) string {
	if ip == nil {
		return "?"
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String()
}

// allow takes one request from ip's network at now, or says how long to
// wait.
func (l *limiter) allow(ip net.IP, now time.Time) (time.Duration, bool) {
	if l.off {
		return 0, true
	}
	g := network(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute || len(l.nets) >= maxNetworks {
		l.sweep(now)
	}
	nb := l.nets[g]
	if nb == nil {
		nb = &netBucket{b: rate.NewLimiter(l.r, l.burst)}
		if len(l.nets) < maxNetworks {
			l.nets[g] = nb
		}
	}
	nb.seen = now
	res := nb.b.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// sweep forgets networks idle long enough for their bucket to be full
// again: remembering them would change nothing.
func (l *limiter) sweep(now time.Time) {
	full := time.Duration(float64(l.burst)/float64(l.r)*float64(time.Second)) + time.Second
	for g, nb := range l.nets {
		if now.Sub(nb.seen) > full {
			delete(l.nets, g)
		}
	}
	l.lastSweep = now
}

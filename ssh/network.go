package ssh

import (
	"net"
	"net/netip"
)

// ipOf is the host part of a connection's remote address, for logs.
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

// networkOf is the network whose limits an address counts against: its
// /v4 prefix for IPv4 (and IPv4-mapped IPv6), its /v6 prefix for IPv6, as
// "192.0.2.0/24". One customer of a provider holds a whole IPv6 /64, so
// counting single addresses would give a flood unlimited identities. An
// address that is not IP (a Unix socket) is its own network.
func networkOf(a net.Addr, v4, v6 int) string {
	var addr netip.Addr
	if t, ok := a.(*net.TCPAddr); ok {
		addr, _ = netip.AddrFromSlice(t.IP)
	} else {
		addr, _ = netip.ParseAddr(ipOf(a))
	}
	if !addr.IsValid() {
		return ipOf(a)
	}
	addr = addr.Unmap().WithZone("")
	bits := v6
	if addr.Is4() {
		bits = v4
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return ipOf(a)
	}
	return p.String()
}

// prefixLen resolves a Config prefix length: zero picks def, negative or
// too long means single addresses.
func prefixLen(n, def, full int) int {
	switch {
	case n == 0:
		return def
	case n < 0 || n > full:
		return full
	}
	return n
}

// network is the network a counts against, by the server's prefixes.
func (s *Server) network(a net.Addr) string { return networkOf(a, s.v4, s.v6) }

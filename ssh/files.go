package ssh

import (
	"fmt"
	"os"
)

// fdHeadroom is what the door leaves of the open-file limit, besides the
// files open when it starts (Badger's tables and logs, the listener, the
// log), for Badger to open more as the store grows and for the metrics
// and control sockets.
const fdHeadroom = 256

// Smallest caps fitToFiles will choose, however low the limit: below these
// the hub is not worth serving, and the log says to raise the limit.
const (
	minFitSessions    = 16
	minFitSessionless = 8
	minFitStartups    = 8
)

// fitToFiles lowers the connection and session caps a Config leaves at
// their defaults, so that a full door never holds more sockets than the
// process may open files: past that, accept fails and the server backs
// off, and members wait minutes at a door that looks open. Every
// connection is one socket; at most MaxStartups are in flight,
// MaxSessionless sit without a session, and each other one runs a session.
// Caps set explicitly are kept. It reports whether it lowered anything.
func fitToFiles(cfg Config, nofile, open int) (Config, bool) {
	if nofile <= 0 {
		return cfg, false
	}
	type cap struct {
		v   *int
		def int
		min int
	}
	caps := []cap{
		{&cfg.MaxSessions, DefaultMaxSessions, minFitSessions},
		{&cfg.MaxSessionless, DefaultMaxSessionless, minFitSessionless},
		{&cfg.MaxStartups, DefaultMaxStartups, minFitStartups},
	}
	budget := nofile - open - fdHeadroom
	want := 0
	for _, c := range caps {
		switch {
		case *c.v > 0:
			budget -= *c.v
		case *c.v == 0:
			want += c.def
		}
	}
	if want == 0 || budget >= want {
		return cfg, false
	}
	for _, c := range caps {
		if *c.v == 0 {
			*c.v = max(c.min, c.def*max(budget, 0)/want)
		}
	}
	return cfg, true
}

// openFiles counts the files the process has open, where the system says;
// otherwise it guesses a small store's worth.
func openFiles() int {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		if es, err := os.ReadDir(dir); err == nil {
			return len(es)
		}
	}
	return 64
}

// fitLimits builds the limiter from cfg, with the caps left at their
// defaults lowered to fit the open-file limit, and logs what it chose.
func (s *Server) fitLimits(cfg Config) *limiter {
	nofile := cfg.FileLimit
	if nofile == 0 {
		nofile = fileLimit()
	}
	fitted, lowered := fitToFiles(cfg, nofile, openFiles())
	l := newLimiter(fitted)
	attrs := []any{"max_sessions", l.sessions.max, "max_sessionless", l.idle.max,
		"max_startups", fmt.Sprintf("%d:%d:%d", l.dropStart, l.dropRate, l.startups), "nofile", nofile}
	if lowered {
		s.log.Warn("the open-file limit is too low for the door's default caps, so they were lowered to fit; raise it (LimitNOFILE= in a systemd unit) to serve more", attrs...)
	} else {
		s.log.Info("door limits", attrs...)
	}
	return l
}

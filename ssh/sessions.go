package ssh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/state"
)

// revokeGrace is how long a revoked app gets to restore the member's
// terminal, or a revoked command's last line to reach them, before the
// connection is closed regardless.
const revokeGrace = 5 * time.Second

// errRevoked is the cause of a revoked session's context.
var errRevoked = errors.New("access revoked")

// liveSession is an open session as the registry knows it.
type liveSession struct {
	id     uint64
	kind   string
	fp     string
	ip     string
	member uint64 // 0: a visitor, who stays one
	// whileSuspended is set for commands a suspended member may still run,
	// selfChange for those that may take the caller's own key away.
	whileSuspended bool
	selfChange     bool
	// leaving is set by an app session whose member is leaving from it.
	leaving atomic.Bool

	sess   cssh.Session
	ctx    context.Context // cancelled when the session is revoked
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the handler returns

	endOnce sync.Once
	mu      sync.Mutex
	revoked string // the message, once revoked
}

// end sends the session's last words and exit status, once: either the
// handler's own or the revocation's, whichever comes first.
func (ls *liveSession) end(code int, msg string) {
	ls.endOnce.Do(func() {
		if msg != "" {
			fmt.Fprintln(ls.sess.Stderr(), "polis: "+msg)
		}
		_ = ls.sess.Exit(code)
	})
}

func (ls *liveSession) revocation() string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.revoked
}

// closeConn closes the session's whole connection: every session on it
// authenticated with the same key.
func (ls *liveSession) closeConn() {
	if c, ok := ls.sess.Context().Value(cssh.ContextKeyConn).(*gossh.ServerConn); ok {
		_ = c.Close()
	}
}

// registry holds the open sessions that belong to members, by key, so that
// one pass per change rechecks each key once however many sessions it has;
// and every open app, a visitor's too, so that a shutdown can tell each
// why it ends.
type registry struct {
	mu    sync.Mutex
	byKey map[string]map[*liveSession]struct{}
	apps  map[*liveSession]struct{}
}

func newRegistry() *registry {
	return &registry{byKey: map[string]map[*liveSession]struct{}{}, apps: map[*liveSession]struct{}{}}
}

func (r *registry) add(ls *liveSession) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ls.kind == kindApp {
		r.apps[ls] = struct{}{}
	}
	if ls.member == 0 {
		return
	}
	set := r.byKey[ls.fp]
	if set == nil {
		set = map[*liveSession]struct{}{}
		r.byKey[ls.fp] = set
	}
	set[ls] = struct{}{}
}

func (r *registry) remove(ls *liveSession) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.apps, ls)
	if ls.member == 0 {
		return
	}
	if set := r.byKey[ls.fp]; set != nil {
		delete(set, ls)
		if len(set) == 0 {
			delete(r.byKey, ls.fp)
		}
	}
}

// openApps lists the open app sessions.
func (r *registry) openApps() []*liveSession {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*liveSession, 0, len(r.apps))
	for ls := range r.apps {
		out = append(out, ls)
	}
	return out
}

func (r *registry) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.byKey))
	for fp := range r.byKey {
		out = append(out, fp)
	}
	return out
}

func (r *registry) sessions(fp string) []*liveSession {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*liveSession, 0, len(r.byKey[fp]))
	for ls := range r.byKey[fp] {
		out = append(out, ls)
	}
	return out
}

// standing is what a key's member record says about a session now: "" if it
// may go on, otherwise why not.
func standing(ls *liveSession, m state.Member, ok bool, now int64) string {
	switch {
	case ls.member == 0 || ls.selfChange || ls.leaving.Load():
		return ""
	case !ok || m.ID != ls.member || m.Left != 0:
		return fmt.Sprintf("this key no longer belongs to member %d; the session is closed", ls.member)
	case m.Expelled:
		return fmt.Sprintf("member %d was expelled; the session is closed", m.ID)
	case m.Suspended(now) && !ls.whileSuspended:
		return fmt.Sprintf("your membership is suspended until %s; the session is closed", state.Day(m.SuspendedUntil))
	}
	return ""
}

// revoke ends ls because of why. The session's context is cancelled at
// once, which ends an app (restoring the member's terminal) and any hub call
// a command is waiting on; a command's last line goes out at once. The
// connection is closed when the handler has returned, or after
// revokeGrace if it does not.
func (s *Server) revoke(ls *liveSession, why string) {
	ls.mu.Lock()
	if ls.revoked != "" {
		ls.mu.Unlock()
		return
	}
	ls.revoked = why
	ls.mu.Unlock()
	s.log.Info("session revoked", "session", ls.id, "key", ls.fp, "member", ls.member, "kind", ls.kind, "remote", ls.ip, "why", why)
	ls.cancel(errRevoked)
	go func() {
		if ls.kind == kindCommand {
			// A command may be blocked reading stdin, which no context
			// reaches; its session ends now and the handler finds out later.
			go ls.end(1, why)
		}
		t := time.NewTimer(revokeGrace)
		defer t.Stop()
		select {
		case <-ls.done:
		case <-t.C:
		}
		ls.closeConn()
	}()
}

// recheck revokes the sessions whose key no longer stands. It reads the
// member list, which the hub shares between callers and reads again only
// after a change to a member (the open apps read it after every change
// anyway), and does nothing when the hub's member generation is the one it
// checked last time: a commit that touched no member costs the door nothing.
// Visitors cost nothing, and nothing is read while no member is connected.
func (s *Server) recheck() {
	fps := s.reg.keys()
	if len(fps) == 0 {
		return
	}
	// Sessions opened since the last pass are checked as they open, so a
	// member generation already checked leaves nothing to do.
	if s.hub.Published().MemberGen == s.seen {
		return
	}
	ms, gen, err := s.hub.MembersGen()
	if err != nil {
		s.log.Error("rechecking open sessions", "err", err)
		return
	}
	s.seen = gen
	open := make(map[string]bool, len(fps))
	for _, fp := range fps {
		open[fp] = true
	}
	// A former member's record keeps its keys, one of which someone may
	// hold again since: a current member's claim wins.
	current := make(map[string]state.Member, len(fps))
	for _, m := range ms {
		for _, k := range m.Keys {
			if cur, seen := current[k.Fingerprint]; open[k.Fingerprint] && (!seen || cur.Gone()) {
				current[k.Fingerprint] = m
			}
		}
	}
	now := time.Now().UnixMilli()
	for _, fp := range fps {
		if m, ok := current[fp]; ok && !m.Gone() && !m.Suspended(now) {
			continue // the common case: nothing to look at per session
		}
		// The list only says where to look; the key index decides.
		m, ok, err := s.hub.Whoami(fp)
		if err != nil {
			s.log.Error("rechecking open sessions", "err", err)
			continue
		}
		for _, ls := range s.reg.sessions(fp) {
			if why := standing(ls, m, ok, now); why != "" {
				s.revoke(ls, why)
			}
		}
	}
}

// recheckGap spaces the watcher's passes: under a stream of commits, the
// changes of each gap fold into one pass, which bounds what the watcher
// costs while a revocation still lands within a blink.
const recheckGap = 50 * time.Millisecond

// watch rechecks open sessions after every change to the log until ctx
// ends. Changes that arrive while a pass runs fold into the next pass.
func (s *Server) watch(ctx context.Context) {
	changes, stop := s.hub.Subscribe()
	defer stop()
	gap := time.NewTimer(0)
	defer gap.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-changes:
		}
		select {
		case <-ctx.Done():
			return
		case <-gap.C:
		}
		s.safeRecheck()
		gap.Reset(recheckGap)
	}
}

// safeRecheck keeps a panic in a pass (a corrupt record) from taking the
// hub down with it; the next change tries again.
func (s *Server) safeRecheck() {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic rechecking open sessions", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	s.recheck()
}

// startWatching starts the watcher once, for the first Serve.
func (s *Server) startWatching() {
	s.watchOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.stopWatch = cancel
		go s.watch(ctx)
	})
}

func (s *Server) stopWatching() {
	s.watchOnce.Do(func() {}) // a server never served never starts one
	if s.stopWatch != nil {
		s.stopWatch()
	}
}

// admitSession decides whether who may open a session of kind running args,
// and registers it for rechecks if it is a member's. It returns the session
// and "" or, refused, nil and the one line to say.
func (s *Server) admitSession(sess cssh.Session, id uint64, who cmd.Identity, kind string, args []string, log *slog.Logger) (*liveSession, string) {
	m, ok, err := s.hub.Whoami(who.Fingerprint)
	if err != nil {
		log.Error("reading the member record", "err", err)
		return nil, "the hub cannot read its records right now; try again"
	}
	ctx, cancel := context.WithCancelCause(sess.Context())
	ls := &liveSession{id: id, kind: kind, fp: who.Fingerprint, ip: ipOf(sess.RemoteAddr()),
		sess: sess, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	if ok && m.Left != 0 {
		ok = false // a former member's key opens what a visitor's does
	}
	if ok {
		ls.member = m.ID
		if kind == kindCommand {
			path := cmd.Path(args)
			ls.whileSuspended = cmd.MayRunSuspended(path)
			ls.selfChange = cmd.TakesOwnKey(path)
		}
	}
	if why := admission(ls, m, ok, time.Now().UnixMilli()); why != "" {
		cancel(nil)
		return nil, why
	}
	s.reg.add(ls)
	// A change committed between the lookup above and add reached the
	// watcher before this session did: look once more.
	m, ok, err = s.hub.Whoami(who.Fingerprint)
	if err == nil {
		if why := standing(ls, m, ok, time.Now().UnixMilli()); why != "" {
			s.reg.remove(ls)
			cancel(nil)
			return nil, why
		}
	}
	return ls, ""
}

// admission is standing for a session about to start, worded as a refusal.
func admission(ls *liveSession, m state.Member, ok bool, now int64) string {
	switch {
	case !ok:
		return ""
	case m.Expelled:
		return fmt.Sprintf("member %d was expelled; this key no longer opens the hub", m.ID)
	case m.Suspended(now) && !ls.whileSuspended:
		return fmt.Sprintf("your membership is suspended until %s; until then only %s work", state.Day(m.SuspendedUntil), cmd.SuspendedSummary)
	}
	return ""
}

// sessionContext is a session's context with Done and Err taken from a
// context the registry can cancel; values and connection metadata are the
// session's own.
type sessionContext struct {
	cssh.Context
	rctx context.Context
}

func (c sessionContext) Done() <-chan struct{}       { return c.rctx.Done() }
func (c sessionContext) Err() error                  { return c.rctx.Err() }
func (c sessionContext) Value(key any) any           { return c.rctx.Value(key) }
func (c sessionContext) Deadline() (time.Time, bool) { return c.rctx.Deadline() }

// revocableSession is a session whose Context is a sessionContext.
type revocableSession struct {
	cssh.Session
	ctx sessionContext
}

func (r revocableSession) Context() cssh.Context { return r.ctx }

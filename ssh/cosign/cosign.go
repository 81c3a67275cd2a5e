// Package cosign asks the witnesses a hub's stewards chose ('witness use')
// to cosign each checkpoint the hub seals, over SSH, with tlog-witness's
// add-checkpoint, and keeps the latest cosignature of each.
//
// It runs beside the commit path, never on it: a member's write is
// acknowledged when it is durable, whatever the witnesses do, and the hub
// keeps sealing while a witness is away; the next checkpoint catches it up
// (the witness's 409 tells where it stands, as the spec says).
package cosign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/mod/sumdb/note"

	fnote "github.com/transparency-dev/formats/note"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// Exit statuses of 'witness add-checkpoint' (ssh/cmd), which this package
// speaks as a client. They are the protocol's public interface: a copy
// here keeps the client free of the command tree.
const (
	exitConflict      = 49
	exitUnprocessable = 42
	exitForbidden     = 43
	exitNotFound      = 44
)

// Transport runs 'witness add-checkpoint' at addr with body on stdin, and
// returns its stdout and exit status (an error only when it did not run).
type Transport func(ctx context.Context, addr string, body []byte) (stdout []byte, code int, err error)

// Gatherer asks the hub's witnesses for cosignatures.
type Gatherer struct {
	Hub   *state.Hub
	Store Store
	// Transport reaches a witness; SSH with the hub's host key by default
	// (see SSH).
	Transport Transport
	Log       *slog.Logger
	// Retry is how long after a failed request the next one is made when
	// no new checkpoint comes first.
	Retry time.Duration

	mu        sync.Mutex
	status    map[string]*state.CosignatureStatus // by witness name
	retryAt   map[string]time.Time                // a failed witness is left alone until then
	cosigners []state.Cosigner                    // as the last round read them

	// snap is what Statuses hands out, rebuilt when a status or the set
	// of witnesses changes: every app screen and every page view asks
	// for it, and must not read the state or wait on mu to get it.
	snap atomic.Pointer[[]state.CosignatureStatus]
}

// Statuses lists every witness the hub asks, with what it cosigned, as of
// the last round. The slice is shared: callers only read it.
func (g *Gatherer) Statuses() []state.CosignatureStatus {
	if p := g.snap.Load(); p != nil {
		return *p
	}
	return nil
}

// rebuildLocked makes the snapshot Statuses hands out; g.mu is held.
func (g *Gatherer) rebuildLocked() {
	out := make([]state.CosignatureStatus, 0, len(g.cosigners))
	for _, c := range g.cosigners {
		s := state.CosignatureStatus{Name: c.Name, Key: c.Key, Addr: c.Addr}
		if st, ok := g.status[c.Name]; ok && st.Key == c.Key {
			s = *st
			s.Addr = c.Addr
		}
		out = append(out, s)
	}
	g.snap.Store(&out)
}

// Run asks the witnesses after every new checkpoint until ctx ends.
func (g *Gatherer) Run(ctx context.Context) {
	g.Hub.SetCosignatures(g.Statuses)
	changes, stop := g.Hub.Subscribe()
	defer stop()
	retry := time.NewTimer(0)
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-changes:
			if !ok {
				return
			}
		case <-retry.C:
		}
		if g.Round(ctx) {
			retry.Reset(g.retry())
		}
	}
}

// Round asks each witness that has not cosigned the current head for its
// cosignature, in parallel; it reports whether one failed (and is worth
// asking again).
func (g *Gatherer) Round(ctx context.Context) (failed bool) {
	head, ok := g.Hub.Head()
	if !ok {
		return false
	}
	ws, err := g.Hub.Witnessing()
	if err != nil {
		return true
	}
	for _, c := range ws.Cosigners {
		g.load(c)
	}
	g.mu.Lock()
	g.cosigners = ws.Cosigners
	g.rebuildLocked()
	g.mu.Unlock()
	var wg sync.WaitGroup
	var fmu sync.Mutex
	for _, c := range ws.Cosigners {
		st := g.load(c)
		if st.Height == head.Height && st.Error == "" {
			continue
		}
		g.mu.Lock()
		wait := time.Now().Before(g.retryAt[c.Name])
		g.mu.Unlock()
		if wait {
			failed = true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.ask(ctx, c, head); err != nil {
				fmu.Lock()
				failed = true
				fmu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

func (g *Gatherer) retry() time.Duration {
	if g.Retry <= 0 {
		return 10 * time.Second
	}
	return g.Retry
}

func (g *Gatherer) logger() *slog.Logger {
	if g.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return g.Log
}

// load is the status of witness c, read from the store the first time.
func (g *Gatherer) load(c state.Cosigner) state.CosignatureStatus {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.status == nil {
		g.status = map[string]*state.CosignatureStatus{}
	}
	if st, ok := g.status[c.Name]; ok && st.Key == c.Key {
		return *st
	}
	st := &state.CosignatureStatus{Name: c.Name, Key: c.Key, Addr: c.Addr}
	if rec, ok, err := g.Store.Latest(c.Name); err == nil && ok {
		if v, err := witness.NewVerifier(c.Key); err == nil {
			if cs, ok := parseCosigned(rec, v); ok {
				st.Height, st.Size, st.Time, st.Line = cs.height, cs.size, cs.time, cs.line
			}
		}
	}
	g.status[c.Name] = st
	return *st
}

func (g *Gatherer) set(name string, f func(st *state.CosignatureStatus)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if st, ok := g.status[name]; ok {
		f(st)
		g.rebuildLocked()
	}
}

// ask requests a cosignature of head from witness c: from the size it
// last cosigned, and once more from the size a 409 names.
func (g *Gatherer) ask(ctx context.Context, c state.Cosigner, head state.Head) error {
	v, err := witness.NewVerifier(c.Key)
	if err != nil {
		return g.fail(c, fmt.Errorf("its key: %w", err), false)
	}
	old := g.load(c).Size
	for attempt := 0; attempt < 2; attempt++ {
		body, _, err := g.Hub.AddCheckpointRequest(old)
		if err != nil {
			// The witness cosigned a size beyond this head.
			return g.fail(c, err, true)
		}
		out, code, err := g.Transport(ctx, c.Addr, body)
		if err != nil {
			return g.fail(c, fmt.Errorf("unreachable: %w", err), false)
		}
		switch code {
		case 0:
			return g.accept(c, v, head, out)
		case exitConflict:
			n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
			if err != nil {
				return g.fail(c, fmt.Errorf("its conflict answer %q is not a size", firstLine(out)), false)
			}
			if n > head.Size {
				return g.fail(c, fmt.Errorf("it has cosigned size %d of this log, beyond this hub's head at size %d: it saw a longer history, which this hub lacks (restored from an old backup?)", n, head.Size), true)
			}
			old = n
		case exitUnprocessable:
			return g.fail(c, fmt.Errorf("it refused checkpoint %d: it does not extend the one it cosigned before (a fork of this log's history)", head.Height), true)
		case exitForbidden:
			return g.fail(c, errors.New("it does not trust this hub's log key (ask its steward to run 'witness watch' with this hub's 'chain key')"), false)
		case exitNotFound:
			return g.fail(c, errors.New("it does not watch this hub's log (ask its steward to run 'witness watch' with this hub's 'chain key')"), false)
		default:
			return g.fail(c, fmt.Errorf("it answered with exit status %d", code), false)
		}
	}
	return g.fail(c, errors.New("it changed its latest size while asked"), false)
}

func (g *Gatherer) accept(c state.Cosigner, v note.Verifier, head state.Head, lines []byte) error {
	cs, ok := parseCosigned(append([]byte(head.Note), lines...), v)
	if !ok || cs.height != head.Height {
		return g.fail(c, errors.New("its answer is not a valid cosignature of the checkpoint"), false)
	}
	if err := g.Store.Put(c.Name, append([]byte(head.Note), cs.line+"\n"...)); err != nil {
		return g.fail(c, fmt.Errorf("recording its cosignature: %w", err), false)
	}
	g.set(c.Name, func(st *state.CosignatureStatus) {
		st.Height, st.Size, st.Time, st.Line, st.Error, st.Refused = cs.height, cs.size, cs.time, cs.line, "", false
	})
	g.Hub.CosignaturesChanged()
	g.logger().Debug("cosigned", "witness", c.Name, "height", head.Height)
	return nil
}

func (g *Gatherer) fail(c state.Cosigner, err error, refused bool) error {
	changed := false
	g.set(c.Name, func(st *state.CosignatureStatus) {
		changed = st.Error != err.Error() || st.Refused != refused
		st.Error, st.Refused = err.Error(), refused
	})
	if changed {
		g.Hub.CosignaturesChanged()
	}
	g.mu.Lock()
	if g.retryAt == nil {
		g.retryAt = map[string]time.Time{}
	}
	// A witness that failed is asked again after Retry (or at the next
	// checkpoint after that), not at every commit.
	g.retryAt[c.Name] = time.Now().Add(g.retry())
	g.mu.Unlock()
	if refused {
		g.logger().Error("witness refused this hub's history", "witness", c.Name, "addr", c.Addr, "err", err)
	} else {
		g.logger().Warn("witness did not cosign", "witness", c.Name, "addr", c.Addr, "err", err)
	}
	return err
}

type cosigned struct {
	height, size, time int64
	line               string
}

// parseCosigned reads a hub checkpoint note followed by cosignature lines,
// and returns the checkpoint and the one line v verifies.
func parseCosigned(b []byte, v note.Verifier) (cosigned, bool) {
	n, err := note.Open(b, note.VerifierList(v))
	if err != nil || len(n.Sigs) != 1 {
		return cosigned{}, false
	}
	var cs cosigned
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return cs, false
	}
	cs.size, _ = strconv.ParseInt(lines[1], 10, 64)
	for _, l := range lines[3:] {
		if h, ok := strings.CutPrefix(l, "height "); ok {
			cs.height, _ = strconv.ParseInt(h, 10, 64)
		}
	}
	if t, err := fnote.CoSigV1Timestamp(n.Sigs[0]); err == nil {
		cs.time = t.UnixMilli()
	}
	cs.line = "\u2014 " + n.Sigs[0].Name + " " + n.Sigs[0].Base64
	return cs, cs.height > 0
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// SSH is the Transport over SSH, authenticating with the hub's own key.
// The witness's host key is not checked: what it answers is checked
// instead, a cosignature by the key the stewards named, which no one
// between the hubs can make.
func SSH(signer gossh.Signer) Transport {
	return func(ctx context.Context, addr string, body []byte) ([]byte, int, error) {
		d := net.Dialer{Timeout: 10 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, 0, err
		}
		defer conn.Close()
		if dl, ok := ctx.Deadline(); ok {
			conn.SetDeadline(dl)
		} else {
			conn.SetDeadline(time.Now().Add(30 * time.Second))
		}
		cc, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{
			User:            "polis-witness",
			Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), // see above
		})
		if err != nil {
			return nil, 0, err
		}
		client := gossh.NewClient(cc, chans, reqs)
		defer client.Close()
		sess, err := client.NewSession()
		if err != nil {
			return nil, 0, err
		}
		defer sess.Close()
		var stdout, stderr bytes.Buffer
		sess.Stdin, sess.Stdout, sess.Stderr = bytes.NewReader(body), &stdout, &stderr
		err = sess.Run("witness add-checkpoint")
		var ee *gossh.ExitError
		if errors.As(err, &ee) {
			return stdout.Bytes(), ee.ExitStatus(), nil
		}
		if err != nil {
			return nil, 0, err
		}
		return stdout.Bytes(), 0, nil
	}
}

package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

func actorOf(u *user) state.Actor { return u.kit().Actor() }

func submitAs(t testing.TB, hub *state.Hub, u *user, c state.Command) []state.Event {
	t.Helper()
	return hubtest.SubmitAs(t, hub, u.kit(), c)
}

// addKey gives member owner the key of u.
func addKey(t testing.TB, hub *state.Hub, owner, u *user) {
	t.Helper()
	code, _, err := hub.OfferKey(context.Background(), actorOf(owner), u.authorizedKey(), u.name)
	if err != nil {
		t.Fatal(err)
	}
	submitAs(t, hub, u, state.ConfirmKey{CodeHash: state.HashKeyCode(code)})
}

// suspend has filer file a case against target that moderator (a steward
// made moderator here) rules a suspension on.
func suspend(t testing.TB, hub *state.Hub, steward, moderator, target *user) uint64 {
	t.Helper()
	mod, _, _ := hub.Whoami(moderator.fingerprint())
	tgt, _, _ := hub.Whoami(target.fingerprint())
	submitAs(t, hub, steward, state.SetRole{Member: mod.ID, Role: state.RoleModerator, Grant: true})
	evs := submitAs(t, hub, steward, state.FileCase{Against: tgt.ID, Title: "Left the flat dirty", Statement: "Photos attached."})
	id := evs[0].Body.(*state.CaseFiled).Case
	submitAs(t, hub, moderator, state.CaseAction{ID: id, Action: "claim"})
	submitAs(t, hub, moderator, state.Rule{ID: id, Outcome: state.OutcomeSuspension, SuspendDays: 3, Reason: "Third time."})
	return id
}

// rawSession is a session whose exit status and stderr the test reads.
type rawSession struct {
	sess           *gossh.Session
	stdin          io.WriteCloser
	stdout, stderr *lockedBuffer
	done           chan error
}

// startRaw starts cmdline (or, empty with pty, the app) as u and returns
// while it runs.
func startRaw(t *testing.T, addr string, u *user, pty bool, cmdline string) *rawSession {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(u.signer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	r := &rawSession{sess: s, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	s.Stdout, s.Stderr = r.stdout, r.stderr
	if r.stdin, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if pty {
		if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	if cmdline == "" {
		err = s.Shell()
	} else {
		err = s.Start(cmdline)
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- s.Wait() }()
	return r
}

// exit waits for the session to end and returns its exit status (-1 if the
// connection closed without one).
func (r *rawSession) exit(t *testing.T) int {
	t.Helper()
	select {
	case err := <-r.done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		return -1
	case <-time.After(20 * time.Second):
		t.Fatalf("session never ended; stdout %q stderr %q", r.stdout.String(), r.stderr.String())
	}
	return -1
}

// registered waits until the server holds an open member session for u.
func registered(t *testing.T, ts *testServer, u *user) {
	t.Helper()
	eventually(t, u.name+"'s session is registered", func() bool { return len(ts.reg.sessions(u.fingerprint())) > 0 })
}

// TestRemovedKeyClosesApp: a member removes a key while that key has the
// real app open; the app closes at once, with a line saying why.
func TestRemovedKeyClosesApp(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, bob, laptop := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "laptop")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	addKey(t, hub, bob, laptop)

	p := openPTY(t, ts.addr, laptop.signer, 100, 30, nil)
	waitApp(t, ts, p, "Good to see you, bob")
	if r := bob.run(t, ts, "keys remove laptop"); r.code != 0 {
		t.Fatalf("keys remove: %+v", r)
	}
	if code := p.exit(); code != 1 {
		t.Fatalf("the removed key's app ended with %d, want 1", code)
	}
	if !containsAll(ts.logs.String(), "session revoked", "no longer belongs to member 2") {
		t.Fatalf("revocation not logged:\n%s", ts.logs.String())
	}
	// The key is now a visitor's, and gets in as one.
	if r := laptop.run(t, ts, "whoami --json"); !strings.Contains(r.stdout, `"visitor":true`) {
		t.Fatalf("removed key: %+v", r)
	}
}

// TestRevokedAppSaysWhy: the line a revoked app session gets comes after
// the app has let go of the terminal, on stderr, with exit status 1.
func TestRevokedAppSaysWhy(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	probeApp(ts)
	bob, laptop := newUser(t, "bob"), newUser(t, "laptop")
	admit(t, hub, bob, "bob")
	addKey(t, hub, bob, laptop)
	r := startRaw(t, ts.addr, laptop, true, "")
	registered(t, ts, laptop)
	submitAs(t, hub, bob, state.RemoveKey{Ref: "laptop"})
	if code := r.exit(t); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, r.stderr.String())
	}
	// A pty turns the newline into CRLF.
	if got := r.stderr.String(); got != "polis: this key no longer belongs to member 1; the session is closed\r\n" {
		t.Fatalf("stderr %q", got)
	}
	if !strings.Contains(r.stdout.String(), "probe ready") {
		t.Fatalf("the app never ran: %q", r.stdout.String())
	}
}

// TestShutdownTellsApps: when the hub stops, an open app (a member's or a
// visitor's) ends with a line saying why and a non-zero status, after it
// has given the terminal back; never silently with status 0.
func TestShutdownTellsApps(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	probeApp(ts)
	bob, visitor := newUser(t, "bob"), newUser(t, "visitor")
	admit(t, hub, bob, "bob")
	apps := []*rawSession{startRaw(t, ts.addr, bob, true, ""), startRaw(t, ts.addr, visitor, true, "")}
	eventually(t, "both apps are open", func() bool { return len(ts.reg.openApps()) == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	for i, r := range apps {
		if code := r.exit(t); code != 1 {
			t.Fatalf("app %d ended with %d, want 1; stderr %q", i, code, r.stderr.String())
		}
		if got := r.stderr.String(); got != "polis: "+shutdownLine+"\r\n" {
			t.Fatalf("app %d: stderr %q", i, got)
		}
	}
}

// TestRevokedCommandStops: a command waiting on stdin when its key is
// removed ends at once, and what it was about to do never happens.
func TestRevokedCommandStops(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	bob, laptop := newUser(t, "bob"), newUser(t, "laptop")
	admit(t, hub, bob, "bob")
	addKey(t, hub, bob, laptop)
	r := startRaw(t, ts.addr, laptop, false, "proposal new --title Quiet --kind text")
	registered(t, ts, laptop)
	io.WriteString(r.stdin, "Half a body")
	submitAs(t, hub, bob, state.RemoveKey{Ref: "laptop"})
	if code := r.exit(t); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, r.stderr.String())
	}
	if got := r.stderr.String(); got != "polis: this key no longer belongs to member 1; the session is closed\n" {
		t.Fatalf("stderr %q", got)
	}
	if r := bob.run(t, ts, "proposal list --json"); strings.Contains(r.stdout, "Quiet") {
		t.Fatalf("the revoked command's proposal was made: %s", r.stdout)
	}
}

// TestLeaveClosesOtherSessions: a member who leaves loses every open
// session at once, but the command that left still prints the record it
// was asked for.
func TestLeaveClosesOtherSessions(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	probeApp(ts)
	alice, bob, laptop := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "laptop")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	addKey(t, hub, bob, laptop)
	app := startRaw(t, ts.addr, laptop, true, "")
	registered(t, ts, laptop)
	r := bob.run(t, ts, "leave --yes --export")
	if r.code != 0 || !strings.Contains(r.stdout, `"member"`) {
		t.Fatalf("leave --export: %+v", r)
	}
	if code := app.exit(t); code != 1 || !strings.Contains(app.stderr.String(), "no longer belongs to member 2") {
		t.Fatalf("the leaver's other session: exit %d, stderr %q", code, app.stderr.String())
	}
}

// TestSuspendedMember: a suspension closes the member's open app and
// refuses new sessions, but leaves the commands to answer and appeal it.
func TestSuspendedMember(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	probeApp(ts)
	alice, bob, carol := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "carol")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	admit(t, hub, carol, "carol")

	app := startRaw(t, ts.addr, bob, true, "")
	registered(t, ts, bob)
	id := suspend(t, hub, alice, carol, bob)
	if code := app.exit(t); code != 1 || !strings.Contains(app.stderr.String(), "polis: your membership is suspended until ") {
		t.Fatalf("open app of a suspended member: exit %d, stderr %q", code, app.stderr.String())
	}

	before := hub.StateDigest()
	for _, c := range []string{"members", "proposal list", "treasury balance", "rename robert", "housing list"} {
		r := bob.run(t, ts, c)
		checkFailure(t, "suspended "+c, r)
		if !strings.Contains(r.stderr, "suspended until") || !strings.Contains(r.stderr, "dispute list/show/evidence/appeal/withdraw") {
			t.Errorf("suspended %q: %q", c, r.stderr)
		}
	}
	r := startRaw(t, ts.addr, bob, true, "")
	if code := r.exit(t); code != 1 || !strings.Contains(r.stderr.String(), "suspended until") {
		t.Fatalf("new app session of a suspended member: exit %d, stderr %q", code, r.stderr.String())
	}
	if hub.StateDigest() != before {
		t.Fatal("refused sessions changed state")
	}
	for _, c := range []string{"whoami", "help", "census", "chain head", "dispute list --mine", "dispute show 1", "moderation log"} {
		if r := bob.run(t, ts, c); r.code != 0 {
			t.Errorf("suspended %q: %+v", c, r)
		}
	}
	if r := bob.run(t, ts, cmdline("dispute", "appeal", "1")); r.code != 0 {
		t.Fatalf("the suspended member could not appeal: %+v", r)
	}
	c, _, err := hub.CaseWithThread(id)
	if err != nil || c.State != state.CaseStateAppealed {
		t.Fatalf("case after appeal: %+v %v", c, err)
	}
}

// TestVisitorsStayVisitors: changes to the log never close a visitor's
// session, not even when its key becomes a member's.
func TestVisitorsStayVisitors(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	probeApp(ts)
	alice, guest := newUser(t, "alice"), newUser(t, "guest")
	admit(t, hub, alice, "alice")
	p := holdApp(t, ts, guest)
	submitAs(t, hub, alice, state.Rename{Name: "alicia"})
	addKey(t, hub, alice, guest)
	if r := alice.run(t, ts, "census"); r.code != 0 { // one more change, seen after the others
		t.Fatal(r)
	}
	p.send("q")
	if code := p.exit(); code != 0 {
		t.Fatalf("visitor session ended with %d", code)
	}
}

// TestStanding: what a key's record says about a session opened as member 7.
func TestStanding(t *testing.T) {
	now := int64(1_700_000_000_000)
	m := state.Member{ID: 7}
	for _, c := range []struct {
		name string
		ls   *liveSession
		m    state.Member
		ok   bool
		want string
	}{
		{"visitor", &liveSession{member: 0}, state.Member{}, false, ""},
		{"visitor whose key became a member's", &liveSession{member: 0}, m, true, ""},
		{"member", &liveSession{member: 7}, m, true, ""},
		{"key removed", &liveSession{member: 7}, state.Member{}, false, "no longer belongs to member 7"},
		{"key moved to another member", &liveSession{member: 7}, state.Member{ID: 8}, true, "no longer belongs to member 7"},
		{"expelled", &liveSession{member: 7}, state.Member{ID: 7, Expelled: true}, true, "expelled"},
		{"left, key still indexed", &liveSession{member: 7}, state.Member{ID: 7, Left: now - 1}, true, "no longer belongs to member 7"},
		{"leaving by this very command", &liveSession{member: 7, selfChange: true}, state.Member{}, false, ""},
		{"suspended", &liveSession{member: 7}, state.Member{ID: 7, SuspendedUntil: now + 1}, true, "suspended until"},
		{"suspended, appealing", &liveSession{member: 7, whileSuspended: true}, state.Member{ID: 7, SuspendedUntil: now + 1}, true, ""},
		{"suspension over", &liveSession{member: 7}, state.Member{ID: 7, SuspendedUntil: now}, true, ""},
	} {
		got := standing(c.ls, c.m, c.ok, now)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// BenchmarkRecheck is the watcher's pass after a change with 1000 members
// each holding an open session: what one commit costs the door. unchanged:
// a commit that touched no member (the member list is shared and already
// read); member-changed: the first pass after a member's record changed;
// few-keys: ten members connected, looked up one by one.
func BenchmarkRecheck(b *testing.B) {
	hub := newHub(b)
	ts := startServer(b, hub)
	var first *user
	for i := 0; i < 1000; i++ {
		u := newUser(b, "m")
		if _, err := hub.Submit(context.Background(), state.SystemActor, state.AdmitAdmin{Key: u.authorizedKey(), Name: fmt.Sprintf("m%d", i)}); err != nil {
			b.Fatal(err)
		}
		m, _, _ := hub.Whoami(u.fingerprint())
		ts.reg.add(&liveSession{member: m.ID, fp: u.fingerprint()})
		if first == nil {
			first = u
		}
	}
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ts.recheck()
		}
	})
	b.Run("member-changed", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			submitAs(b, hub, first, state.ChooseTheme{Theme: []string{"dusk", "dawn"}[i%2]})
			b.StartTimer()
			ts.recheck()
		}
	})
	b.Run("few-keys", func(b *testing.B) {
		all := ts.reg
		ts.reg = newRegistry()
		defer func() { ts.reg = all }()
		for _, fp := range all.keys()[:10] {
			for _, ls := range all.sessions(fp) {
				ts.reg.add(ls)
			}
		}
		for i := 0; i < b.N; i++ {
			ts.recheck()
		}
	})
}

// TestLeavingFromTheApp: the session a member leaves from stays open for
// its goodbye (their key is a visitor's now), while their other session
// closes at once.
func TestLeavingFromTheApp(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub) // the real app
	alice, bob, laptop := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "laptop")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	addKey(t, hub, bob, laptop)
	other := startRaw(t, ts.addr, laptop, true, "")
	app := startRaw(t, ts.addr, bob, true, "")
	registered(t, ts, bob)
	registered(t, ts, laptop)
	eventually(t, "the app draws", func() bool { return strings.Contains(app.stdout.String(), "Settings") })
	for _, k := range []string{"8", "L", "y", "y"} {
		io.WriteString(app.stdin, k)
		time.Sleep(100 * time.Millisecond)
	}
	eventually(t, "bob has left", func() bool { _, ok, _ := hub.Whoami(bob.fingerprint()); return !ok })
	if code := other.exit(t); code != 1 {
		t.Fatalf("bob's other session: exit %d", code)
	}
	eventually(t, "the goodbye is shown", func() bool { return strings.Contains(app.stdout.String(), "Goodbye") })
	io.WriteString(app.stdin, "q")
	if code := app.exit(t); code != 0 || strings.Contains(app.stderr.String(), "no longer belongs") {
		t.Fatalf("the session bob left from: exit %d, stderr %q", code, app.stderr.String())
	}
}

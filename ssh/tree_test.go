package ssh

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/ssh/internal/hubtest"
)

// The command tree's contracts (ssh/cmd, whose own tests run it in
// process) hold at the far end of a real connection too.

// TestBadInputOverSSH runs a sample of the rows through the real server:
// the same contract holds at the far end of a connection.
func TestBadInputOverSSH(t *testing.T) {
	wd := hubtest.NewWorld(t)
	ts := startServer(t, wd.Hub)
	before := wd.Hub.StateDigest()
	rows := hubtest.BadInput(wd, cmd.MaxStdin)
	for _, path := range []string{"", "approve", "treasury contribute", "housing book", "rename", "proposal new", "role grant", "dispute resolve", "keys add", "vote"} {
		for _, r := range rows[path] {
			res := exec(t, ts.addr, []gossh.Signer{wd.Who(r.As).Signer}, cmdline(r.Args...), r.Stdin)
			checkFailure(t, r.As+" "+hubtest.Shorten(strings.Join(r.Args, " ")), res)
		}
	}
	if wd.Hub.StateDigest() != before {
		t.Fatal("bad input over SSH changed the state")
	}
}

// openssh is the line OpenSSH sends for argv, after the member's shell
// took its quotes: the words joined with spaces.
func openssh(argv ...string) string { return strings.Join(argv, " ") }

// TestNoCommandOverSSH: `ssh -T hub` (a shell without a pty) and an empty
// command print help, not whatever the hub itself was started with.
func TestNoCommandOverSSH(t *testing.T) {
	saved := os.Args
	os.Args = []string{"polis", "census", "--json"}
	defer func() { os.Args = saved }()
	c, s := newSession(t, startServer(t, newHub(t)))
	var out bytes.Buffer
	s.Stdout, s.Stderr = &out, io.Discard
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); err != nil {
		t.Fatalf("ssh -T: %v (%q)", err, out.String())
	}
	if !strings.Contains(out.String(), "polis hub commands") || strings.Contains(out.String(), "{") {
		t.Fatalf("ssh -T did not print help: %q", out.String())
	}
	if r, err := run(c, "", ""); err != nil || r.code != 0 || !strings.Contains(r.stdout, "polis hub commands") {
		t.Fatalf("an empty command: %v %+v", err, r)
	}
}

// TestProseOverSSH: prose with apostrophes, backslashes and quotes, and a
// title of 60 words, arrive as the member typed them, sent the way OpenSSH
// sends them.
func TestProseOverSSH(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")
	words := make([]string, 60)
	for i := range words {
		words[i] = string(rune('a' + i%26))
	}
	for _, c := range []struct{ line, title string }{
		{openssh("proposal", "new", "--title", "O'Brien's plan", "--kind", "text"), "O'Brien's plan"},
		{openssh("proposal", "new", "--title", `She said "rent it" \o/ C:\flat\`, "--kind", "text"), `She said "rent it" \o/ C:\flat\`},
		{openssh("proposal", "new", "--title", strings.Join(words, " "), "--kind", "text"), strings.Join(words, " ")},
		{`proposal new --title "Use --force wisely" --kind text`, "Use --force wisely"},
		{`proposal new --kind text --title='tis the season`, "'tis the season"},
	} {
		r := exec(t, ts.addr, []gossh.Signer{alice.signer}, c.line, "")
		if r.code != 0 {
			t.Fatalf("%q: %+v", c.line, r)
		}
		id := lastLine(r.stdout)
		r = alice.run(t, ts, "proposal show "+id+" --json")
		var p struct{ Title string }
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
			t.Fatalf("proposal show %s: %v: %q", id, err, r.stdout)
		}
		if p.Title != c.title {
			t.Errorf("%q: title %q, want %q", c.line, p.Title, c.title)
		}
	}
	if r := alice.run(t, ts, openssh("rename", "Alice", "O'Brien")); r.code != 0 {
		t.Fatalf("rename: %+v", r)
	}
	if r := alice.run(t, ts, "whoami"); !strings.Contains(r.stdout, "Alice O'Brien") {
		t.Fatalf("whoami after rename: %q", r.stdout)
	}
}

// TestVisitorSeesNothingPrivateOverSSH is TestVisitorSeesNothingPrivate
// (ssh/cmd) at the far end of a real connection, for the commands that
// read the log.
func TestVisitorSeesNothingPrivateOverSSH(t *testing.T) {
	sw := hubtest.NewSecretWorld(t)
	ts := startServer(t, sw.Hub)
	v := newUser(t, "far visitor")
	for _, line := range []string{"chain export", "chain receipt 3 --json", "chain receipt 3", "census --json", "census", "members"} {
		r := v.run(t, ts, line)
		for _, l := range sw.Leaks(r.stdout + r.stderr) {
			t.Errorf("visitor ran %q over SSH and read %s", line, l)
		}
	}
}

package ssh

import (
	"strings"
	"testing"
	"time"
)

// TestAppScreenOverSSH is a member in the real app through a real pty: the
// screen follows a resize from 80x24 to 200x60 and back, a vote cast
// elsewhere reaches the open list, and quitting gives the terminal back
// (main screen, cursor shown).
func TestAppScreenOverSSH(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, bob := newUser(t, "alice"), newUser(t, "bob")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	mustRun(t, "proposal new", alice.runIn(t, ts, "Shared kettle.", "proposal", "new", "--title", "Buy a kettle", "--kind", "text"))

	p := openPTY(t, ts.addr, bob.signer, 80, 24, nil)
	waitApp(t, ts, p, "Good to see you, bob")
	p.send("2")
	waitApp(t, ts, p, "Buy a kettle")
	if !p.term.IsAltScreen() || !p.term.CursorHidden() {
		t.Fatal("the app is not on the alternate screen with the cursor hidden")
	}

	resize := func(w, h int) {
		t.Helper()
		p.term.Resize(w, h)
		if err := p.sess.WindowChange(h, w); err != nil {
			t.Fatal(err)
		}
	}
	resize(200, 60)
	// The wide layout numbers its tabs; the status bar moves to row 60.
	waitApp(t, ts, p, "2 Proposals")
	waitRow(t, p, 59, "bob")

	mustRun(t, "vote", alice.run(t, ts, "vote 1 yes"))
	waitApp(t, ts, p, "1 yes 0 no")

	resize(80, 24)
	waitRow(t, p, 23, "bob")
	if s := p.screen(); strings.Contains(s, "2 Proposals") || !strings.Contains(s, "1 yes") {
		t.Fatalf("after shrinking back to 80x24 the screen is:\n%s", s)
	}

	p.send("q")
	if code := p.exit(); code != 0 {
		t.Fatalf("exit %d\n%s", code, ts.logs.String())
	}
	if p.term.IsAltScreen() || p.term.CursorHidden() {
		t.Fatal("after quitting the terminal is still on the alternate screen or without its cursor")
	}
}

// waitRow waits until row y of the screen shows want.
func waitRow(t *testing.T, p *ptyClient, y int, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rows := strings.Split(p.screen(), "\n")
		if y < len(rows) && strings.Contains(rows[y], want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("row %d never showed %q:\n%s", y, want, p.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

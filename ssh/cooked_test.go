package ssh

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCooked(t *testing.T) {
	for _, c := range []struct {
		name, typed, want, echo string
		err                     error
	}{
		{"lines and ^D", "Nice flat\rcount me in\r\x04", "Nice flat\ncount me in\n", "Nice flat\r\ncount me in\r\n", nil},
		{"backspace erases a character", "cafe\x7f\xc3\xa9\x08\xc3\xa9!\r\x04", "café!\n", "cafe\b \bé\b \bé!\r\n", nil},
		{"^D mid-line sends the line", "no newline\x04\x04", "no newline", "no newline", nil},
		{"arrows and F-keys are not text", "a\x1b[A\x1b[1;5Cb\x1bOPc\r\x04", "abc\n", "abc\r\n", nil},
		{"^U kills the line", "oops\x15ok\r\x04", "ok\n", "oops\b \b\b \b\b \b\b \bok\r\n", nil},
		{"other control keys are dropped", "a\x07\x01b\r\x04", "ab\n", "ab\r\n", nil},
		{"^C interrupts", "half a comm\x03ent\r", "", "half a comm^C\r\n", errInterrupted},
		{"a closed input keeps what was typed", "last words", "last words", "last words", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var echo bytes.Buffer
			got, err := io.ReadAll(newCooked(strings.NewReader(c.typed), &echo))
			if string(got) != c.want || !errors.Is(err, c.err) && !(c.err == nil && err == nil) {
				t.Fatalf("read %q, %v; want %q, %v", got, err, c.want, c.err)
			}
			if echo.String() != c.echo {
				t.Fatalf("echoed %q, want %q", echo.String(), c.echo)
			}
		})
	}
}

// `ssh -t hub proposal comment 1`: the member sees what they type, enter
// ends a line and ^D the comment, even while they resize the window; ^C
// leaves nothing behind.
func TestTypedInputOverPTY(t *testing.T) {
	hub := newHub(t)
	ts, alice, bob, _ := community(t, hub)
	mustRun(t, "proposal", alice.runIn(t, ts, "A summer flat.", "proposal", "new", "--title", "Flat", "--kind", "text"))

	r := startRaw(t, ts.addr, bob, true, "proposal comment 1")
	for i := range 25 {
		_ = r.sess.WindowChange(20+i, 80+i)
	}
	io.WriteString(r.stdin, "Count me in\x7f\x7fIN\rSee you there\r\x04")
	if code := r.exit(t); code != 0 {
		t.Fatalf("exit %d; stdout %q stderr %q", code, r.stdout.String(), r.stderr.String())
	}
	if !strings.Contains(r.stdout.String(), "Count me in\b \b\b \bIN\r\nSee you there\r\n") {
		t.Fatalf("typing was not echoed: %q", r.stdout.String())
	}
	v, err := hub.ProposalFor(1, 1)
	if err != nil || len(v.Comments) != 1 || !strings.HasPrefix(v.Comments[0].Body, "Count me IN\nSee you there") {
		t.Fatalf("comments %+v %v", v.Comments, err)
	}

	before := hub.StateDigest()
	r = startRaw(t, ts.addr, bob, true, "proposal comment 1")
	io.WriteString(r.stdin, "never mind\x03")
	if code := r.exit(t); code != 1 || !strings.Contains(r.stderr.String(), "interrupted") {
		t.Fatalf("^C: exit %d, stderr %q", code, r.stderr.String())
	}
	if hub.StateDigest() != before {
		t.Fatal("an interrupted comment changed the state")
	}
}

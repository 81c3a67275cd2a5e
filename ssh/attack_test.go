package ssh

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The attacks of issue #16, each from many networks at once, with a member
// from yet another network getting in while the attack holds. Every
// attacker speaks from its own /24 of loopback (all of 127.0.0.0/8 is
// loopback on Linux); where a system cannot bind those addresses, each
// attacker gets a listener that reports its address instead.

// cutoff only bounds a hung test; nothing asserts on timing. The
// latencies measured are logged (go test -v) for docs/limits.md.
const cutoff = 20 * time.Second

// run runs cmdline on a new session of c.
func run(c *gossh.Client, cmdline, stdin string) (result, error) {
	s, err := c.NewSession()
	if err != nil {
		return result{}, err
	}
	defer s.Close()
	var o, e bytes.Buffer
	s.Stdout, s.Stderr, s.Stdin = &o, &e, strings.NewReader(stdin)
	err = s.Run(cmdline)
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		return result{o.String(), e.String(), ee.ExitStatus()}, nil
	case err != nil:
		return result{}, err
	}
	return result{o.String(), e.String(), 0}, nil
}

// within runs f, failing the test if it has not returned by the cutoff.
func within(t *testing.T, what string, f func() error) time.Duration {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(cutoff):
		t.Fatalf("%s: still waiting after %v", what, cutoff)
	}
	return time.Since(start)
}

// TestWindowChangesDuringCommand: 25 window changes during a command with a
// pty (`ssh -t hub apply ...` while dragging the window) neither stall the
// command nor the connection: it reads its stdin to the end and exits, and
// the connection runs another command after it.
func TestWindowChangesDuringCommand(t *testing.T) {
	ts := startServer(t, newHub(t))
	c, err := dial(ts.addr, gossh.PublicKeys(newUser(t, "v").signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr = &out, &errOut
	stdin, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Start("apply --name Resizer"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ {
		if err := s.WindowChange(24+i, 80+i); err != nil {
			t.Fatalf("window change %d: %v", i, err)
		}
	}
	within(t, "the command after 25 window changes", func() error {
		if _, err := io.WriteString(stdin, "I would like to join.\n"); err != nil {
			return err
		}
		stdin.Close()
		return s.Wait()
	})
	if !strings.Contains(out.String(), "Application 1 submitted") {
		t.Fatalf("stdout %q, stderr %q", out.String(), errOut.String())
	}
	within(t, "another command on the same connection", func() error {
		r, err := run(c, "census", "")
		if err == nil && r.code != 0 {
			err = fmt.Errorf("%+v", r)
		}
		return err
	})
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// door dials the hub under test the way members do: real keys, one TCP
// connection each, kept open, one SSH session per command.
type door struct {
	addr    string
	hostKey gossh.HostKeyCallback
}

func (d door) dial(k benchKey) (*gossh.Client, error) {
	return gossh.Dial("tcp", d.addr, &gossh.ClientConfig{
		User:            k.name,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(k.signer)},
		HostKeyCallback: d.hostKey,
		// Only bounds a hung hub; nothing measures against it.
		Timeout: time.Minute,
	})
}

// dialAll connects every key, a few at a time, and returns the clients in
// the keys' order.
func (d door) dialAll(keys []benchKey) ([]*gossh.Client, error) {
	cs := make([]*gossh.Client, len(keys))
	err := parallel(16, len(keys), func(i int) error {
		c, err := d.dial(keys[i])
		if err != nil {
			return fmt.Errorf("%s: dial %s: %w", keys[i].name, d.addr, err)
		}
		cs[i] = c
		return nil
	})
	if err != nil {
		closeAll(cs)
		return nil, err
	}
	return cs, nil
}

func closeAll(cs []*gossh.Client) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}

// errTransport wraps failures of the connection itself, as opposed to the
// hub refusing a command.
var errTransport = errors.New("ssh")

// refused is a command that ran and exited non-zero.
type refused struct {
	cmd    string
	code   int
	stderr string
}

func (r refused) Error() string {
	return fmt.Sprintf("%q exited %d: %s", r.cmd, r.code, strings.TrimSpace(r.stderr))
}

// run runs one command line in a new session on c and returns its stdout
// once the exit status arrived: the ack.
func run(c *gossh.Client, cmdline, stdin string) (string, error) {
	sess, err := c.NewSession()
	if err != nil {
		return "", fmt.Errorf("%w: new session: %v", errTransport, err)
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	if stdin != "" {
		sess.Stdin = strings.NewReader(stdin)
	}
	err = sess.Run(cmdline)
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		return stdout.String(), refused{cmd: cmdline, code: ee.ExitStatus(), stderr: stderr.String()}
	case err != nil:
		return "", fmt.Errorf("%w: %q: %v", errTransport, cmdline, err)
	}
	return stdout.String(), nil
}

// lastLine is the last non-empty line of s: where commands print new IDs.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// trustOnFirstUse pins whatever host key a running hub shows first; every
// later connection of the run must show the same one.
func trustOnFirstUse() gossh.HostKeyCallback {
	var (
		mu     sync.Mutex
		pinned []byte
	)
	return func(_ string, _ net.Addr, key gossh.PublicKey) error {
		mu.Lock()
		defer mu.Unlock()
		if pinned == nil {
			pinned = key.Marshal()
			return nil
		}
		if !bytes.Equal(pinned, key.Marshal()) {
			return errors.New("the hub's host key changed during the run")
		}
		return nil
	}
}

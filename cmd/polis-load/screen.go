package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// screen is a member at a terminal: an SSH session with an 80x24 pty whose
// output feeds a virtual terminal, which also answers the app's queries.
// It can watch for a text and note the moment it first shows: right after
// the bytes that drew it were parsed, so no polling delay is added.
type screen struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	ended  chan struct{}

	mu   sync.Mutex // guards the terminal and the watch
	term *vt.Emulator
	row  int // where the watched text was last found; -1 before
	want string
	hit  func(time.Time)
}

func openScreen(d door, k benchKey, w, h int) (*screen, error) {
	c, err := d.dial(k)
	if err != nil {
		return nil, err
	}
	s, err := startScreen(c, w, h)
	if err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

func startScreen(c *gossh.Client, w, h int) (*screen, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	s := &screen{client: c, sess: sess, term: vt.NewEmulator(w, h), row: -1, ended: make(chan struct{})}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go s.pump(stdout)
	// The terminal's replies to the app's queries. The emulator writes
	// them to a pipe while it parses, so they must be drained apart from
	// the pump.
	go func() { _, _ = io.Copy(s.stdin, s.term) }()
	return s, nil
}

func (s *screen) pump(out io.Reader) {
	defer close(s.ended)
	buf := make([]byte, 8<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			now := time.Now()
			s.mu.Lock()
			_, _ = s.term.Write(buf[:n])
			if s.hit != nil && s.findLocked(s.want) {
				hit := s.hit
				s.want, s.hit = "", nil
				hit(now)
			}
			s.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// watch calls hit once, with the time, when the screen shows want (at
// once if it already does). A new watch replaces the last.
func (s *screen) watch(want string, hit func(time.Time)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findLocked(want) {
		hit(time.Now())
		return
	}
	s.want, s.hit = want, hit
}

func (s *screen) unwatch() {
	s.mu.Lock()
	s.want, s.hit = "", nil
	s.mu.Unlock()
}

// expect waits until the screen shows want. The limit only bounds a hung
// hub; nothing is measured against it.
func (s *screen) expect(want string, limit time.Duration) error {
	shown := make(chan struct{})
	s.watch(want, func(time.Time) { close(shown) })
	select {
	case <-shown:
		return nil
	case <-s.ended:
		s.unwatch()
		return fmt.Errorf("the session ended before the screen showed %q:\n%s", want, s.text())
	case <-time.After(limit):
		s.unwatch()
		return fmt.Errorf("the screen never showed %q:\n%s", want, s.text())
	}
}

func (s *screen) send(keys string) error {
	_, err := io.WriteString(s.stdin, keys)
	return err
}

// findLocked looks for want on the row it was last seen on, then on every
// row: reading one row per update keeps a thousand screens cheap.
func (s *screen) findLocked(want string) bool {
	if s.row >= 0 && strings.Contains(s.rowLocked(s.row), want) {
		return true
	}
	for y := range s.term.Height() {
		if strings.Contains(s.rowLocked(y), want) {
			s.row = y
			return true
		}
	}
	return false
}

func (s *screen) rowLocked(y int) string {
	var sb strings.Builder
	for x := range s.term.Width() {
		switch c := s.term.CellAt(x, y); {
		case c == nil || c.Content == "" && c.Width != 0:
			sb.WriteByte(' ')
		case c.Content == "":
			// the tail of a wide character
		default:
			sb.WriteString(c.Content)
		}
	}
	return sb.String()
}

// text is the whole screen, for error messages.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := make([]string, s.term.Height())
	for y := range rows {
		rows[y] = strings.TrimRight(s.rowLocked(y), " ")
	}
	return strings.Join(rows, "\n")
}

// close leaves the app and hangs up.
func (s *screen) close() error {
	err := errors.Join(s.sess.Close(), s.client.Close())
	// Ends the reply copier, which reads from the emulator's pipe.
	_ = s.term.InputPipe().(io.Closer).Close()
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

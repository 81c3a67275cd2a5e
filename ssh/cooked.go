package ssh

import (
	"errors"
	"io"
	"unicode/utf8"
)

// errInterrupted is what a command reading a terminal gets when the member
// presses ^C: it stops, and nothing it was about to do happens.
var errInterrupted = errors.New("interrupted")

// cooked reads a command session's input the way a terminal's line
// discipline would. `ssh -t hub proposal comment 3` puts the member's
// terminal in raw mode, and no kernel sits between it and the hub, so
// without this nothing would echo what they type, enter would send a bare
// \r, and ^D would be a byte in their comment instead of the end of it.
//
// Lines go to the reader when enter is pressed; backspace erases a whole
// character, ^U the line, ^D ends the input at the start of a line (or
// sends the line so far), ^C interrupts. Escape sequences (arrow keys,
// function keys, pastes' brackets) are dropped, never made part of text.
type cooked struct {
	in   io.Reader
	echo io.Writer

	line []byte // the line being typed
	out  []byte // typed lines not yet read
	eof  bool
	err  error
	esc  int // 0: text; 1: after ESC; 2: inside a CSI sequence; 3: an SS3 key's last byte
	buf  [512]byte
}

func newCooked(in io.Reader, echo io.Writer) *cooked { return &cooked{in: in, echo: echo} }

func (c *cooked) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if c.eof {
			return 0, io.EOF
		}
		n, err := c.in.Read(c.buf[:])
		c.feed(c.buf[:n])
		if err != nil && c.err == nil && !c.eof {
			// The client closed its input: what was typed still counts.
			c.out, c.line, c.eof = append(c.out, c.line...), nil, true
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

func (c *cooked) feed(bs []byte) {
	var echo []byte
	for _, b := range bs {
		if c.eof || c.err != nil {
			break
		}
		switch {
		case c.esc == 1:
			switch b {
			case '[':
				c.esc = 2
			case 'O':
				c.esc = 3 // F1-F4 and keypad keys: ESC O and one byte
			default:
				c.esc = 0
			}
			continue
		case c.esc == 3:
			c.esc = 0
			continue
		case c.esc == 2:
			if b >= 0x40 && b <= 0x7e {
				c.esc = 0
			}
			continue
		}
		switch b {
		case 0x1b:
			c.esc = 1
		case '\r', '\n':
			c.line = append(c.line, '\n')
			c.out, c.line = append(c.out, c.line...), c.line[:0]
			echo = append(echo, '\r', '\n')
		case 0x04: // ^D
			if len(c.line) == 0 {
				c.eof = true
			} else {
				c.out, c.line = append(c.out, c.line...), c.line[:0]
			}
		case 0x03: // ^C
			c.err = errInterrupted
			echo = append(echo, '^', 'C', '\r', '\n')
		case 0x7f, 0x08: // backspace: one whole character
			if len(c.line) > 0 {
				_, size := utf8.DecodeLastRune(c.line)
				c.line = c.line[:len(c.line)-size]
				echo = append(echo, '\b', ' ', '\b')
			}
		case 0x15: // ^U
			for range utf8.RuneCount(c.line) {
				echo = append(echo, '\b', ' ', '\b')
			}
			c.line = c.line[:0]
		case '\t':
			c.line = append(c.line, b)
			echo = append(echo, b)
		default:
			if b < 0x20 {
				continue // other control keys mean nothing in text
			}
			c.line = append(c.line, b)
			echo = append(echo, b)
		}
	}
	if len(echo) > 0 {
		_, _ = c.echo.Write(echo)
	}
}

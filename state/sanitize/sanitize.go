// Package sanitize is the one gate member-written text passes before it
// reaches any terminal, and the one rule that decides whether text is
// accepted into the log at all.
//
// A name, title or memo must never be able to move another member's cursor,
// retitle their window, hide text or reorder it. So on the way out every C0
// and C1 control character, every ESC/CSI/OSC/DCS/APC/PM/SOS sequence and
// every bidirectional override or isolate is removed (tabs become a space,
// newlines survive only where the caller asks for multi-line text). On the
// way in, Check refuses such text outright with a clear message, so the log
// never holds it in the first place.
package sanitize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/polis-hub/polis/state/names"
)

// isBidi reports the bidirectional formatting characters that can make text
// display in a different order than it is stored (Trojan Source).
func isBidi(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x200E || r == 0x200F || r == 0x061C: // LRM RLM ALM
		return true
	}
	return false
}

// bad reports runes that must never reach a terminal: the check on the way
// in, plus any format character the toolchain's newer tables know.
func bad(r rune, multiline bool) bool {
	return refused(r, multiline) || (unicode.Is(unicode.Cf, r) && r != 0x200D && r != 0xFE0F)
}

// refused reports runes text entering the log may not hold. Apply checks
// text with it, so it reads only fixed ranges and polis's pinned Unicode
// data (state/names), never the toolchain's tables: a newer Go never makes
// an old log's text invalid.
func refused(r rune, multiline bool) bool {
	if r == '\n' && multiline {
		return false
	}
	if r == utf8.RuneError {
		return true
	}
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
		return true
	}
	if isBidi(r) {
		return true
	}
	// Other invisible format characters (zero-width joiners stay: emoji
	// need them).
	if names.IsFormat(r) && r != 0x200D && r != 0xFE0F {
		return true
	}
	return false
}

// isSpace is Unicode's White_Space property, spelled out so that what
// counts as blank never changes with the toolchain.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// Line makes s safe to print on one terminal line: escape sequences are
// dropped whole, other control characters are dropped, tabs and newlines
// become spaces, invalid UTF-8 is dropped.
func Line(s string) string { return clean(s, false) }

// Text is Line for multi-line text: newlines are kept.
func Text(s string) string { return clean(s, true) }

func clean(s string, multiline bool) string {
	if isClean(s, multiline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			i++
			continue
		}
		switch {
		case r == 0x1b: // ESC: drop the whole sequence it starts
			i += escapeLen(s[i:])
			continue
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			// C1 introducers (CSI, OSC, DCS, SOS, PM, APC) in 8-bit form
			i += size + c1BodyLen(s[i+size:], r)
			continue
		case r == '\t' || (r == '\n' && !multiline) || r == '\r':
			if r != '\r' {
				b.WriteByte(' ')
			}
		case bad(r, multiline):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isClean(s string, multiline bool) bool {
	for _, r := range s {
		if bad(r, multiline) {
			return false
		}
	}
	return true
}

// escapeLen is the length of the escape sequence at the start of s (s[0] is
// ESC).
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then one final byte
		for j := 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
			if s[j] < 0x20 || s[j] > 0x3f && s[j] < 0x40 {
				return j
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST
		return 2 + stringBodyLen(s[2:])
	default: // two-byte escape (ESC c, ESC 7, ...)
		_, size := utf8.DecodeRuneInString(s[1:])
		return 1 + size
	}
}

func c1BodyLen(s string, intro rune) int {
	if intro == 0x9b { // CSI
		for j := 0; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	}
	return stringBodyLen(s)
}

// stringBodyLen finds the end of a control string: BEL, ESC \ or 8-bit ST.
func stringBodyLen(s string) int {
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case 0x07:
			return j + 1
		case 0x1b:
			if j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
			return j + 1
		}
		if r, size := utf8.DecodeRuneInString(s[j:]); r == 0x9c {
			return j + size
		}
	}
	return len(s)
}

// Check validates member-written text on the way in: it must be valid UTF-8,
// free of control characters and escape sequences (newlines only if
// multiline), not blank when required, and at most max runes. The error is a
// one-line message naming the field.
func Check(field, s string, max int, multiline, required bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	for _, r := range s {
		if r == '\t' && multiline {
			continue
		}
		if refused(r, multiline) {
			if r == 0x1b {
				return fmt.Errorf("%s contains an escape sequence", field)
			}
			return fmt.Errorf("%s contains a control or invisible formatting character (U+%04X)", field, r)
		}
	}
	if required && strings.TrimFunc(s, isSpace) == "" {
		return fmt.Errorf("%s is empty", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%s is too long (%d characters, at most %d)", field, n, max)
	}
	return nil
}

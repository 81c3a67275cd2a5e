package names

import (
	"fmt"
	"unicode/utf8"
)

// MaxMarks is how many combining marks one character may carry (counted
// after canonical decomposition). Vietnamese needs two (ệ), Devanagari,
// Thai, Hebrew with points and Tibetan stacks at most four; Zalgo text
// needs dozens.
const MaxMarks = 4

const (
	zwj        = 0x200D
	vs15, vs16 = 0xFE0E, 0xFE0F
	virama     = 9 // canonical combining class of viramas
)

// blanks are characters that render as nothing yet are neither
// default-ignorable nor spaces in the Unicode data, so no property finds
// them: BRAILLE PATTERN BLANK and MUSICAL SYMBOL NULL NOTEHEAD.
var blanks = map[rune]bool{0x2800: true, 0x1D159: true}

// Check is the visible-name rule: name must be something a reader can see
// and tell apart. It returns a one-line error naming the first problem:
//
//   - every character is assigned in Unicode 13.0 (the repertoire), and is
//     not U+FFFD, a control, format, surrogate or private-use character
//     (general category C*), nor a space other than U+0020;
//   - no default-ignorable code point (Hangul fillers U+115F, U+1160,
//     U+3164, U+FFA0, zero-width characters, variation selectors, tags...)
//     and no blank (U+2800, U+1D159), except U+200D ZERO WIDTH JOINER right
//     after a virama or between two emoji, and U+FE0E/U+FE0F right after a
//     character that has an emoji variation sequence;
//   - no space at either end and no two spaces in a row;
//   - at least one letter (L*) or decimal digit (Nd);
//   - after NFD, every combining mark (M*) sits on a character that is not
//     a space or joiner, and no character carries more than MaxMarks.
//
// Check reads only the pinned data, never the toolchain's tables.
func Check(name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("name is not valid UTF-8")
	}
	t := tab()
	rs := []rune(name)
	seen := false // a letter or digit
	for i, r := range rs {
		gc, ok := t.gc.find(r)
		switch {
		case !ok:
			return fmt.Errorf("name contains U+%04X, which is not a character of Unicode %s (the version polis pins for names)", r, RepertoireVersion)
		case r == utf8.RuneError:
			return fmt.Errorf("name contains U+FFFD, the mark of broken text")
		case r == zwj:
			if !joins(t, rs, i) {
				return fmt.Errorf("name contains a zero width joiner (U+200D) that joins nothing: only emoji and virama sequences use one")
			}
		case r == vs15 || r == vs16:
			if i == 0 || !t.vs.has(rs[i-1]) {
				return fmt.Errorf("name contains a variation selector (U+%04X) that follows no emoji", r)
			}
		case t.di.has(r) || blanks[r]:
			return fmt.Errorf("name contains an invisible character (U+%04X)", r)
		case gc[0] == 'C':
			return fmt.Errorf("name contains a control, formatting or private-use character (U+%04X)", r)
		case r == ' ':
			if i == 0 || i == len(rs)-1 {
				return fmt.Errorf("name has leading or trailing spaces")
			}
			if rs[i-1] == ' ' {
				return fmt.Errorf("name has two spaces in a row")
			}
		case gc[0] == 'Z':
			return fmt.Errorf("name contains a space or separator other than the ordinary space (U+%04X)", r)
		case gc[0] == 'L' || gc == "Nd":
			seen = true
		}
	}
	if !seen {
		return fmt.Errorf("name needs at least one letter or digit")
	}
	return checkMarks(t, NFD(name))
}

// joins reports whether the joiner at rs[i] sits where it does something:
// after a virama (Indic conjuncts such as Sinhala "ශ්‍රී"), or between two
// emoji of a ZWJ sequence, the first perhaps followed by U+FE0F or a skin
// tone modifier ("👩🏽‍💻").
func joins(t *tables, rs []rune, i int) bool {
	if i == 0 || i == len(rs)-1 {
		return false
	}
	if t.ccc[rs[i-1]] == virama {
		return true
	}
	j := i - 1
	for j > 0 && (rs[j] == vs16 || t.emod.has(rs[j])) {
		j--
	}
	return t.ep.has(rs[j]) && t.ep.has(rs[i+1])
}

func checkMarks(t *tables, nfd string) error {
	marks, base := 0, false
	for _, r := range nfd {
		gc, _ := t.gc.find(r)
		if gc == "" || gc[0] != 'M' || r == vs15 || r == vs16 {
			// A space or joiner is no base: a mark on it would float
			// between words.
			marks, base = 0, r != ' ' && r != zwj
			continue
		}
		if !base {
			return fmt.Errorf("name has a combining mark (U+%04X) with no character to sit on", r)
		}
		if marks++; marks > MaxMarks {
			return fmt.Errorf("name has more than %d combining marks on one character", MaxMarks)
		}
	}
	return nil
}

// IsFormat reports whether r is a format character (general category Cf)
// in the pinned data. The sanitiser's check on text entering the log uses
// it, so whether a log's text is valid never depends on the toolchain.
func IsFormat(r rune) bool {
	gc, ok := tab().gc.find(r)
	return ok && gc == "Cf"
}

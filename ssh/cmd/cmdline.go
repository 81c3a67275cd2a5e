package cmd

import (
	"fmt"
	"strings"
)

// A command reaches the hub as one line: OpenSSH joins the client's argv
// with spaces, after the member's own shell has taken its quotes away. So
// `ssh hub proposal new --title "O'Brien's plan" --kind text` arrives as
//
//	proposal new --title O'Brien's plan --kind text
//
// and a POSIX shell split here would read O'Brien's apostrophe as a quote
// and lose it (or refuse the line), and eat every backslash. The hub splits
// the line its own way instead (splitLine), and takes the value of a prose
// flag as the stretch of the line it covers, as typed (ParseLine).

// maxLineLen bounds a command line before it is split: twice what the
// arguments may hold in all, so that the caps, applied after prose is
// rejoined, are what refuses a long line, and splitting costs little.
const maxLineLen = 2 * maxArgTotal

// word is one word of a command line.
type word struct {
	text       string // the argument, its enclosing quotes taken off
	start, end int    // its place in the line, quotes included
	quoted     bool
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// splitLine splits a command line into words at whitespace. A word that
// starts with a quote (' or "), or a --flag= whose value starts with one,
// runs to the same quote where that quote is followed by whitespace or the
// end of the line, and holds everything in between; with no such closing
// quote, the opening one is an ordinary character. Every other quote, and
// every backslash, is an ordinary character: O'Brien, 'tis, "Rent the flat"
// and \o/ all arrive as a member means them. Nothing fails to split.
func splitLine(line string) []word {
	var ws []word
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return ws
		}
		start, open := i, i
		if strings.HasPrefix(line[i:], "--") {
			for k := i; k < len(line) && !isSpace(line[k]); k++ {
				if line[k] == '=' {
					open = k + 1
					break
				}
			}
		}
		if open < len(line) && (line[open] == '\'' || line[open] == '"') {
			if k := closingQuote(line, open); k >= 0 {
				ws = append(ws, word{text: line[start:open] + line[open+1:k], start: start, end: k + 1, quoted: true})
				i = k + 1
				continue
			}
		}
		for i < len(line) && !isSpace(line[i]) {
			i++
		}
		ws = append(ws, word{text: line[start:i], start: start, end: i})
	}
}

// closingQuote finds where the quote at open closes, or -1.
func closingQuote(line string, open int) int {
	q := line[open]
	for k := open + 1; k < len(line); k++ {
		if line[k] == q && (k+1 == len(line) || isSpace(line[k+1])) {
			return k
		}
	}
	return -1
}

// isFlagWord reports whether w ends a prose value: an unquoted --name. A
// bare "--" is prose ("pros -- cons"), and so is a quoted "--force".
func isFlagWord(w word) bool { return !w.quoted && isFlagArg(w.text) }

func isFlagArg(s string) bool { return len(s) > 2 && s[0] == '-' && s[1] == '-' && s[2] != '-' }

// proseArgs are the commands whose one positional argument is a name that
// may hold spaces: everything after the command word up to the first
// --flag is that name (`rename Ana Sofia`, `delegate Bob Marley --kind
// spend`).
var proseArgs = map[string]bool{"rename": true, "delegate": true}

// ParseLine splits a command line into the arguments a command gets. The
// value of a prose flag (freeTextFlags), and the name after `rename` or
// `delegate`,
// is the stretch of the line from its first word to the word before the
// next --flag, exactly as it arrived: apostrophes, quotes, backslashes and
// runs of spaces included. A value that is one quoted word loses its
// quotes, as a shell would take them. The argument caps (checkArgs) apply
// to the result, so a long title is one argument, not sixty.
func ParseLine(line string) ([]string, error) {
	if len(line) > maxLineLen {
		return nil, fmt.Errorf("the command line is too long (%d bytes, at most %d)", len(line), maxArgTotal)
	}
	ws := splitLine(line)
	args := make([]string, len(ws))
	for i, w := range ws {
		args[i] = w.text
	}
	if len(ws) > 2 && proseArgs[args[0]] && !strings.HasPrefix(args[1], "-") {
		j := 1
		for j < len(ws) && !isFlagWord(ws[j]) {
			j++
		}
		if j > 2 {
			return append([]string{args[0], prose(line, ws[1:j], 0)}, args[j:]...), nil
		}
		return args, nil
	}
	flags := proseFlags(args)
	if flags == nil {
		return args, nil
	}
	out := make([]string, 0, len(ws))
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		flag, inline := proseFlag(w, flags)
		if flag == "" {
			out = append(out, w.text)
			continue
		}
		j := i + 1
		for j < len(ws) && !isFlagWord(ws[j]) {
			j++
		}
		switch {
		case inline:
			// --title=Rent the flat: the value starts inside this word.
			out = append(out, flag+"="+prose(line, ws[i:j], len(flag)+1))
		case j > i+1:
			out = append(out, w.text, prose(line, ws[i+1:j], 0))
		default:
			out = append(out, w.text)
		}
		i = j - 1
	}
	return out, nil
}

// proseFlags are the prose flags of the command args name, or nil.
func proseFlags(args []string) []string {
	for path, fs := range freeTextFlags {
		p := strings.Fields(path)
		if len(args) >= len(p) && strings.Join(args[:len(p)], " ") == path {
			return fs
		}
	}
	return nil
}

// proseFlag reports whether w is one of flags, alone ("--title") or with
// its value attached ("--title=Rent"; inline).
func proseFlag(w word, flags []string) (flag string, inline bool) {
	if w.quoted && !strings.Contains(w.text, "=") {
		return "", false
	}
	for _, f := range flags {
		switch {
		case w.text == f && !w.quoted:
			return f, false
		case strings.HasPrefix(w.text, f+"="):
			return f, true
		}
	}
	return "", false
}

// prose is the text ws cover in line, skipping the first skip bytes of the
// first word (a --flag= before the value). One quoted word gives its text.
func prose(line string, ws []word, skip int) string {
	if len(ws) == 1 && ws[0].quoted {
		return ws[0].text[skip:]
	}
	return line[ws[0].start+skip : ws[len(ws)-1].end]
}

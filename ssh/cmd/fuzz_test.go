package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

// argv splits a fuzzed command line on NUL, the one byte an SSH client
// cannot put inside an argument.
func argv(line string) []string {
	if line == "" {
		return nil
	}
	return strings.Split(line, "\x00")
}

// FuzzExecute runs arbitrary command lines and stdin as each role against
// one hub: no input panics, and every failure is exit status 1 with one
// clean line on stderr. Successes may change the hub; later inputs run
// against whatever it has become.
func FuzzExecute(f *testing.F) {
	wd := newWorld(f)
	roles := []string{"alice", "bob", "carol", "visitor"}
	f.Fuzz(func(t *testing.T, line, stdin string, as uint8) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var stdout, stderr bytes.Buffer
		code := Execute(ctx, wd.Hub, wd.who(roles[int(as)%len(roles)]), argv(line), strings.NewReader(stdin), &stdout, &stderr)
		switch code {
		case 0:
		case 1:
			e := stderr.String()
			if !strings.HasPrefix(e, "polis: ") || strings.Count(e, "\n") != 1 || !strings.HasSuffix(e, "\n") {
				t.Fatalf("failure is not one 'polis: ' line: %q", e)
			}
			if strings.ContainsAny(e, "\x1b\x07\r\x00\u009b\u009d") || !utf8.ValidString(e) {
				t.Fatalf("error line carries control characters: %q", e)
			}
		default:
			t.Fatalf("exit status %d", code)
		}
	})
}

// FuzzRejoinText: gathering the words of free-text flags back together
// never loses, adds or reorders a character, and never makes more words.
func FuzzRejoinText(f *testing.F) {
	f.Fuzz(func(t *testing.T, line string) {
		in := argv(line)
		out := rejoinText(in)
		if len(out) > len(in) {
			t.Fatalf("rejoinText(%q) = %q: more words", in, out)
		}
		if strings.Join(out, " ") != strings.Join(in, " ") {
			t.Fatalf("rejoinText(%q) = %q: the text changed", in, out)
		}
	})
}

// FuzzParseDate: the date flags of the treasury and housing commands
// accept exactly the canonical YYYY-MM-DD days from 1970, and explain
// anything else in one line.
func FuzzParseDate(f *testing.F) {
	cmd := &cobra.Command{Use: "book"}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDate(cmd, "from", s)
		if err != nil {
			var b bytes.Buffer
			fail(&b, err)
			if strings.Count(b.String(), "\n") != 1 || strings.ContainsAny(b.String(), "\x1b\x07") {
				t.Fatalf("error is not one clean line: %q", b.String())
			}
			return
		}
		day, err := time.Parse(dateLayout, d)
		if err != nil || d != s || day.Format(dateLayout) != s || day.Year() < 1970 {
			t.Fatalf("parseDate accepted %q as %q", s, d)
		}
	})
}

// FuzzParsePercent: a share is 0 to 100.00 percent, kept exactly, and
// what the hub prints reads back as the same share.
func FuzzParsePercent(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		bp, err := parsePercent("quorum", s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if bp < 0 || bp > 10000 {
			t.Fatalf("parsePercent(%q) = %d basis points", s, bp)
		}
		if again, err := parsePercent("quorum", fmtPercent(bp)); err != nil || again != bp {
			t.Fatalf("parsePercent(%q) = %d, printed %q, read back %d %v", s, bp, fmtPercent(bp), again, err)
		}
	})
}

// FuzzParsePeriod: a voting period is at most maxPeriodDays and never
// negative. (Sub-millisecond durations read as 0; the hub's own range check,
// at least a minute, refuses those.)
func FuzzParsePeriod(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := parsePeriod(s)
		if err != nil {
			return
		}
		if ms < 0 || ms > maxPeriodDays*24*3600*1000 {
			t.Fatalf("parsePeriod(%q) = %dms", s, ms)
		}
	})
}

// FuzzCommandPath: naming a command line for metrics and the suspended
// check never panics and gives a path from the tree, "help" or "unknown".
func FuzzCommandPath(f *testing.F) {
	paths := map[string]bool{"help": true, "unknown": true}
	for _, p := range commandPaths() {
		paths[p] = true
	}
	f.Fuzz(func(t *testing.T, line string) {
		if p := Path(argv(line)); !paths[p] {
			t.Fatalf("Path(%q) = %q, no command", argv(line), p)
		}
	})
}

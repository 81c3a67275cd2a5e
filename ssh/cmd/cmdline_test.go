package cmd

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
)

// openssh is the line OpenSSH sends for argv, after the member's shell
// took its quotes: the words joined with spaces.
func openssh(argv ...string) string { return strings.Join(argv, " ") }

func TestSplitLine(t *testing.T) {
	for _, c := range []struct {
		line string
		want []string
	}{
		{"vote 3 yes", []string{"vote", "3", "yes"}},
		{"  vote\t3  yes\n", []string{"vote", "3", "yes"}},
		{"O'Brien's plan", []string{"O'Brien's", "plan"}},
		{"'tis the season", []string{"'tis", "the", "season"}},
		{`'Rent the flat' now`, []string{"Rent the flat", "now"}},
		{`"Rent 'the' flat"`, []string{"Rent 'the' flat"}},
		{`'O'Brien's plan'`, []string{"O'Brien's plan"}},
		{`"say "hi""`, []string{`say "hi"`}},
		{`"a" "b"`, []string{"a", "b"}},
		{`\o/ C:\dir\ a\ b`, []string{`\o/`, `C:\dir\`, `a\`, "b"}},
		{`--title="Rent the flat" --kind`, []string{"--title=Rent the flat", "--kind"}},
		{`--title='O'Brien' x`, []string{"--title=O'Brien", "x"}},
		{`''`, []string{""}},
		{`'unclosed quote`, []string{"'unclosed", "quote"}},
		{``, nil},
	} {
		var got []string
		for _, w := range splitLine(c.line) {
			got = append(got, w.text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("splitLine(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

func TestParseLine(t *testing.T) {
	words60 := make([]string, 60)
	for i := range words60 {
		words60[i] = string(rune('a' + i%26))
	}
	title60 := strings.Join(words60, " ")
	for _, c := range []struct {
		line string
		want []string
	}{
		{openssh("proposal", "new", "--title", "O'Brien's plan", "--kind", "text"),
			[]string{"proposal", "new", "--title", "O'Brien's plan", "--kind", "text"}},
		{openssh("proposal", "new", "--title", `He said "no" \o/ C:\dir\`, "--kind", "text"),
			[]string{"proposal", "new", "--title", `He said "no" \o/ C:\dir\`, "--kind", "text"}},
		{"proposal new --title " + title60 + " --kind text",
			[]string{"proposal", "new", "--title", title60, "--kind", "text"}},
		{`proposal new --title "Use --force wisely" --kind text`,
			[]string{"proposal", "new", "--title", "Use --force wisely", "--kind", "text"}},
		{`proposal new --title="Rent the  flat" --kind text`,
			[]string{"proposal", "new", "--title=Rent the  flat", "--kind", "text"}},
		{`proposal new --title=Rent the flat --kind text`,
			[]string{"proposal", "new", "--title=Rent the flat", "--kind", "text"}},
		{`proposal new --title pros -- cons --kind text`,
			[]string{"proposal", "new", "--title", "pros -- cons", "--kind", "text"}},
		{`proposal new --kind text --options Lisbon flat,Porto flat`,
			[]string{"proposal", "new", "--kind", "text", "--options", "Lisbon flat,Porto flat"}},
		{`treasury contribute 5 EUR --memo "yes" or "no"`,
			[]string{"treasury", "contribute", "5", "EUR", "--memo", `"yes" or "no"`}},
		{`rename Seán  O'Brien`, []string{"rename", "Seán  O'Brien"}},
		{`rename --help`, []string{"rename", "--help"}},
		{`join abcd-efgh --name Ana Maria`, []string{"join", "abcd-efgh", "--name", "Ana Maria"}},
		{`proposal new --title`, []string{"proposal", "new", "--title"}},
		{`vote 3 'yes'`, []string{"vote", "3", "yes"}},
		{``, []string{}},
	} {
		got, err := ParseLine(c.line)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseLine(%q) = %q, %v; want %q", c.line, got, err, c.want)
		}
		if again := rejoinText(got); !slices.Equal(again, got) {
			t.Errorf("rejoinText(ParseLine(%q)) = %q: Execute would join it again", c.line, again)
		}
	}
	if _, err := ParseLine(strings.Repeat("x ", maxLineLen)); err == nil {
		t.Fatal("an oversized line was taken")
	}
}

// TestArgCapsAfterRejoin: a title of 60 words is one argument; the cap on
// arguments counts what a command gets.
func TestArgCapsAfterRejoin(t *testing.T) {
	words := strings.Fields(strings.Repeat("w ", 60))
	args := append(append([]string{"proposal", "new", "--title"}, words...), "--kind", "text")
	if err := checkArgs(rejoinText(args)); err != nil {
		t.Fatalf("a 60-word title: %v", err)
	}
	if Path(args) != "proposal new" {
		t.Fatalf("Path of a 60-word title: %q", Path(args))
	}
	if err := checkArgs(strings.Fields(strings.Repeat("w ", maxArgs+1))); err == nil {
		t.Fatal("too many arguments were taken")
	}
}

// TestExecuteNoArgs: no arguments prints help, never running the hub's own
// command line (cobra's fallback for nil arguments is os.Args).
func TestExecuteNoArgs(t *testing.T) {
	saved := os.Args
	os.Args = []string{"polis", "census", "--json"}
	defer func() { os.Args = saved }()
	hub := newHub(t)
	for _, args := range [][]string{nil, {}} {
		var out, errOut bytes.Buffer
		if code := Execute(context.Background(), hub, Identity{}, args, nil, &out, &errOut); code != 0 {
			t.Fatalf("Execute(%#v): exit %d, %q", args, code, errOut.String())
		}
		if !strings.Contains(out.String(), "polis hub commands") || strings.Contains(out.String(), "{") {
			t.Fatalf("Execute(%#v) did not print help: %q", args, out.String())
		}
	}
}

// FuzzParseLine: any line splits without panicking; prose is taken from
// the line as it is (each argument is a word or a stretch of the line);
// Execute's word-level rejoining finds nothing more to join.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`proposal new --title O'Brien's "plan" --kind text`, `rename 'a b' c`, `--title="x`, `"" ''`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := ParseLine(line)
		if err != nil {
			return
		}
		for _, a := range args {
			if !strings.Contains(line, a) && !strings.HasPrefix(a, "--") {
				t.Fatalf("ParseLine(%q) made up %q", line, a)
			}
		}
		if again := rejoinText(args); !slices.Equal(again, args) {
			t.Fatalf("rejoinText(ParseLine(%q)) = %q, from %q", line, again, args)
		}
		fields := strings.Fields(line)
		if plainASCII(line) && !strings.ContainsAny(line, `'"`) && proseFlags(args) == nil && (len(fields) == 0 || fields[0] != "rename") {
			if !slices.Equal(args, fields) && len(fields)+len(args) > 0 {
				t.Fatalf("ParseLine(%q) = %q, want the words %q", line, args, fields)
			}
		}
	})
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && (s[i] < '!' || s[i] > '~') {
			return false
		}
	}
	return true
}

package sanitize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"pgregory.net/rapid"
)

func TestLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Rent the flat", "Rent the flat"},
		{"\x1b]0;PWNED\x07title", "title"},
		{"\x1b]0;PWNED\x1b\\title", "title"},
		{"\x1b[2J\x1b[Hclear", "clear"},
		{"red \x1b[31mtext\x1b[0m", "red text"},
		{"a\x00b\x7fc", "abc"},
		{"tab\tand\nnewline", "tab and newline"},
		{"cr\rlf", "crlf"},
		{"\u202Eevil\u202C", "evil"},
		{"\u2066iso\u2069", "iso"},
		{"\u009b31mC1 csi", "C1 csi"},
		{"\u009d0;x\u009cok", "ok"},
		{"\x1bPdcs\x1b\\after", "after"},
		{"ok\xffbad", "okbad"},
		{"zero\u200bwidth", "zerowidth"},
		{"émoji 👩‍👩‍👧 ok", "émoji 👩‍👩‍👧 ok"},
		{"\x1b", ""},
		{"\x1b[", ""},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTextKeepsNewlines(t *testing.T) {
	if got := Text("a\nb\x1b[1Ac"); got != "a\nbc" {
		t.Fatalf("Text = %q", got)
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		in      string
		multi   bool
		req     bool
		wantErr string
	}{
		{"Alice", false, true, ""},
		{"", false, true, "name is empty"},
		{"   ", false, true, "name is empty"},
		{"", false, false, ""},
		{"a\x1b]0;x\x07", false, true, "escape sequence"},
		{"a\nb", false, true, "control"},
		{"a\nb", true, true, ""},
		{"\u202Ex", false, true, "U+202E"},
		{strings.Repeat("x", 41), false, true, "too long"},
		{"\xff", false, true, "UTF-8"},
	}
	for _, c := range cases {
		err := Check("name", c.in, 40, c.multi, c.req)
		if c.wantErr == "" && err != nil {
			t.Errorf("Check(%q) = %v", c.in, err)
		}
		if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("Check(%q) = %v, want %q", c.in, err, c.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}

// Whatever goes in, what comes out holds no byte a terminal would act on,
// is valid UTF-8, and is a fixed point.
func TestLineProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		if rapid.Bool().Draw(t, "raw") {
			s = string(rapid.SliceOf(rapid.Byte()).Draw(t, "b"))
		}
		out := Line(s)
		assertSafe(t, out, false)
		if Line(out) != out {
			t.Fatalf("not a fixed point: %q", out)
		}
		outText := Text(s)
		assertSafe(t, outText, true)
		if Check("x", out, 1<<20, false, false) != nil {
			t.Fatalf("Check refuses sanitised %q", out)
		}
	})
}

func assertSafe(t *rapid.T, s string, multi bool) {
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8 out: %q", s)
	}
	for _, r := range s {
		if bad(r, multi) || r == 0x1b || r == '\r' {
			t.Fatalf("unsafe rune %U in %q", r, s)
		}
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;PWNED\x07", "\x1b[31m", "\u202E", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) || strings.ContainsAny(out, "\x1b\x07\r\n\x00") {
			t.Fatalf("unsafe output %q", out)
		}
	})
}

// Whether text may enter the log is decided by polis's pinned Unicode data,
// never by the toolchain's tables: U+0890 ARABIC POUND MARK ABOVE became a
// format character in Unicode 14, after the pinned repertoire, so Check
// accepts it whatever Go runs it (and the output sanitiser still drops it).
func TestCheckReadsPinnedData(t *testing.T) {
	const newer = "\u0890"
	if !unicode.Is(unicode.Cf, []rune(newer)[0]) {
		t.Fatal("this toolchain's tables predate Unicode 14; polis needs Go 1.26")
	}
	if err := Check("title", "price"+newer, 100, false, true); err != nil {
		t.Fatalf("Check consulted the toolchain's tables: %v", err)
	}
	if got := Line("price" + newer); got != "price" {
		t.Fatalf("Line(%q) = %q: the output sanitiser must still drop it", "price"+newer, got)
	}
	// A format character of the pinned data is refused as before.
	if err := Check("title", "a\u200Bb", 100, false, true); err == nil {
		t.Fatal("zero width space accepted")
	}
	// Blank is White_Space spelled out, not the toolchain's.
	if err := Check("title", "\u3000\u2003", 100, false, true); err == nil {
		t.Fatal("a title of ideographic and em spaces accepted as not empty")
	}
}

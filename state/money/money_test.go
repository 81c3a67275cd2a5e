package money

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestParse(t *testing.T) {
	good := []struct {
		in   string
		dec  int
		want int64
	}{
		{"250.00", 2, 25000}, {"250", 2, 25000}, {"0.01", 2, 1}, {"1.5", 2, 150},
		{"0.00000001", 8, 1}, {"21", 8, 2_100_000_000}, {"007.10", 2, 710}, {"5", 0, 5},
	}
	for _, c := range good {
		if got, err := Parse(c.in, c.dec); err != nil || got != c.want {
			t.Errorf("Parse(%q, %d) = %d, %v; want %d", c.in, c.dec, got, err, c.want)
		}
	}
	bad := []struct {
		in   string
		dec  int
		want string
	}{
		{"", 2, "empty"}, {"abc", 2, "plain decimal"}, {"1e9999", 2, "plain decimal"}, {"12.345", 2, "3 decimals"},
		{"-5", 2, "plain decimal"}, {"0", 2, "more than zero"}, {"0.00", 2, "more than zero"}, {"1.", 2, "plain decimal"},
		{".5", 2, "plain decimal"}, {"1,000", 2, "plain decimal"}, {"99999999999999999999", 2, "too large"},
		{"10000000000000.01", 2, "too large"}, {" 5", 2, "plain decimal"}, {"5 USD", 2, "plain decimal"}, {"NaN", 2, "plain decimal"},
		{"1.5", 0, "1 decimals"},
	}
	for _, c := range bad {
		_, err := Parse(c.in, c.dec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q, %d) = %v; want error with %q", c.in, c.dec, err, c.want)
		}
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dec := rapid.IntRange(0, 8).Draw(t, "dec")
		n := rapid.Int64Range(1, MaxMinor).Draw(t, "n")
		got, err := Parse(Format(n, dec), dec)
		if err != nil || got != n {
			t.Fatalf("Parse(Format(%d, %d)=%q) = %d, %v", n, dec, Format(n, dec), got, err)
		}
	})
	if Format(-5, 2) != "-0.05" || Format(0, 2) != "0.00" || Format(123, 0) != "123" {
		t.Fatal("Format")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"250.00", "1e9999", "12.345", "abc", "-1", "0.00000001"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, dec int) {
		dec = ((dec % 19) + 19) % 19
		n, err := Parse(s, dec)
		if err == nil && (n <= 0 || n > MaxMinor) {
			t.Fatalf("Parse(%q) = %d out of range", s, n)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatal("multi-line error")
		}
	})
}

package cmd

import "testing"

func TestPercent(t *testing.T) {
	good := map[string]int{"0": 0, "20": 2000, "20%": 2000, "66.67": 6667, "66.67%": 6667, "5.5": 550, "100": 10000, "100.00": 10000, "0.01": 1}
	for s, want := range good {
		if got, err := parsePercent("q", s); err != nil || got != want {
			t.Errorf("parsePercent(%q) = %d, %v; want %d", s, got, err, want)
		}
		if got, _ := parsePercent("q", fmtPercent(want)); got != want {
			t.Errorf("fmtPercent(%d) = %q does not parse back", want, fmtPercent(want))
		}
	}
	for _, s := range []string{"", "%", "abc", "-1", "+1", "1e2", "100.01", "101", "1000", "20.", ".5", "20.555", "20%%", " 20", "2 0", "0x10", "NaN"} {
		if got, err := parsePercent("q", s); err == nil {
			t.Errorf("parsePercent(%q) = %d, want an error", s, got)
		}
	}
	for s, want := range map[string]int64{"72h": 72 * 3600000, "7d": 7 * 86400000, "90m": 90 * 60000} {
		if got, err := parsePeriod(s); err != nil || got != want {
			t.Errorf("parsePeriod(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0", "0d", "91d", "-1h", "3y", "99999999999999999999d", "2400h"} {
		if _, err := parsePeriod(s); err == nil {
			t.Errorf("parsePeriod(%q): want an error", s)
		}
	}
}

package cmd

import "testing"

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"rent": "rent", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@x": "'@x",
		"a=b": "a=b", "": "", "\x1b]0;x\x07=y": "'=y", "tab\there": "tab here",
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

package cmd

import (
	"slices"
	"testing"
)

func TestRejoinText(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"proposal", "new", "--title", "Rent", "the", "flat", "--kind", "text"}, []string{"proposal", "new", "--title", "Rent the flat", "--kind", "text"}},
		{[]string{"proposal", "new", "--title", "Rent the flat", "--kind", "text"}, []string{"proposal", "new", "--title", "Rent the flat", "--kind", "text"}},
		{[]string{"proposal", "new", "--kind", "text", "--options", "Lisbon", "flat,Porto", "flat"}, []string{"proposal", "new", "--kind", "text", "--options", "Lisbon flat,Porto flat"}},
		{[]string{"join", "abcd-efgh", "--name", "Ana", "Maria"}, []string{"join", "abcd-efgh", "--name", "Ana Maria"}},
		{[]string{"rename", "Ana", "Maria"}, []string{"rename", "Ana Maria"}},
		{[]string{"rename", "--help"}, []string{"rename", "--help"}},
		{[]string{"keys", "add", "--name", "laptop", "ssh-ed25519", "AAAA"}, []string{"keys", "add", "--name", "laptop", "ssh-ed25519", "AAAA"}},
		{[]string{"vote", "3", "yes"}, []string{"vote", "3", "yes"}},
		{[]string{"proposal", "new", "--title"}, []string{"proposal", "new", "--title"}},
	}
	for _, c := range cases {
		if got := rejoinText(c.in); !slices.Equal(got, c.want) {
			t.Errorf("rejoinText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

package state

import (
	"regexp"
	"testing"

	"github.com/polis-hub/polis/chain"
)

// scenario is one valid vector: a named sequence of commands.
type scenario struct {
	name, doc string
	run       func(s *script)
}

var decimalRE = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

func openVectorNote(t *testing.T, vkey string, signed []byte) chain.Checkpoint {
	t.Helper()
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Open(signed, v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scenarios are the valid vectors, in the order docs/events.md lists them.
var scenarios = []scenario{
	{name: "members", doc: "a hub is created; a founding steward; invites, joining, applications approved and rejected; key offers, added, renamed and removed keys; names with escapes", run: scenarioMembers},
}

func scenarioMembers(s *script) {
	s.do("", CreateHub{Name: "Casa <Comum> & \"friends\""})
	s.do("", AdmitAdmin{Key: s.who("alice").Key, Name: "alice"})
	s.ids["alice"] = 1
	s.join("alice", "bob")
	s.join("alice", "Ærø Ünïcødé 日本")
	s.do("bob", Rename{Name: "Bob the builder"})
}

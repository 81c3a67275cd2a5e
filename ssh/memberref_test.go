package ssh

import (
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
)

// Every command that names a member takes a name or an ID, by one rule,
// and a name with spaces arrives whole as OpenSSH sends it (no quotes).
func TestMembersByNameEverywhere(t *testing.T) {
	hub := newHub(t)
	ts, alice, bob, carol := community(t, hub)
	mustRun(t, "rename", bob.run(t, ts, "rename Bob Marley"))

	r := mustRun(t, "delegate", carol.run(t, ts, "delegate bob marley --kind spend"))
	if !strings.Contains(r.stdout, "Bob Marley") {
		t.Fatalf("delegate: %q", r.stdout)
	}
	b, _, _ := hub.MemberNamed("Bob Marley")
	ds, err := hub.Delegations()
	if err != nil || len(ds) != 1 || ds[0].To != b.ID || ds[0].Kind != state.KindSpend {
		t.Fatalf("delegations %+v %v", ds, err)
	}
	mustRun(t, "dispute file", carol.runIn(t, ts, "He kept my ladder.", strings.Fields("dispute file --against Bob Marley --title The ladder")...))
	mustRun(t, "role grant", alice.run(t, ts, `role grant "Bob Marley" moderator`))
	if m, _, _ := hub.MemberNamed("Bob Marley"); !m.HasRole(state.RoleModerator) {
		t.Fatalf("role not granted: %+v", m)
	}
	mustRun(t, "expel proposal", alice.runIn(t, ts, "", strings.Fields("proposal new --kind expel --title Out --member Bob Marley")...))

	// Unknown names are one line, and change nothing.
	before := hub.StateDigest()
	for _, line := range []string{"delegate Nobody At All", "role grant nobody moderator", "dispute file --against Nobody --title x"} {
		r := carol.run(t, ts, line)
		checkFailure(t, line, r)
		if !strings.Contains(r.stderr, "no member named") {
			t.Errorf("%s: %q", line, r.stderr)
		}
	}
	if hub.StateDigest() != before {
		t.Fatal("a refused command changed the state")
	}
}

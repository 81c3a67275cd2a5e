package ssh

import (
	"crypto/rand"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

// The stewards' application list comes a page at a time, and says how to
// read the next.
func TestApplicationsPaged(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")
	for _, n := range []string{"dora", "eve", "fay"} {
		mustRun(t, "apply", newUser(t, n).runIn(t, ts, "I cook.", "apply", "--name", n))
	}
	r := mustRun(t, "applications", alice.run(t, ts, "applications --limit 2"))
	if !strings.Contains(r.stdout, "dora") || !strings.Contains(r.stdout, "eve") || strings.Contains(r.stdout, "fay") ||
		lastLine(r.stdout) != "More: applications --limit 2 --after 2" {
		t.Fatalf("page 1: %q", r.stdout)
	}
	r = mustRun(t, "applications", alice.run(t, ts, "applications --limit 2 --after 2"))
	if !strings.Contains(r.stdout, "fay") || strings.Contains(r.stdout, "More:") {
		t.Fatalf("page 2: %q", r.stdout)
	}
}

// keys add only offers a key: a squatter who offers someone else's public
// key gets nothing, since only a session with that key can confirm it; a
// certificate is refused outright.
func TestKeysAddNeedsTheKey(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, victim := newUser(t, "alice"), newUser(t, "victim")
	admit(t, hub, alice, "alice")
	r := mustRun(t, "keys add", alice.run(t, ts, "keys add "+victim.authorizedKey()))
	code := lastLine(r.stdout)
	if !strings.Contains(r.stdout, "keys confirm "+code) || !strings.Contains(r.stdout, victim.fingerprint()) {
		t.Fatalf("keys add: %q", r.stdout)
	}
	if r := mustRun(t, "keys list", alice.run(t, ts, "keys list")); !strings.Contains(r.stdout, "waiting to be confirmed") {
		t.Fatalf("keys list: %q", r.stdout)
	}
	// alice cannot confirm it from her own key; the victim is untouched
	// and may still apply.
	r = alice.run(t, ts, "keys confirm "+code)
	checkFailure(t, "confirm from another key", r)
	if !strings.Contains(r.stderr, "already belongs to member 1") {
		t.Fatalf("confirm: %q", r.stderr)
	}
	if r := victim.run(t, ts, "whoami"); !strings.Contains(r.stdout, "visitor") {
		t.Fatalf("victim: %q", r.stdout)
	}
	mustRun(t, "victim applies", victim.runIn(t, ts, "Hello.", "apply", "--name", "victim"))

	before := hub.StateDigest()
	r = alice.runIn(t, ts, testCertLine(t, newUser(t, "cert")), "keys", "add")
	checkFailure(t, "certificate", r)
	if !strings.Contains(r.stderr, "certificate, which cannot log in") {
		t.Fatalf("certificate: %q", r.stderr)
	}
	if hub.StateDigest() != before {
		t.Fatal("a refused key changed the state")
	}
}

// testCertLine is an OpenSSH user certificate for u's key.
func testCertLine(t *testing.T, u *user) string {
	t.Helper()
	ca := newUser(t, "ca")
	cert := &gossh.Certificate{Key: u.signer.PublicKey(), CertType: gossh.UserCert, ValidPrincipals: []string{u.name},
		ValidBefore: gossh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca.signer); err != nil {
		t.Fatal(err)
	}
	return string(gossh.MarshalAuthorizedKey(cert))
}

// Over SSH: a revoked moderator's ruling is refused, and a restitution
// above the cap becomes a spend proposal instead of a payout order.
func TestModerationLimitsOverSSH(t *testing.T) {
	hub := newHub(t)
	ts, alice, bob, carol := community(t, hub)
	mustRun(t, "grant", alice.run(t, ts, "role grant 3 moderator"))
	id := lastLine(mustRun(t, "file", bob.runIn(t, ts, "Broke my bike.\n", "dispute", "file", "--against", "alice", "--title", "Bike")).stdout)
	mustRun(t, "claim", carol.run(t, ts, "dispute claim "+id))
	mustRun(t, "revoke", alice.run(t, ts, "role revoke 3 moderator"))
	before := hub.StateDigest()
	r := carol.run(t, ts, "dispute resolve "+id+" --outcome suspension --days 30")
	checkFailure(t, "revoked moderator rules", r)
	if !strings.Contains(r.stderr, "no longer a moderator") || hub.StateDigest() != before {
		t.Fatalf("revoked moderator rules: %q", r.stderr)
	}
	mustRun(t, "grant again", alice.run(t, ts, "role grant 3 moderator"))
	r = mustRun(t, "resolve", carol.run(t, ts, "dispute resolve "+id+" --outcome restitution --amount 999999 --asset USD --reason a new bike"))
	if !strings.Contains(r.stdout, "the members vote on it as spend proposal 1") {
		t.Fatalf("resolve: %q", r.stdout)
	}
	if ps := payoutsJSON(t, ts, bob); len(ps) != 0 {
		t.Fatalf("payouts %+v", ps)
	}
	if v := showJSON(t, ts, bob, "1"); v.Kind != state.KindSpend || v.Action.Amount != 99999900 || v.Action.Member != 2 {
		t.Fatalf("proposal %+v", v.Proposal)
	}
}

// A member past their write budget gets one line and nothing is written.
func TestWriteBudgetOverSSH(t *testing.T) {
	hub := newHub(t)
	ts, alice, bob, _ := community(t, hub)
	id := lastLine(mustRun(t, "proposal", alice.runIn(t, ts, "Paint it.\n", "proposal", "new", "--title", "Door", "--kind", "text")).stdout)
	hub.SetWriteBudget(state.WriteBudget{Burst: 600, PerSecond: 1, MinCost: 256})
	mustRun(t, "vote 1", bob.run(t, ts, "vote "+id+" yes"))
	mustRun(t, "vote 2", bob.run(t, ts, "vote "+id+" no"))
	before := hub.StateDigest()
	r := bob.run(t, ts, "vote "+id+" yes")
	checkFailure(t, "past the budget", r)
	if !strings.HasPrefix(r.stderr, "polis: too fast: you have written more than the hub takes from one member (600 bytes at once, then 1 bytes a second)") {
		t.Fatalf("past the budget: %q", r.stderr)
	}
	if hub.StateDigest() != before {
		t.Fatal("a refused write changed the state")
	}
	mustRun(t, "alice votes", alice.run(t, ts, "vote "+id+" yes"))
}

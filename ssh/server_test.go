package ssh

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func TestJoinFlow(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, bob := newUser(t, "alice"), newUser(t, "bob")

	founder, err := hub.IssueFounderCode(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := alice.run(t, ts, cmdline("join", founder, "--name", "alice"))
	if r.code != 0 || !strings.Contains(r.stdout, "Welcome to Test, alice!") {
		t.Fatalf("join: %+v", r)
	}

	r = alice.run(t, ts, "whoami --json")
	var who cmd.WhoamiJSON
	if err := json.Unmarshal([]byte(r.stdout), &who); err != nil || r.code != 0 {
		t.Fatalf("whoami --json: %v %+v", err, r)
	}
	if who.Name != "alice" || !contains(who.Roles, state.RoleSteward) || len(who.Keys) != 1 ||
		who.Keys[0].Fingerprint != alice.fingerprint() || who.Keys[0].Key != alice.authorizedKey() {
		t.Fatalf("whoami: %+v", who)
	}

	r = alice.run(t, ts, "invite create --uses 1 --expires 72h")
	if r.code != 0 {
		t.Fatalf("invite create: %+v", r)
	}
	code := lastLine(r.stdout)
	if len(code) != 19 {
		t.Fatalf("invite code %q is not alone on the last line: %q", code, r.stdout)
	}
	if r := bob.run(t, ts, cmdline("join", code, "--name", "bob")); r.code != 0 {
		t.Fatalf("bob join: %+v", r)
	}
	// Single use: a second redeemer is refused.
	carol := newUser(t, "carol")
	checkFailure(t, "used-up code", carol.run(t, ts, cmdline("join", code, "--name", "carol")))

	r = bob.run(t, ts, "census --json")
	var cs state.Census
	if err := json.Unmarshal([]byte(r.stdout), &cs); err != nil {
		t.Fatal(err)
	}
	if cs.Count != 2 || cs.Members[0].Name != "alice" || cs.Members[1].Name != "bob" {
		t.Fatalf("census: %+v", cs)
	}
	r = bob.run(t, ts, "whoami")
	if r.code != 0 || !strings.Contains(r.stdout, "member 2: bob") || !strings.Contains(r.stdout, "(this key)") {
		t.Fatalf("bob whoami: %+v", r)
	}
	if r := bob.run(t, ts, "invite create"); r.code != 1 || !strings.Contains(r.stderr, "only stewards") {
		t.Fatalf("member invite: %+v", r)
	}
}

func TestApplicationFlow(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, dora := newUser(t, "alice"), newUser(t, "dora")
	admit(t, hub, alice, "alice")

	r := exec(t, ts.addr, []gossh.Signer{dora.signer}, "apply --name dora --json", "I cook.\nAnd I fix bikes.\n")
	if r.code != 0 || strings.TrimSpace(r.stdout) != `{"id":1,"status":"pending"}` {
		t.Fatalf("apply: %+v", r)
	}
	checkFailure(t, "visitor applications", dora.run(t, ts, "applications"))
	r = alice.run(t, ts, "applications")
	if !strings.Contains(r.stdout, "dora") || !strings.Contains(r.stdout, "    And I fix bikes.") {
		t.Fatalf("applications: %+v", r)
	}
	r = alice.run(t, ts, "approve 1")
	if r.code != 0 || !strings.Contains(r.stdout, "dora is member 2") {
		t.Fatalf("approve: %+v", r)
	}
	checkFailure(t, "approve twice", alice.run(t, ts, "approve 1"))
	if r := dora.run(t, ts, "members --json"); r.code != 0 || !strings.Contains(r.stdout, `"name":"dora"`) {
		t.Fatalf("members: %+v", r)
	}
}

func TestVisitorRefusals(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, mallory := newUser(t, "alice"), newUser(t, "mallory")
	admit(t, hub, alice, "alice")
	before := hub.StateDigest()

	r := mallory.run(t, ts, "whoami --json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != `{"visitor":true,"fingerprint":"`+mallory.fingerprint()+`"}` {
		t.Fatalf("visitor whoami: %+v", r)
	}
	if r := mallory.run(t, ts, "whoami"); r.code != 0 || !strings.Contains(r.stdout, "visitor") {
		t.Fatalf("visitor whoami: %+v", r)
	}
	for _, c := range []string{"census", "census --json", "help", "chain head", "chain key", "chain receipt 0"} {
		if r := mallory.run(t, ts, c); r.code != 0 {
			t.Errorf("visitor %q: %+v", c, r)
		}
	}
	for _, c := range []string{
		"members", "members --json", "applications", "approve 1", "reject 1", "invite create", "invite list",
		"invite revoke 1", "keys list", "keys add " + newUser(t, "x").authorizedKey(), "keys remove alice",
		"keys rename a b", "role grant 1 moderator", "role revoke 1 steward", "rename mallory", "chain export",
	} {
		r := mallory.run(t, ts, c)
		checkFailure(t, "visitor "+c, r)
		if !strings.Contains(r.stderr, "members only") {
			t.Errorf("visitor %q: %q does not say members only", c, r.stderr)
		}
	}
	if hub.StateDigest() != before {
		t.Fatal("visitor commands changed state")
	}
}

func TestBadInput(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, bob := newUser(t, "alice"), newUser(t, "bob")
	admit(t, hub, alice, "alice")
	admit(t, hub, bob, "bob")
	if _, err := hub.Submit(context.Background(), state.SystemActor, state.CreateInvite{CodeHash: state.HashCode("x"), Uses: 1}); err == nil {
		t.Fatal("the hub made a non-founder invite")
	}
	before := hub.StateDigest()
	long := strings.Repeat("a", 5000)
	bad := []string{
		"approve 99", "reject 0", "approve -1", "approve 1x", "approve 0x10", "approve +1", "approve 99999999999999999999999",
		"invite revoke 42", "invite revoke abc", "invite create --uses -1", "invite create --uses x",
		"invite create --expires 3y", "invite create --expires -5h", "invite create --expires 9999d",
		"role grant 99 moderator", "role grant 2 emperor", "role grant 2 member", "role revoke 2 treasurer", "role grant 2 steward",
		"role grant 2", "role grant 2 moderator extra", "keys remove nope", "keys rename nope x",
		"keys add not-a-key", "keys add", "whoami extra", "census --bogus", "nosuchcommand", "invite nosuch",
		"help nosuch", "chain receipt 999", "chain receipt -1", "join", "join abcd --name x",
		cmdline("rename", "evil\x1b]0;pwned\x07"), cmdline("rename", "a\u202eb"), cmdline("rename", "bob"),
		cmdline("rename", "  "), cmdline("rename", long), cmdline("keys", "rename", alice.fingerprint(), "x\x1b[2Jy"),
		cmdline("keys", "add", "--name", "k\x1b]2;t\x07", newUser(t, "k").authorizedKey()),
		strings.Repeat("x ", 40),
	}
	for _, c := range bad {
		checkFailure(t, c, alice.run(t, ts, c))
	}
	if hub.StateDigest() != before {
		t.Fatal("bad input changed state")
	}
	// Input on stdin is bounded.
	r := exec(t, ts.addr, []gossh.Signer{newUser(t, "v").signer}, "apply --name v", strings.Repeat("x", cmd.MaxStdin+1))
	checkFailure(t, "huge application", r)
	r = exec(t, ts.addr, []gossh.Signer{newUser(t, "v").signer}, "apply --name v", "hi\x1b]0;pwned\x07")
	checkFailure(t, "escape in application", r)
	if hub.StateDigest() != before {
		t.Fatal("bad stdin changed state")
	}
}

func TestKeys(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, laptop := newUser(t, "alice"), newUser(t, "laptop")
	admit(t, hub, alice, "alice")

	r := exec(t, ts.addr, []gossh.Signer{alice.signer}, "keys add --name laptop", laptop.authorizedKey()+" me@laptop\n")
	if r.code != 0 || !strings.Contains(r.stdout, laptop.fingerprint()) {
		t.Fatalf("keys add: %+v", r)
	}
	// The key confirms itself (proof that alice holds it).
	mustRun(t, "keys confirm", laptop.run(t, ts, "keys confirm "+lastLine(r.stdout)))
	// The new key logs in as alice.
	if r := laptop.run(t, ts, "whoami"); !strings.Contains(r.stdout, "member 1: alice") {
		t.Fatalf("laptop whoami: %+v", r)
	}
	if r := laptop.run(t, ts, "keys rename laptop travel"); r.code != 0 {
		t.Fatalf("keys rename: %+v", r)
	}
	r = laptop.run(t, ts, "keys list --json")
	var keys []cmd.KeyListJSON
	if err := json.Unmarshal([]byte(r.stdout), &keys); err != nil || len(keys) != 2 || keys[1].Name != "travel" || !keys[1].Current {
		t.Fatalf("keys list: %v %+v", err, r)
	}
	// Removing a key takes effect at once: the removed key is a visitor.
	if r := alice.run(t, ts, "keys remove travel"); r.code != 0 {
		t.Fatalf("keys remove: %+v", r)
	}
	checkFailure(t, "removed key", laptop.run(t, ts, "members"))
	checkFailure(t, "only key", alice.run(t, ts, "keys remove "+alice.fingerprint()))
}

func TestChainCommands(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")

	r := alice.run(t, ts, "chain head --json")
	var h state.Head
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || h.Size < 2 || h.Note == "" {
		t.Fatalf("chain head: %v %+v", err, r)
	}
	// JSON times are milliseconds, the checkpoint's too; the text form
	// shows a date of this era, not of January 1970.
	r = alice.run(t, ts, "chain head")
	if want := "sealed " + time.UnixMilli(h.Time).UTC().Format("2006-01-02"); !strings.Contains(r.stdout, want) || h.Time < 1e12 {
		t.Fatalf("chain head says %q, want %q", r.stdout, want)
	}
	r = alice.run(t, ts, "chain receipt 1 --json")
	var rc state.Receipt
	if err := json.Unmarshal([]byte(r.stdout), &rc); err != nil {
		t.Fatalf("receipt: %v %+v", err, r)
	}
	key := strings.TrimSpace(alice.run(t, ts, "chain key").stdout)
	if err := state.CheckReceipt(rc, key); err != nil {
		t.Fatalf("receipt does not check: %v", err)
	}
	r = alice.run(t, ts, "chain export")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "polis-chain-export 1\n") {
		t.Fatalf("export: %q", hubtest.Shorten(r.stdout))
	}
}

func TestHeadBeforeCheckpoint(t *testing.T) {
	s, err := store.Open(store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := startServer(t, state.NewHub(s))
	r := newUser(t, "v").run(t, ts, "chain head --json")
	if r.code != 0 || !strings.Contains(r.stdout, `"size":0`) {
		t.Fatalf("head: %+v", r)
	}
}

func TestAuthMethods(t *testing.T) {
	ts := startServer(t, newHub(t))
	refused := map[string]gossh.AuthMethod{
		"password": gossh.Password("hunter2"),
		"keyboard-interactive": gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return nil, nil
		}),
	}
	for name, m := range refused {
		if c, err := dial(ts.addr, m); err == nil {
			c.Close()
			t.Errorf("%s auth was accepted", name)
		}
	}
	if c, err := dial(ts.addr); err == nil {
		c.Close()
		t.Error("none auth was accepted")
	}
}

// TestOfferedKeyAttack: a client offers alice's public key, cannot sign for
// it, and then authenticates with mallory's key (CVE-2023-43809). gossh's
// server drops a connection on a bad signature, so the attempt either fails
// outright or, should that ever change, must leave the session as mallory.
func TestOfferedKeyAttack(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, mallory := newUser(t, "alice"), newUser(t, "mallory")
	admit(t, hub, alice, "alice")
	before := hub.StateDigest()

	signers := []gossh.Signer{impostor{victim: alice.signer.PublicKey(), own: mallory.signer}, mallory.signer}
	for _, c := range []string{"whoami --json", "members", "invite create", "rename pwned"} {
		r, err := tryExec(ts.addr, signers, c)
		if err != nil {
			continue // refused at authentication: never alice
		}
		if c == "whoami --json" {
			if r.code != 0 || !strings.Contains(r.stdout, `"visitor":true`) || !strings.Contains(r.stdout, mallory.fingerprint()) {
				t.Fatalf("impostor whoami: %+v", r)
			}
			continue
		}
		checkFailure(t, "impostor "+c, r)
	}
	if hub.StateDigest() != before {
		t.Fatal("impostor changed state")
	}
}

func TestHostKeyKept(t *testing.T) {
	hub := newHub(t)
	path := t.TempDir() + "/host"
	if _, err := New(hub, Config{HostKeyPath: path}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v %v", err, fi.Mode())
	}
	first, _ := os.ReadFile(path)
	if _, err := New(hub, Config{HostKeyPath: path}); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(path); string(first) != string(second) {
		t.Fatal("host key was replaced")
	}
	if _, err := New(hub, Config{}); err == nil {
		t.Fatal("no host key path accepted")
	}
}

func TestHelpListsCommands(t *testing.T) {
	ts := startServer(t, newHub(t))
	r := newUser(t, "v").run(t, ts, "help")
	for _, c := range []string{"whoami", "invite", "join", "apply", "applications", "approve", "reject", "census",
		"members", "keys", "role", "rename", "chain"} {
		if !strings.Contains(r.stdout, "  "+c+" ") {
			t.Errorf("help does not list %s", c)
		}
	}
	if strings.Contains(r.stdout, "completion") {
		t.Error("help lists completion")
	}
}

// admit makes u a steward directly through state.
func admit(t testing.TB, hub *state.Hub, u *user, name string) {
	t.Helper()
	hubtest.Admit(t, hub, u.kit(), name)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hiddeco/sshsig"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// exec runs one command line as u with stdin.
func execAs(hub *state.Hub, u *hubtest.User, line, stdin string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = Execute(context.Background(), hub, identityOf(u), strings.Fields(line), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func signWith(t *testing.T, s gossh.Signer, ns string, msg []byte) string {
	t.Helper()
	sig, err := sshsig.Sign(bytes.NewReader(msg), s, sshsig.HashSHA512, ns)
	if err != nil {
		t.Fatal(err)
	}
	return string(sshsig.Armor(sig))
}

// TestVoteSigned: `vote --print-act` gives the bytes, `vote --sig -`
// casts the signed vote; every bad signature is one line and changes
// nothing.
func TestVoteSigned(t *testing.T) {
	hub := newHub(t)
	hubtest.NameOrigin(t, hub)
	alice, bob := hubtest.NewUser(t, "alice"), hubtest.NewUser(t, "bob")
	hubtest.Admit(t, hub, alice, "alice")
	hubtest.Admit(t, hub, bob, "bob")
	hubtest.SubmitAs(t, hub, alice, state.NewProposal{Kind: state.KindText, Title: "Sign it"})
	ns := state.SigNamespace(hubtest.Origin)

	act, stderr, code := execAs(hub, bob, "vote 1 yes --print-act", "")
	if code != 0 || !strings.HasPrefix(act, "polis act 1\norigin "+hubtest.Origin+"\n") {
		t.Fatalf("--print-act: %d %q %q", code, act, stderr)
	}
	size := hub.Size()
	if again, _, _ := execAs(hub, bob, "vote 1 yes --print-act", ""); again != act || hub.Size() != size {
		t.Fatal("--print-act changed something, or its bytes")
	}
	first := signWith(t, bob.Signer, ns, []byte(act))
	out, stderr, code := execAs(hub, bob, "vote 1 yes --sig -", first)
	if code != 0 || !strings.Contains(out, "signed with your key") {
		t.Fatalf("signed vote: %d %q %q", code, out, stderr)
	}
	next, _, _ := execAs(hub, bob, "vote 1 no --print-act", "")
	if !strings.Contains(next, "\nseq 2\n") {
		t.Fatalf("the next act is not sequence 2:\n%s", next)
	}
	bad := map[string]struct{ line, stdin string }{
		"another key":       {"vote 1 no --sig -", signWith(t, alice.Signer, ns, []byte(next))},
		"other bytes":       {"vote 1 yes --sig -", signWith(t, bob.Signer, ns, []byte(next))},
		"another namespace": {"vote 1 no --sig -", signWith(t, bob.Signer, "polis@elsewhere", []byte(next))},
		"a replayed seq":    {"vote 1 yes --sig -", first},
		"malformed armour":  {"vote 1 no --sig -", "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"},
		"empty stdin":       {"vote 1 no --sig -", ""},
		"a file on the hub": {"vote 1 no --sig /etc/passwd", ""},
		"too long":          {"vote 1 no --sig -", strings.Repeat("A", state.MaxSigLen+10)},
	}
	for name, b := range bad {
		size := hub.Size()
		out, stderr, code := execAs(hub, bob, b.line, b.stdin)
		hubtest.CheckFailure(t, name, out, stderr, code)
		if hub.Size() != size {
			t.Errorf("%s: the refused vote wrote events", name)
		}
	}
	out, stderr, code = execAs(hub, bob, "vote 1 no --sig -", signWith(t, bob.Signer, ns, []byte(next)))
	if code != 0 || !strings.Contains(out, "signed with your key") {
		t.Fatalf("second signed vote: %d %q %q", code, out, stderr)
	}
	if out, _, _ := execAs(hub, bob, "proposal show 1", ""); !strings.Contains(out, "signed with your key") {
		t.Fatalf("proposal show does not mark the signed vote:\n%s", out)
	}
	// The receipt says who vouches for the vote.
	if out, _, code := execAs(hub, bob, "receipt 1", ""); code != 0 || !strings.Contains(out, "signer the member's own key") {
		t.Fatalf("receipt of a signed vote: %q", out)
	}
	if out, _, _ := execAs(hub, bob, "receipt 1 --json", ""); !strings.Contains(out, `"member_signed":true`) {
		t.Fatalf("receipt --json of a signed vote: %q", out)
	}
	// Unsigned votes stay possible.
	if out, stderr, code := execAs(hub, alice, "vote 1 yes", ""); code != 0 || strings.Contains(out, "signed") {
		t.Fatalf("unsigned vote: %d %q %q", code, out, stderr)
	}
	if out, _, _ := execAs(hub, alice, "receipt 1", ""); !strings.Contains(out, "signer the hub alone") {
		t.Fatalf("receipt of an unsigned vote: %q", out)
	}
	// A signed delegation: bob's next act is sequence 3.
	deleg, _, _ := execAs(hub, bob, "delegate 1 --kind text --print-act", "")
	if !strings.Contains(deleg, "\nseq 3\nact delegation.set\ntarget member 1\n") {
		t.Fatalf("delegation act:\n%s", deleg)
	}
	if out, stderr, code := execAs(hub, bob, "delegate 1 --kind text --sig -", signWith(t, bob.Signer, ns, []byte(deleg))); code != 0 || !strings.Contains(out, "signed with your key") {
		t.Fatalf("signed delegation: %d %q %q", code, out, stderr)
	}
}

// TestRulesSignedVotes: a steward requires signed votes on spend
// proposals; an unsigned vote there is one line and changes nothing.
func TestRulesSignedVotes(t *testing.T) {
	hub := newHub(t)
	hubtest.NameOrigin(t, hub)
	alice := hubtest.NewUser(t, "alice")
	hubtest.Admit(t, hub, alice, "alice")
	if out, stderr, code := execAs(hub, alice, "rules set spend --signed-votes", ""); code != 0 {
		t.Fatalf("rules set: %d %q %q", code, out, stderr)
	}
	out, stderr, code := execAs(hub, alice, "rules set text --signed-cosigns", "")
	hubtest.CheckFailure(t, "signed co-signatures on text", out, stderr, code)
	if out, stderr, code := execAs(hub, alice, "rules set spend --signed-cosigns", ""); code != 0 {
		t.Fatalf("rules set --signed-cosigns: %d %q %q", code, out, stderr)
	}
	if out, _, _ := execAs(hub, alice, "rules --json", ""); !strings.Contains(out, `"signed_cosigns":true`) {
		t.Fatalf("rules --json: %s", out)
	}
	if out, _, _ := execAs(hub, alice, "rules --json", ""); !strings.Contains(out, `"signed_votes":true`) {
		t.Fatalf("rules --json: %s", out)
	}
	hubtest.SubmitAs(t, hub, alice, state.NewProposal{Kind: state.KindSpend, Title: "Kettle",
		Action: state.Action{Member: 1, Asset: "EUR", Amount: 3000}})
	size := hub.Size()
	out, stderr, code = execAs(hub, alice, "vote 1 yes", "")
	hubtest.CheckFailure(t, "unsigned vote where required", out, stderr, code)
	if !strings.Contains(stderr, "member-signed") || hub.Size() != size {
		t.Fatalf("unsigned vote where required: %q", stderr)
	}
	act, _, _ := execAs(hub, alice, "vote 1 yes --print-act", "")
	if out, stderr, code := execAs(hub, alice, "vote 1 yes --sig -", signWith(t, alice.Signer, state.SigNamespace(hubtest.Origin), []byte(act))); code != 0 {
		t.Fatalf("signed vote: %d %q %q", code, out, stderr)
	}
}

// TestBookAndLeaveSigned: `housing book` and `leave` take --print-act and
// --sig - like vote; a bad signature is one line and changes nothing.
func TestBookAndLeaveSigned(t *testing.T) {
	hub := newHub(t)
	hubtest.NameOrigin(t, hub)
	alice, bob := hubtest.NewUser(t, "alice"), hubtest.NewUser(t, "bob")
	hubtest.Admit(t, hub, alice, "alice")
	hubtest.Admit(t, hub, bob, "bob")
	hubtest.SubmitAs(t, hub, alice, state.AddSpace{Space: state.Space{Name: "Flat", Beds: 2}})
	ns := state.SigNamespace(hubtest.Origin)

	const book = "housing book 1 --from 2099-01-01 --to 2099-01-03"
	act, stderr, code := execAs(hub, bob, book+" --print-act", "")
	if code != 0 || !strings.Contains(act, "\nseq 1\nact booking.requested\ntarget space 1\n") {
		t.Fatalf("book --print-act: %d %q %q", code, act, stderr)
	}
	first := signWith(t, bob.Signer, ns, []byte(act))
	for name, b := range map[string]struct{ line, stdin string }{
		"another key":      {book + " --sig -", signWith(t, alice.Signer, ns, []byte(act))},
		"other bytes":      {"housing book 1 --from 2099-01-01 --to 2099-01-04 --sig -", first},
		"--sign and --sig": {book + " --sign --sig -", first},
	} {
		size := hub.Size()
		out, stderr, code := execAs(hub, bob, b.line, b.stdin)
		hubtest.CheckFailure(t, name, out, stderr, code)
		if hub.Size() != size {
			t.Errorf("%s: the refused booking wrote events", name)
		}
	}
	if out, stderr, code := execAs(hub, bob, book+" --sig -", first); code != 0 || !strings.Contains(out, "signed with your key") {
		t.Fatalf("signed booking: %d %q %q", code, out, stderr)
	}
	size := hub.Size()
	out, stderr, code := execAs(hub, bob, "housing book 1 --from 2099-02-01 --to 2099-02-03 --sig -", first)
	hubtest.CheckFailure(t, "a replayed seq", out, stderr, code)
	if hub.Size() != size {
		t.Fatal("the replayed booking signature wrote events")
	}

	// Leaving: --print-act needs no --yes, as it changes nothing.
	leave, stderr, code := execAs(hub, bob, "leave --print-act", "")
	if code != 0 || !strings.Contains(leave, "\nseq 2\nact member.left\ntarget member 2\n") {
		t.Fatalf("leave --print-act: %d %q %q", code, leave, stderr)
	}
	out, stderr, code = execAs(hub, bob, "leave --yes --sig -", signWith(t, alice.Signer, ns, []byte(leave)))
	hubtest.CheckFailure(t, "leaving signed by another key", out, stderr, code)
	if hub.Size() != size {
		t.Fatal("the refused leaving wrote events")
	}
	out, stderr, code = execAs(hub, bob, "leave --yes --sig -", signWith(t, bob.Signer, ns, []byte(leave)))
	if code != 0 || !strings.Contains(out, "signed with your key") {
		t.Fatalf("signed leaving: %d %q %q", code, out, stderr)
	}
	rc, err := hub.Receipt(hub.Size() - 1)
	if err != nil || !rc.MemberSigned {
		t.Fatalf("member.left is not member-signed: %+v %v", rc, err)
	}
}

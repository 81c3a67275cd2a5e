package ssh

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/polis-hub/polis/state"
)

// secretWorld is a hub with something of everything a visitor must not
// read: members who chose not to be listed (with their keys), one who
// left, a draft, a dispute with statements and a private note, proposals,
// money, housing, a campaign and another visitor's application. secrets
// maps each such text to what it is.
type secretWorld struct {
	hub     *state.Hub
	visitor Identity
	people  map[string]*user
	secrets map[string]string
}

func (sw *secretWorld) member(t *testing.T, name string) Identity {
	u := sw.people[name]
	if u == nil {
		t.Fatalf("no %s", name)
	}
	return Identity{Key: u.authorizedKey(), Fingerprint: u.fingerprint()}
}

func newSecretWorld(t *testing.T) *secretWorld {
	t.Helper()
	hub := newHub(t)
	ctx := context.Background()
	sw := &secretWorld{hub: hub, secrets: map[string]string{}}
	secret := func(what, text string) string { sw.secrets[text] = what; return text }
	alice, bob, carol, dave := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "carol"), newUser(t, "dave")
	sw.people = map[string]*user{"alice": alice, "bob": bob, "carol": carol, "dave": dave}
	admit(t, hub, alice, "Alice Listed")
	submitAs(t, hub, alice, state.SetListed{Listed: true})
	submitAs(t, hub, alice, state.SetCharter{Text: "# Charter\n\nWe share what we have.\n"})
	join := func(u *user, name string) {
		code, _, err := hub.CreateInviteCode(ctx, actorOf(alice), 1, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		submitAs(t, hub, u, state.Join{CodeHash: state.HashCode(code), Name: name, Consent: 1})
	}
	for _, p := range []struct {
		u    *user
		name string
	}{{bob, "Zebulon Hidden"}, {carol, "Quintessa Unseen"}, {dave, "Dorotheus Gone"}} {
		join(p.u, secret("unlisted member's name", p.name))
		pk := strings.Fields(p.u.authorizedKey())[1]
		secret("unlisted member's key", pk)
		secret("unlisted member's fingerprint", strings.TrimPrefix(p.u.fingerprint(), "SHA256:"))
	}
	submitAs(t, hub, alice, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	submitAs(t, hub, dave, state.Leave{})

	saveDraft(t, hub, bob, secret("draft title", "Draftitle Zqx"), secret("draft body", "Draftbody Zqx words"))
	submitAs(t, hub, bob, state.ChooseTheme{Theme: "dusk"})
	submitAs(t, hub, alice, state.NewProposal{Kind: state.KindText, Title: secret("proposal title", "Proposaltitle Zqx"),
		Body: secret("proposal body", "Proposalbody Zqx words")})
	submitAs(t, hub, bob, state.CommentOn{ID: 1, Body: secret("comment", "Commentbody Zqx words")})
	submitAs(t, hub, bob, state.FileCase{Against: 1, Category: "conduct", Title: secret("case title", "Casetitle Zqx"),
		Statement: secret("dispute statement", "Casestatement Zqx words")})
	submitAs(t, hub, alice, state.AddStatement{ID: 1, Body: secret("dispute statement", "Evidencebody Zqx words")})
	submitAs(t, hub, carol, state.CaseAction{ID: 1, Action: "claim"})
	submitAs(t, hub, carol, state.NewPrivateNote(1, secret("moderator's note", "Notetext Zqx words")))
	submitAs(t, hub, bob, state.Contribute{Asset: "USD", Amount: 2500, Memo: secret("ledger memo", "Memotext Zqx")})
	submitAs(t, hub, alice, state.AddSpace{Space: state.Space{Name: secret("space name", "Spacename Zqx"), Beds: 2, TZ: "UTC",
		Rules: secret("house rules", "Spacerules Zqx words")}})
	submitAs(t, hub, bob, state.NewCampaign{Title: secret("campaign title", "Campaigntitle Zqx"), Funds: secret("campaign purpose", "Campaignfunds Zqx"),
		Asset: "USD", Goal: 10000, Deadline: time.Now().Add(30 * 24 * time.Hour).UnixMilli()})
	applicant := newUser(t, "xanthippe")
	submitAs(t, hub, applicant, state.ApplyToJoin{Name: secret("applicant's name", "Xanthippe Applicant"),
		Text: secret("application text", "Applicationtext Zqx words"), Consent: 1})

	v := newUser(t, "visitor")
	sw.visitor = Identity{Key: v.authorizedKey(), Fingerprint: v.fingerprint()}
	return sw
}

// leaks names every secret in s.
func (sw *secretWorld) leaks(s string) []string {
	var out []string
	for text, what := range sw.secrets {
		if strings.Contains(s, text) {
			out = append(out, fmt.Sprintf("%s %q", what, text))
		}
	}
	return out
}

// placeholderValues are plausible values for each positional placeholder
// in a command's Use line. A command whose Use names a placeholder not
// listed here fails the test, so a new command cannot slip past it.
func placeholderValues(size uint64) map[string][]string {
	seqs := make([]string, 0, size)
	for i := uint64(0); i < size; i++ {
		seqs = append(seqs, fmt.Sprint(i))
	}
	ids := []string{"1", "2", "3", "4"}
	return map[string][]string{
		"ID": ids, "MEMBER-ID": ids, "CASE-ID": ids, "BOOKING-ID": ids, "SPACE-ID": ids, "ALLOWANCE-ID": ids,
		"ENTRY-ID": ids, "PAYOUT-ID": ids, "PROPOSAL-ID": ids, "SPACE-ID|--mine": {"1", "--mine"},
		"SEQ": seqs, "OLD": {"1", fmt.Sprint(size / 2)}, "NEW": {fmt.Sprint(size)},
		"CODE": {"abcd-efgh-ijkl-mnop"}, "AMOUNT": {"1.00"}, "ASSET": {"USD"}, "CHOICE": {"yes"},
		"OUTCOME": {"dismissed"}, "ROLE": {"moderator"}, "KIND": {"text"}, "FINGERPRINT|NAME": {"laptop"},
		"NEWNAME": {"desk"}, "NAME": {"Newname"}, "CC|none": {"PT"}, "yes|no": {"yes", "no"}, "KEY...": {""},
		"MEMBER": {"2"},
	}
}

// flagValues are values for the non-boolean flags worth trying; every
// boolean flag is tried on its own.
var flagValues = map[string][]string{
	"version": {"1"}, "state": {"draft", "active"}, "event": {"1"}, "name": {"Newname"},
	"against": {"1"}, "kind": {"text"}, "limit": {"10"},
}

// usePositionals are the placeholders a Use line names before its flags.
func usePositionals(use string) []string {
	var out []string
	for _, f := range strings.Fields(use)[1:] {
		if strings.ContainsAny(f[:1], "[<(-|") {
			break
		}
		out = append(out, f)
	}
	return out
}

// call is one command line and the command it runs.
type call struct {
	path string
	args []string
}

// visitorCalls is every call a visitor can make of every command in the
// tree: each command with plausible positional values, alone, with --json,
// with each boolean flag and with the flag values above.
func visitorCalls(t *testing.T, size uint64) []call {
	t.Helper()
	vals := placeholderValues(size)
	var calls []call
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			walk(s)
		}
		if !c.Runnable() {
			return
		}
		path := strings.Fields(helpPath(c))
		positional := [][]string{path}
		for _, ph := range usePositionals(c.Use) {
			vs, ok := vals[ph]
			if !ok {
				t.Fatalf("command %q: no plausible value for %s: add one to placeholderValues", helpPath(c), ph)
			}
			var next [][]string
			for _, p := range positional {
				for _, v := range vs {
					if v == "" {
						next = append(next, p)
					} else {
						next = append(next, append(append([]string(nil), p...), v))
					}
				}
			}
			positional = next
		}
		variants := [][]string{nil}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			switch {
			case f.Name == "json" || f.Name == "help":
			case f.Value.Type() == "bool":
				variants = append(variants, []string{"--" + f.Name})
			default:
				for _, v := range flagValues[f.Name] {
					variants = append(variants, []string{"--" + f.Name, v})
				}
			}
		})
		hasJSON := c.Flags().Lookup("json") != nil
		for _, p := range positional {
			for _, v := range variants {
				args := append(append([]string(nil), p...), v...)
				calls = append(calls, call{helpPath(c), args})
				if hasJSON {
					calls = append(calls, call{helpPath(c), append(append([]string(nil), args...), "--json")})
				}
			}
		}
	}
	root := Commands(nil, Identity{})
	root.InitDefaultHelpCmd()
	walk(root)
	return calls
}

// TestVisitorSeesNothingPrivate is the privacy promise: an unknown key
// runs every command there is, every way, and nothing it reads names a
// member who chose not to be listed, shows their key, a draft, a dispute
// or anything else only members may read. Each command is refused or
// answered as its audience says (audience.go): public ones answer.
func TestVisitorSeesNothingPrivate(t *testing.T) {
	sw := newSecretWorld(t)
	calls := visitorCalls(t, sw.hub.Size())
	answered := map[string]bool{}
	var census, receipt string
	for _, cl := range calls {
		var stdout, stderr bytes.Buffer
		code := Execute(context.Background(), sw.hub, sw.visitor, cl.args, strings.NewReader(""), &stdout, &stderr)
		line, path := strings.Join(cl.args, " "), cl.path
		for _, l := range sw.leaks(stdout.String() + stderr.String()) {
			t.Errorf("visitor ran %q (exit %d) and read %s", line, code, l)
		}
		public := state.MayRead(readsOf(path), state.Reading{})
		switch {
		case !public && (code != 1 || !strings.Contains(stderr.String(), "members only")):
			t.Errorf("visitor ran members' %q: exit %d, stderr %q", line, code, stderr.String())
		case public && code == 0:
			answered[path] = true
		}
		switch line {
		case "census --json":
			census = stdout.String()
		case "chain receipt 1 --json":
			receipt = stdout.String()
		}
	}
	for path, what := range commandReads {
		// Joining, applying and confirming a key need a real code or
		// text; the rest answer a visitor.
		if what != state.ReadLog && !answered[path] && path != "join" && path != "apply" && path != "keys confirm" {
			t.Errorf("public command %q never answered a visitor", path)
		}
	}
	if len(calls) < 300 {
		t.Fatalf("only %d calls: the command tree was not walked", len(calls))
	}
	// What a visitor does read is the public part, and it is readable.
	var cs state.Census
	if err := json.Unmarshal([]byte(census), &cs); err != nil || cs.Count != 3 || cs.Unlisted != 2 ||
		len(cs.Members) != 1 || cs.Members[0].Name != "Alice Listed" {
		t.Fatalf("census --json: %v %q", err, census)
	}
	var rc state.Receipt
	if err := json.Unmarshal([]byte(receipt), &rc); err != nil || rc.Event != "" || rc.LeafHash == "" || !rc.Sealed {
		t.Fatalf("a visitor's receipt: %v %q", err, receipt)
	}
	if err := state.CheckReceipt(rc, sw.hub.VerifierKey()); err != nil {
		t.Fatalf("a visitor's receipt does not check: %v", err)
	}
	t.Logf("%d calls by a visitor", len(calls))

	// The same at the far end of a real connection, for the commands
	// that read the log.
	ts := startServer(t, sw.hub)
	v := newUser(t, "far visitor")
	for _, line := range []string{"chain export", "chain receipt 3 --json", "chain receipt 3", "census --json", "census", "members"} {
		r := v.run(t, ts, line)
		for _, l := range sw.leaks(r.stdout + r.stderr) {
			t.Errorf("visitor ran %q over SSH and read %s", line, l)
		}
	}
}

// Members still read everything, and verify it: the export holds the whole
// log (unlisted names included) and checks against the hub's key; a
// member's receipt carries its event. Drafts and preferences are in
// neither: they were never the community's.
func TestMembersStillVerifyEverything(t *testing.T) {
	sw := newSecretWorld(t)
	alice := sw.member(t, "alice")
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := Execute(context.Background(), sw.hub, alice, args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("alice %q: exit %d, %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	export := run("chain", "export")
	for _, want := range []string{"Zebulon Hidden", "Casestatement Zqx words"} {
		if !strings.Contains(export, want) {
			t.Errorf("a member's export lacks %q", want)
		}
	}
	for _, never := range []string{"Draftitle Zqx", "Draftbody Zqx words", "Notetext Zqx words", "dusk"} {
		if strings.Contains(export, never) {
			t.Errorf("the log holds %q, which is private", never)
		}
	}
	x, err := state.ReadExport(strings.NewReader(export))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := state.VerifyExport(x, sw.hub.VerifierKey(), nil); err != nil {
		t.Fatalf("a member's export does not verify: %v", err)
	}
	// bob's joining: a member's receipt carries its event.
	found := false
	for seq := 0; seq < 10 && !found; seq++ {
		var rc state.Receipt
		if err := json.Unmarshal([]byte(run("chain", "receipt", fmt.Sprint(seq), "--json")), &rc); err != nil || rc.Event == "" {
			t.Fatalf("a member's receipt %d: %v %+v", seq, err, rc)
		}
		if err := state.CheckReceipt(rc, sw.hub.VerifierKey()); err != nil {
			t.Fatal(err)
		}
		found = strings.Contains(rc.Event, "Zebulon Hidden")
	}
	if !found {
		t.Fatal("no receipt carries bob's joining")
	}
}

func saveDraft(t *testing.T, hub *state.Hub, u *user, title, body string) {
	t.Helper()
	if _, err := hub.SaveDraft(context.Background(), actorOf(u), state.NewProposal{Kind: state.KindText, Title: title, Body: body}); err != nil {
		t.Fatal(err)
	}
}

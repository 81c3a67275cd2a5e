package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// secretWorld is the shared world of secrets (hubtest.SecretWorld).
type secretWorld struct{ *hubtest.SecretWorld }

func newSecretWorld(t *testing.T) *secretWorld { return &secretWorld{hubtest.NewSecretWorld(t)} }

// member is the identity of the member name.
func (sw *secretWorld) member(t *testing.T, name string) Identity {
	return identityOf(sw.Member(t, name))
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
		"MEMBER": {"2"}, "LOG-KEY": {"other.example/log+4a8a0e4f+AZ8hE7bD4qYl9mVdHd3yWxpFvDc8x2bVd5oJqK0sN1Tz"},
		"ORIGIN|LOG-KEY": {"other.example/log"}, "HOST:PORT": {"127.0.0.1:1"}, "WITNESS-KEY": {"w.example/witness+00000000+BAAA"},
		"NAME|WITNESS-KEY": {"w.example/witness"},
		"PATH":             {"checkpoint", "tile/0/000.p/1", "tile/entries/000.p/1"},
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
	calls := visitorCalls(t, sw.Hub.Size())
	answered := map[string]bool{}
	var census, receipt string
	for _, cl := range calls {
		var stdout, stderr bytes.Buffer
		code := Execute(context.Background(), sw.Hub, identityOf(sw.Visitor), cl.args, strings.NewReader(""), &stdout, &stderr)
		line, path := strings.Join(cl.args, " "), cl.path
		for _, l := range sw.Leaks(stdout.String() + stderr.String()) {
			t.Errorf("visitor ran %q (exit %d) and read %s", line, code, l)
		}
		public := state.MayRead(declared()[path].reads, state.Reading{})
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
	for path, a := range declared() {
		// Joining, applying and confirming a key need a real code or
		// text, cosigning a signed checkpoint; the rest answer a visitor.
		if !state.MayRead(a.reads, state.Reading{}) {
			continue
		}
		if !answered[path] && path != "join" && path != "apply" && path != "keys confirm" && path != "witness add-checkpoint" {
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
	if err := state.CheckReceipt(rc, sw.Hub.VerifierKey()); err != nil {
		t.Fatalf("a visitor's receipt does not check: %v", err)
	}
	t.Logf("%d calls by a visitor", len(calls))
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
		if code := Execute(context.Background(), sw.Hub, alice, args, strings.NewReader(""), &stdout, &stderr); code != 0 {
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
	if _, err := state.VerifyExport(x, sw.Hub.VerifierKey(), nil); err != nil {
		t.Fatalf("a member's export does not verify: %v", err)
	}
	// bob's joining: a member's receipt carries its event.
	found := false
	for seq := 0; seq < 10 && !found; seq++ {
		var rc state.Receipt
		if err := json.Unmarshal([]byte(run("chain", "receipt", fmt.Sprint(seq), "--json")), &rc); err != nil || rc.Event == "" {
			t.Fatalf("a member's receipt %d: %v %+v", seq, err, rc)
		}
		if err := state.CheckReceipt(rc, sw.Hub.VerifierKey()); err != nil {
			t.Fatal(err)
		}
		found = strings.Contains(rc.Event, "Zebulon Hidden")
	}
	if !found {
		t.Fatal("no receipt carries bob's joining")
	}
}

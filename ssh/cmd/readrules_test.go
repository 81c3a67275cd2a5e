package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// Every act state knows on a case has a command, and `dispute show` names
// one that exists.
func TestEveryCaseActHasACommand(t *testing.T) {
	root := Commands(nil, Identity{})
	for _, a := range state.CaseActs {
		line, ok := actCommands[a]
		if !ok {
			t.Errorf("%s: no command line", a)
			continue
		}
		args := strings.Fields(fmt.Sprintf(line, 1))
		if c, _, err := root.Find(args[:2]); err != nil || c.Name() != args[1] || helpPath(c) != a.Path() {
			t.Errorf("%s: %q names no command, or not %q", a, line, a.Path())
		}
	}
	if len(actCommands) != len(state.CaseActs) {
		t.Errorf("%d command lines for %d acts", len(actCommands), len(state.CaseActs))
	}
}

// What a suspended member may run is state's list, and nothing else:
// every entry names a command of the tree, the tree lets a suspended
// member run exactly those (MayRunSuspended), and the refusal names them.
func TestSuspendedListIsTheTree(t *testing.T) {
	root := Commands(nil, Identity{})
	root.InitDefaultHelpCmd()
	paths := map[string]bool{}
	walkTree(root, func(c *cobra.Command) { paths[helpPath(c)] = c.Runnable() })
	for _, p := range state.SuspendedMay {
		if runnable, ok := paths[p]; !ok || !runnable {
			t.Errorf("state.SuspendedMay names %q, which is no command", p)
		}
	}
	for p := range paths {
		if p != "" && MayRunSuspended(p) != state.MayWhileSuspended(p) {
			t.Errorf("%q: the tree says %v, state %v", p, MayRunSuspended(p), state.MayWhileSuspended(p))
		}
	}
}

// The sequencer keeps the same list as the tree: run straight through the
// command tree (past the door, which would refuse them first), a
// suspended member's writes go through only for the commands the list
// names. alice, a steward, is suspended on bob's case; she may still
// answer and appeal it, and nothing she runs otherwise writes anything.
func TestSuspendedSequencerAgrees(t *testing.T) {
	wd := hubtest.NewWorld(t)
	alice, carol := wd.People["alice"], wd.People["carol"]
	hubtest.SubmitAs(t, wd.Hub, carol, state.CaseAction{ID: 1, Action: "claim"})
	hubtest.SubmitAs(t, wd.Hub, carol, state.Rule{ID: 1, Outcome: state.OutcomeSuspension, SuspendDays: 3})
	run := func(args []string, stdin string) (code int, stderr string, wrote bool) {
		before := wd.Hub.StateDigest()
		var out, errOut bytes.Buffer
		code = Execute(context.Background(), wd.Hub, identityOf(alice), args, strings.NewReader(stdin), &out, &errOut)
		return code, errOut.String(), wd.Hub.StateDigest() != before
	}
	// Writes she could make if she were not suspended.
	for _, line := range []string{"rename alicia", "vote 1 yes", "invite create", "approve 1", "proposal comment 1|hello",
		"housing book 1 --from 2099-01-01 --to 2099-01-02", "treasury contribute 5 USD", "profile listed yes", "dispute claim 1"} {
		line, stdin, _ := strings.Cut(line, "|")
		args := strings.Fields(line)
		if state.MayWhileSuspended(Path(args)) {
			t.Fatalf("%q is on the list", line)
		}
		if code, stderr, wrote := run(args, stdin); code != 1 || wrote || !strings.Contains(stderr, "suspended until") {
			t.Errorf("suspended, %q: exit %d, wrote %v, %q", line, code, wrote, stderr)
		}
	}
	// Every other way of calling every command writes nothing.
	for _, cl := range visitorCalls(t, wd.Hub.Size()) {
		if state.MayWhileSuspended(cl.path) || TakesOwnKey(cl.path) {
			continue
		}
		if _, stderr, wrote := run(cl.args, ""); wrote {
			t.Errorf("suspended, %q wrote: %q", cl.args, stderr)
		}
	}
	// dispute show offers her what the list lets her write, and she writes it.
	var out bytes.Buffer
	if Execute(context.Background(), wd.Hub, identityOf(alice), []string{"dispute", "show", "1", "--json"}, strings.NewReader(""), &out, &out) != 0 ||
		!strings.Contains(out.String(), `"actions":["appeal","evidence"]`) {
		t.Errorf("dispute show to the suspended respondent: %s", out.String())
	}
	for _, tc := range []struct{ line, stdin string }{{"dispute evidence 1", "I was away that week."}, {"dispute appeal 1", ""}} {
		if code, stderr, wrote := run(strings.Fields(tc.line), tc.stdin); code != 0 || !wrote {
			t.Errorf("suspended, %q: exit %d, wrote %v, %q", tc.line, code, wrote, stderr)
		}
	}
}

// The README's sentence on suspension names every command of the list
// (a group's commands by the group, "chain …", or as
// "dispute list|show|…").
func TestReadmeNamesSuspendedList(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "A suspended member")
	if i < 0 {
		t.Fatal("the README no longer says what a suspended member may do")
	}
	para := strings.Join(strings.Fields(text[i:i+strings.Index(text[i:], "\n\n")]), " ")
	for _, p := range state.SuspendedMay {
		words := strings.Fields(p)
		if !strings.Contains(para, "`"+p+"`") && !strings.Contains(para, "`"+words[0]+" …`") &&
			!(len(words) == 2 && strings.Contains(para, "`"+words[0]+" ") && strings.Contains(para, words[1])) {
			t.Errorf("the README does not name %q: %q", p, para)
		}
	}
}

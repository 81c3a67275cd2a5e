package cmd

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
)

// world is the shared world (hubtest.World), run in process.
type world struct{ *hubtest.World }

func newWorld(t testing.TB) *world { return &world{hubtest.NewWorld(t)} }

// who is the identity of the person a row names.
func (w *world) who(name string) Identity { return identityOf(w.Who(name)) }

func badInput(wd *world) map[string][]hubtest.BadRow { return hubtest.BadInput(wd.World, MaxStdin) }

// genericRows are added for every command: an unknown flag, a hostile
// extra argument, a 1 MB argument and too many arguments.
func genericRows(path []string) []hubtest.BadRow {
	with := func(extra ...string) []string { return append(append([]string(nil), path...), extra...) }
	many := make([]string, maxArgs+1)
	for i := range many {
		many[i] = "x"
	}
	return []hubtest.BadRow{
		{As: "bob", Args: with("--no-such-flag")},
		{As: "bob", Args: with(hubtest.Esc, hubtest.Esc)},
		{As: "bob", Args: with(strings.Repeat("9", 1<<20))},
		{As: "bob", Args: with(many...)},
	}
}

// commandPaths lists every command in the tree by path ("" for the root).
func commandPaths() []string {
	root := Commands(nil, Identity{})
	root.InitDefaultHelpCmd()
	var out []string
	walkTree(root, func(c *cobra.Command) { out = append(out, helpPath(c)) })
	return out
}

func TestBadInputCoversEveryCommand(t *testing.T) {
	rows := hubtest.BadInput(&hubtest.World{People: map[string]*hubtest.User{"alice": hubtest.NewUser(t, "alice")}}, MaxStdin)
	paths := map[string]bool{}
	for _, p := range commandPaths() {
		paths[p] = true
		if len(rows[p]) == 0 {
			t.Errorf("command %q has no bad-input rows: add them to badInput", p)
		}
	}
	for p := range rows {
		if !paths[p] {
			t.Errorf("badInput has rows for %q, which is no command", p)
		}
	}
}

// TestBadInputEveryCommand runs every row in process: each fails with exit 1 and one
// clean line on stderr, and leaves the state digest as it was.
func TestBadInputEveryCommand(t *testing.T) {
	wd := newWorld(t)
	before := wd.Hub.StateDigest()
	n := 0
	for _, path := range commandPaths() {
		rows := append(badInput(wd)[path], genericRows(strings.Fields(path))...)
		for _, r := range rows {
			n++
			var stdout, stderr bytes.Buffer
			code := Execute(context.Background(), wd.Hub, wd.who(r.As), r.Args, strings.NewReader(r.Stdin), &stdout, &stderr)
			what := r.As + " " + hubtest.Shorten(fmt.Sprintf("%q", r.Args))
			hubtest.CheckFailure(t, what, stdout.String(), stderr.String(), code)
			if d := wd.Hub.StateDigest(); d != before {
				t.Fatalf("%s changed the state", what)
			}
		}
	}
	t.Logf("%d bad inputs over %d commands", n, len(commandPaths()))
}

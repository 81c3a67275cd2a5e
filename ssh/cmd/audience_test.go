package cmd

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// TestEveryCommandDeclaresAudience walks the whole tree: every command is
// covered by a declaration (its own, or its group's below the root), each
// declaration names a kind of data the read rules know and a role the hub
// has, and nothing but the root has a persistent hook, which cobra would
// run instead of the root's gate for everything below it.
func TestEveryCommandDeclaresAudience(t *testing.T) {
	root := Commands(nil, Identity{})
	root.InitDefaultHelpCmd()
	n := 0
	walkTree(root, func(c *cobra.Command) {
		n++
		path := helpPath(c)
		if _, ok := audienceOf(c); !ok {
			t.Errorf("command %q declares no audience, nor does a group above it: declare one (audience.go)", path)
		}
		if c != root && (c.PersistentPreRunE != nil || c.PersistentPreRun != nil) {
			t.Errorf("command %q has a persistent pre-run hook: it would replace the root's gate below it", path)
		}
		if r, ok := c.Annotations[annReads]; ok {
			if _, known := state.RuleFor(state.Readable(r)); !known {
				t.Errorf("command %q reads %q, which no read rule names", path, r)
			}
		}
		if role, ok := c.Annotations[annRole]; ok && (!slices.Contains(state.Roles, role) || role == state.RoleMember) {
			t.Errorf("command %q is for role %q, which the hub does not grant", path, role)
		}
	})
	if n < 90 {
		t.Fatalf("only %d commands: the tree was not walked", n)
	}
}

func walkTree(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		walkTree(s, fn)
	}
}

// TestSuspendedSummary: the refusal a suspended member reads names the
// commands declared whileSuspended, and nothing else. A name that stands
// for a group ("chain") covers the group's commands so declared.
func TestSuspendedSummary(t *testing.T) {
	var named []string
	for _, item := range strings.Split(strings.Replace(SuspendedSummary, " and ", ", ", 1), ", ") {
		words := strings.Fields(item)
		if len(words) > 1 && strings.Contains(words[len(words)-1], "/") {
			for _, sub := range strings.Split(words[len(words)-1], "/") {
				named = append(named, strings.Join(append(words[:len(words)-1:len(words)-1], sub), " "))
			}
			continue
		}
		named = append(named, item)
	}
	covers := func(name, path string) bool { return path == name || strings.HasPrefix(path, name+" ") }
	decl := declared()
	for path, a := range decl {
		if !a.whileSuspended || path == "" {
			continue
		}
		if !slices.ContainsFunc(named, func(n string) bool { return covers(n, path) }) {
			t.Errorf("%q is declared whileSuspended but the refusal does not name it: %q", path, SuspendedSummary)
		}
	}
	for _, n := range named {
		some := false
		for path, a := range decl {
			some = some || (a.whileSuspended && covers(n, path))
		}
		if !some {
			t.Errorf("the refusal names %q, which no command declared whileSuspended is", n)
		}
	}
}

// roleCalls are well-formed calls of commands for a role that the
// generated calls (visitorCalls) cannot make: the flags and stdin they
// need to reach the hub.
var roleCalls = []struct{ line, stdin string }{
	{"charter set", "Be kind."},
	{"housing space add --name Loft --beds 1", "Quiet after ten."},
	{"treasury asset add XYZ --decimals 2", ""},
	{"dispute resolve 1 --outcome dismissed", ""},
	{"treasury policy --signers 2", ""},
	{"treasury policy --restitution-cap 10.00 --asset USD", ""},
}

// TestAudienceAgreesWithBehaviour runs every command, every way
// (visitorCalls and roleCalls), and holds each declaration to what
// happens:
//
//   - a visitor is refused by the gate, and nothing is written, for every
//     command not declared for anyone; never for one that is;
//   - a member is never refused by the gate (the commands that can take
//     their own key away are left out: they would end the run);
//   - a plain member is refused every command and every flag declared for
//     a role, and nothing is written; the hub says "not allowed" to at
//     least one way of calling each (the others name an unknown ID or a
//     missing flag); and the hub never wants a role ("only stewards ...")
//     that the command or flag is not declared for;
//   - a holder of the role is never refused for want of it.
//
// The groups declared for a role only hold subcommands: they print help
// to anyone.
func TestAudienceAgreesWithBehaviour(t *testing.T) {
	wd := hubtest.NewWorld(t)
	alice, bob, carol := wd.People["alice"], wd.People["bob"], wd.People["carol"]
	hubtest.SubmitAs(t, wd.Hub, alice, state.SetRole{Member: 3, Role: state.RoleTreasurer, Grant: true})
	holder := map[string]*hubtest.User{state.RoleSteward: alice, state.RoleModerator: carol, state.RoleTreasurer: carol}
	type tcall struct {
		path  string
		args  []string
		stdin string
	}
	var calls []tcall
	for _, cl := range visitorCalls(t, wd.Hub.Size()) {
		calls = append(calls, tcall{cl.path, cl.args, ""})
	}
	for _, rc := range roleCalls {
		args := strings.Fields(rc.line)
		calls = append(calls, tcall{Path(args), args, rc.stdin})
	}
	decl := declared()
	root := Commands(nil, Identity{})
	root.InitDefaultHelpCmd()
	cmds := map[string]*cobra.Command{}
	walkTree(root, func(c *cobra.Command) { cmds[helpPath(c)] = c })
	groups := func(path string) bool { return cmds[path].HasSubCommands() }
	// flagRole is the role the call's flags are declared for, if any.
	flagRole := func(cl tcall) string {
		for _, arg := range cl.args {
			name, _, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
			if f := cmds[cl.path].Flags().Lookup(name); strings.HasPrefix(arg, "--") && f != nil && len(f.Annotations[annRole]) == 1 {
				return f.Annotations[annRole][0]
			}
		}
		return ""
	}
	// wants is the role the hub said it wants, if any.
	wants := func(stderr string) string {
		for _, r := range state.Roles {
			if strings.Contains(stderr, "only "+r+"s") {
				return r
			}
		}
		return ""
	}
	run := func(u *hubtest.User, cl tcall) (code int, stderr string, wrote bool) {
		before := wd.Hub.StateDigest()
		var out, errOut bytes.Buffer
		code = Execute(context.Background(), wd.Hub, identityOf(u), cl.args, strings.NewReader(cl.stdin), &out, &errOut)
		return code, errOut.String(), wd.Hub.StateDigest() != before
	}
	gateSaid := func(stderr string) bool {
		return stderr == "polis: "+state.ErrVisitor.Error()+"\n" || stderr == "polis: "+errLogMembersOnly.Error()+"\n"
	}

	for _, cl := range calls {
		a := decl[cl.path]
		public := state.MayRead(a.reads, state.Reading{})
		code, stderr, wrote := run(wd.People["mallory"], cl)
		switch {
		case !public && (code != 1 || !gateSaid(stderr) || wrote):
			t.Errorf("visitor ran %q, declared for %s: exit %d, wrote %v, stderr %q", cl.args, a.reads, code, wrote, stderr)
		case public && gateSaid(stderr):
			t.Errorf("visitor ran %q, declared for anyone: the gate refused it", cl.args)
		}
	}

	refused := map[string]bool{} // commands and flags (path --flag) for a role
	for _, cl := range calls {
		a, fr := decl[cl.path], flagRole(cl)
		if a.takesOwnKey {
			continue
		}
		code, stderr, wrote := run(bob, cl)
		switch {
		case gateSaid(stderr):
			t.Errorf("member ran %q: the gate refused it", cl.args)
		case a.role != "" && !groups(cl.path) && (code != 1 || wrote):
			t.Errorf("plain member ran %q, declared for %ss: exit %d, wrote %v, stderr %q", cl.args, a.role, code, wrote, stderr)
		case fr != "" && (code != 1 || wrote):
			t.Errorf("plain member ran %q, a flag declared for %ss: exit %d, wrote %v, stderr %q", cl.args, fr, code, wrote, stderr)
		case wants(stderr) != "" && wants(stderr) != a.role && wants(stderr) != fr:
			t.Errorf("plain member ran %q, declared for %q, and the hub wants a %s: %q", cl.args, a.role, wants(stderr), stderr)
		}
		if strings.HasPrefix(stderr, "polis: not allowed") {
			refused[cl.path] = true
			for _, arg := range cl.args {
				refused[cl.path+" "+arg] = true
			}
		}
	}
	for path, c := range cmds {
		if a := decl[path]; a.role != "" && !groups(path) && !refused[path] {
			t.Errorf("%q is declared for %ss, but a plain member was never told it is not allowed", path, a.role)
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if r := f.Annotations[annRole]; len(r) > 0 && !refused[path+" --"+f.Name] {
				t.Errorf("%q --%s is declared for %ss, but a plain member was never told it is not allowed", path, f.Name, r[0])
			}
		})
	}

	for _, cl := range calls {
		role := decl[cl.path].role
		if role == "" {
			role = flagRole(cl)
		}
		if role == "" {
			continue
		}
		if _, stderr, _ := run(holder[role], cl); wants(stderr) == role {
			t.Errorf("a %s ran %q, declared for %ss: %q", role, cl.args, role, stderr)
		}
	}
}

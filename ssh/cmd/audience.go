package cmd

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// Who a command is for is declared on the command itself, as cobra
// annotations written by forReaders, forMembers and forRole, and applied
// once, before any command runs, by the root's gate. A command is for whom
// its own declaration names or, without one, the nearest group above it;
// the root's declaration covers the root alone, so a top-level command
// that declares nothing is caught by TestEveryCommandDeclaresAudience
// rather than let in by default.
//
// What a command shows or changes is a kind of data of state's read rules
// (state.ReadRules), and the gate lets in whom state.MayRead lets read it.
// A role (steward, moderator, treasurer) is declared for the reader and the
// tests, which check it against what the hub does; the sequencer decides
// it, from the roles in force when the write applies.

// Annotation keys.
const (
	annReads  = "polis.reads"     // a state.Readable
	annRole   = "polis.role"      // a role the hub requires
	annOwnKey = "polis.takes-key" // "may": it can take the caller's own key away
)

// A mark adds to a declaration.
type mark string

// What a suspended member may still run is not a mark: it is state's one
// list (state.SuspendedMay), which MayRunSuspended reads and the sequencer
// applies to every write.
const (
	// takesOwnKey marks what can take the caller's own key away. Its
	// sessions are not revoked for it: they end on their own once they
	// have said what happened (leave --export prints the record after
	// leaving), and the sequencer still checks the key on every write.
	takesOwnKey mark = annOwnKey
)

// forReaders declares a command for whom the read rules let read what.
func forReaders(what state.Readable, marks ...mark) map[string]string {
	a := map[string]string{annReads: string(what)}
	for _, m := range marks {
		a[string(m)] = "may"
	}
	return a
}

// forMembers declares a command for members: it shows or changes the
// community's data.
func forMembers(marks ...mark) map[string]string {
	return forReaders(state.ReadCommunity, marks...)
}

// forRole declares a command for members who hold role. The gate lets in
// members; the hub refuses the others.
func forRole(role string, marks ...mark) map[string]string {
	a := forMembers(marks...)
	a[annRole] = role
	return a
}

// flagsForRole declares flags of cmd for members who hold role: the
// command is for its own audience, but these flags ask for what only the
// role may do (the hub, or the command, refuses the others).
func flagsForRole(cmd *cobra.Command, role string, names ...string) {
	for _, n := range names {
		if err := cmd.Flags().SetAnnotation(n, annRole, []string{role}); err != nil {
			panic(err) // a flag that does not exist: TestEveryCommandDeclaresAudience builds every command
		}
	}
}

// audience is a command's declaration as read back, with whether state
// lets a suspended member run it.
type audience struct {
	reads          state.Readable
	role           string
	whileSuspended bool
	takesOwnKey    bool
}

// audienceOf is the declaration that covers c, and whether there is one.
func audienceOf(c *cobra.Command) (audience, bool) {
	for p := c; p != nil; p = p.Parent() {
		if p != c && !p.HasParent() {
			break // the root's declaration is the root's own
		}
		if r := p.Annotations[annReads]; r != "" {
			return audience{
				reads:          state.Readable(r),
				role:           p.Annotations[annRole],
				whileSuspended: state.MayWhileSuspended(helpPath(c)),
				takesOwnKey:    p.Annotations[annOwnKey] != "",
			}, true
		}
	}
	return audience{}, false
}

// errLogMembersOnly answers a visitor who asks for the log itself.
var errLogMembersOnly = errors.New("members only: the log names every member. Anyone can fetch `chain head`, `chain key`, " +
	"`chain consistency OLD NEW` and `chain receipt SEQ` (hashes only), and check them with polis verify")

// gate refuses a caller the read rules do not let run the command, before
// it runs, and keeps the caller's reading for the command. A command that
// declares nothing is the community's: members only.
func (c *cli) gate(cmd *cobra.Command, _ []string) error {
	a, ok := audienceOf(cmd)
	if !ok {
		a.reads = state.ReadCommunity
	}
	rd, err := c.reader()
	if err != nil {
		return err
	}
	if !state.MayRead(a.reads, rd) {
		if a.reads == state.ReadLog {
			return errLogMembersOnly
		}
		return state.ErrVisitor
	}
	c.rd = rd
	return nil
}

// reader is the caller as the read rules see them.
func (c *cli) reader() (state.Reading, error) {
	if c.hub == nil {
		return state.Reading{}, nil
	}
	return c.hub.ReaderOf(c.who.Fingerprint)
}

// me is the caller, for a command not for anyone: past the gate, only a
// current member runs it. Writes are resolved again by the sequencer, so
// a key removed meanwhile is refused there.
func (c *cli) me() state.Member { return *c.rd.Member }

// declarations maps every command's path to its declaration: what the
// door asks of a command line before it runs (MayRunSuspended,
// TakesOwnKey). It is read once, from the tree names resolves lines with.
func declarations(root *cobra.Command) map[string]audience {
	m := map[string]audience{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if a, ok := audienceOf(c); ok {
			m[helpPath(c)] = a
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	return m
}

// SuspendedSummary names the commands a suspended member may run, for the
// refusal (TestSuspendedSummary checks it against the tree).
const SuspendedSummary = state.SuspendedSummary

// MayRunSuspended reports whether a suspended member may run the command
// at path (a Path).
func MayRunSuspended(path string) bool { return declared()[path].whileSuspended }

// TakesOwnKey reports whether the command at path (a Path) can take the
// caller's own key away.
func TakesOwnKey(path string) bool { return declared()[path].takesOwnKey }

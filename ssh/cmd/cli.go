package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
)

// Identity is who runs a command: the SSH key that authenticated, as the
// app has it too.
type Identity = state.Identity

// Input bounds. A command line is tiny; anything bigger is a mistake or an
// attack, and is refused before cobra sees it.
const (
	maxArgs     = 32
	maxArgLen   = 4 << 10
	maxArgTotal = 16 << 10
	MaxStdin    = 8 << 10  // application text
	maxKeyInput = 16 << 10 // one public key
	maxErrLen   = 400
)

// usageError is a mistake in how a command was called, as opposed to a
// refusal by the hub; its message points at the help.
type usageError struct {
	cmd string
	err error
}

func (e usageError) Error() string {
	if e.cmd == "" {
		return fmt.Sprintf("%v (run 'help')", e.err)
	}
	return fmt.Sprintf("%v (run 'help %s')", e.err, e.cmd)
}

func usage(c *cobra.Command, format string, a ...any) error {
	return usageError{cmd: helpPath(c), err: fmt.Errorf(format, a...)}
}

func helpPath(c *cobra.Command) string {
	p := c.CommandPath()
	if i := strings.IndexByte(p, ' '); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// Execute runs one command line for who, with the given streams, and returns
// the exit status: 0 on success, 1 on any error, which is written to stderr
// as one line.
//
// args are the words of the command line; prose flags' loose words are
// gathered back together (rejoinText) before the argument caps apply, so a
// long title is one argument. No arguments means no arguments: help, never
// the hub's own command line (cobra reads os.Args when given nil).
func Execute(ctx context.Context, hub *state.Hub, who Identity, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if err := checkLen(args); err != nil {
		fail(stderr, err)
		return 1
	}
	args = rejoinText(args)
	if err := checkArgs(args); err != nil {
		fail(stderr, err)
		return 1
	}
	if args == nil {
		args = []string{}
	}
	root := commandsFor(hub, who, args)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fail(stderr, err)
		var ex exitError
		if errors.As(err, &ex) {
			return ex.code
		}
		return 1
	}
	return 0
}

// exitError is a refusal with its own exit status, for commands whose
// callers are programs that branch on it (witness add-checkpoint).
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

// checkLen bounds the bytes of a command line before its words are
// rejoined: rejoining costs time in proportion, and only adds a space
// between words.
func checkLen(args []string) error {
	total := 0
	for _, a := range args {
		total += len(a) + 1
	}
	if total > maxLineLen {
		return fmt.Errorf("the command line is too long (%d bytes, at most %d)", total, maxArgTotal)
	}
	return nil
}

// checkArgs applies the argument caps to a command line whose prose has
// been rejoined.
func checkArgs(args []string) error {
	if len(args) > maxArgs {
		return fmt.Errorf("too many arguments (%d, at most %d)", len(args), maxArgs)
	}
	total := 0
	for _, a := range args {
		if len(a) > maxArgLen {
			return fmt.Errorf("an argument is too long (%d bytes, at most %d)", len(a), maxArgLen)
		}
		total += len(a)
	}
	if total > maxArgTotal {
		return fmt.Errorf("the command line is too long (%d bytes, at most %d)", total, maxArgTotal)
	}
	return nil
}

// fail prints err as one safe line. Errors can echo what the caller typed
// (flag names, refs), so they pass the same sanitiser as member text.
func fail(w io.Writer, err error) {
	msg := sanitize.Line(err.Error())
	if len(msg) > maxErrLen {
		msg = truncate(msg, maxErrLen)
	}
	fmt.Fprintln(w, "polis: "+msg)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "..."
}

// Commands returns the command tree for who. The local binary reuses it;
// Execute is the usual way to run it.
func Commands(hub *state.Hub, who Identity) *cobra.Command {
	return buildTree(hub, who, nil)
}

// topLevel lists the constructors of the top-level commands. Building the
// whole tree (every command, every flag set) cost a fifth of a command's
// CPU, so a command line names the one subtree it needs.
func (c *cli) topLevel() []func() *cobra.Command {
	return []func() *cobra.Command{
		c.whoamiCmd, c.censusCmd, c.joinCmd, c.applyCmd,
		c.membersCmd, c.renameCmd, c.roleCmd,
		c.applicationsCmd, func() *cobra.Command { return c.decideCmd("approve", true) },
		func() *cobra.Command { return c.decideCmd("reject", false) },
		c.inviteCmd, c.keysCmd, c.chainCmd,
		c.proposalCmd, c.voteCmd, c.delegateCmd, c.undelegateCmd, c.delegationsCmd,
		c.receiptCmd, c.rulesCmd,
		c.treasuryCmd, c.housingCmd, c.disputeCmd, c.moderationCmd,
		c.charterCmd, c.consentCmd, c.leaveCmd, c.recordCmd, c.profileCmd, c.campaignCmd,
		c.witnessCmd,
	}
}

// topNames maps each top-level command's name to its place in topLevel.
var topNames = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, mk := range (&cli{}).topLevel() {
		m[mk().Name()] = i
	}
	return m
})

// commandsFor builds the tree for one command line: the root with only the
// subtree args name, or the whole tree for help and anything unknown (so
// errors and help read the same as ever).
func commandsFor(hub *state.Hub, who Identity, args []string) *cobra.Command {
	if len(args) > 0 {
		if i, ok := topNames()[args[0]]; ok {
			return buildTree(hub, who, &i)
		}
	}
	return buildTree(hub, who, nil)
}

func buildTree(hub *state.Hub, who Identity, only *int) *cobra.Command {
	c := &cli{hub: hub, who: who}
	root := &cobra.Command{
		Use:   "polis",
		Short: "polis hub commands",
		Long: "polis hub commands. Over SSH: ssh -p PORT HOST COMMAND [--json].\n" +
			"Log in with a terminal (no command) for the full app.",
		SilenceErrors:      true,
		SilenceUsage:       true,
		DisableSuggestions: true,
		Args:               noArgs,
		RunE:               func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE:  c.gate, // who may run what: audience.go
		Annotations:        forReaders(state.ReadSelf),
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{cmd: helpPath(cmd), err: err}
	})
	root.SetHelpCommand(helpCommand(root))
	for i, mk := range c.topLevel() {
		if only == nil || *only == i {
			root.AddCommand(mk())
		}
	}
	return root
}

// helpCommand replaces cobra's, which answers an unknown topic with exit 0.
func helpCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:         "help [command]",
		Short:       "Help about any command",
		Args:        cobra.ArbitraryArgs,
		Annotations: forReaders(state.ReadSelf),
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || target == nil {
				return usageError{cmd: "", err: fmt.Errorf("no command %q", strings.Join(args, " "))}
			}
			return target.Help()
		},
	}
}

// noArgs is cobra.NoArgs that also answers mistyped subcommands of a group
// command with an error instead of a help page.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usage(cmd, "unknown command %q", args[0])
	}
	return usage(cmd, "%s takes no arguments", cmd.Name())
}

func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usage(cmd, "%s needs %s", cmd.Name(), strings.Join(names, " "))
		}
		return nil
	}
}

// group is a command that only holds subcommands, for the audience
// declared (audience.go), which its subcommands inherit unless they
// declare their own.
func group(use, short string, audience map[string]string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:         use,
		Short:       short,
		Args:        noArgs,
		RunE:        func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		Annotations: audience,
	}
	g.AddCommand(subs...)
	return g
}

type cli struct {
	hub *state.Hub
	who Identity
	// rd is the caller as the read rules see them, set by the gate before
	// the command runs: Member is nil for a visitor.
	rd state.Reading
}

func (c *cli) submit(cmd *cobra.Command, command state.Command) ([]state.Event, error) {
	return c.hub.Submit(cmd.Context(), c.who.Actor(), command)
}

func jsonFlag(cmd *cobra.Command) *bool {
	return cmd.Flags().Bool("json", false, "print JSON")
}

func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	return enc.Encode(v)
}

func out(cmd *cobra.Command, format string, a ...any) {
	fmt.Fprintf(cmd.OutOrStdout(), format, a...)
}

// parseID reads a numeric ID: digits only, at least 1.
func parseID(cmd *cobra.Command, what, s string) (uint64, error) {
	n, err := parseSeq(s)
	if err != nil || n == 0 {
		return 0, usage(cmd, "%s %q is not a valid ID (a whole number from 1)", what, truncate(s, 24))
	}
	return n, nil
}

// parseSeq reads a non-negative number; only ASCII digits, so "+1", " 1"
// and "0x1" are refused.
func parseSeq(s string) (uint64, error) {
	if s == "" || len(s) > 20 {
		return 0, errors.New("bad number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("bad number")
		}
	}
	return strconv.ParseUint(s, 10, 64)
}

// readBounded reads all of r, refusing more than limit bytes.
func readBounded(r io.Reader, limit int64, what string) (string, error) {
	if r == nil {
		return "", nil
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %v", what, err)
	}
	if int64(len(b)) > limit {
		return "", fmt.Errorf("%s is too long (more than %d bytes)", what, limit)
	}
	return string(b), nil
}

// line sanitises member-written text for one line of human output.
func line(s string) string { return sanitize.Line(s) }

func roleList(rs []string) string { return strings.Join(rs, ", ") }

// freeTextFlags are the flags whose values are prose. OpenSSH joins the
// words of `ssh hub proposal new --title 'Rent the flat'` with spaces and
// the quotes are gone by the time the hub reads the line, so the value of
// such a flag runs up to the next flag: ParseLine takes that stretch of
// the line as typed, rejoinText (for callers holding words) joins the
// words. Commands that take positional words elsewhere are not listed, but
// for the treasury's, whose words come before --memo.
var freeTextFlags = map[string][]string{
	"proposal new":             {"--title", "--options", "--memo", "--space-name", "--city", "--member", "--to"},
	"treasury contribute":      {"--memo"},
	"treasury reverse":         {"--memo"},
	"treasury allowance spend": {"--memo"},
	"housing space add":        {"--name", "--city"},
	"dispute file":             {"--title", "--against"},
	"dispute resolve":          {"--reason"},
	"join":                     {"--name"},
	"campaign new":             {"--title", "--funds"},
	"apply":                    {"--name"},
}

// rejoinText applies freeTextFlags, and treats the words after `rename` or
// `delegate` up to the first flag as one name (proseArgs).
func rejoinText(args []string) []string {
	if len(args) > 2 && proseArgs[args[0]] && !strings.HasPrefix(args[1], "-") {
		j := 1
		for j < len(args) && !isFlagArg(args[j]) {
			j++
		}
		if j > 2 {
			return append([]string{args[0], strings.Join(args[1:j], " ")}, args[j:]...)
		}
		return args
	}
	flags := proseFlags(args)
	if flags == nil {
		return args
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		out = append(out, args[i])
		if !slices.Contains(flags, args[i]) || i+1 >= len(args) {
			continue
		}
		j := i + 1
		for j < len(args) && !isFlagArg(args[j]) {
			j++
		}
		if j > i+1 {
			out = append(out, strings.Join(args[i+1:j], " "))
			i = j - 1
		}
	}
	return out
}

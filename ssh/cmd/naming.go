package cmd

import (
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// names resolves command lines to command paths ("proposal new") with one
// tree built for the purpose: cobra's lookups lazily build flag sets, so it
// is used under a lock.
var names struct {
	once sync.Once
	mu   sync.Mutex
	root *cobra.Command
	decl map[string]audience // read-only once built
}

// namingTree builds names.root and the declarations read from it, once.
func namingTree() {
	names.once.Do(func() {
		names.root = Commands(nil, Identity{})
		names.root.InitDefaultHelpCmd() // Execute would add it
		names.decl = declarations(names.root)
	})
}

// declared is every command's declaration, by path.
func declared() map[string]audience {
	namingTree()
	return names.decl
}

// Path is the command a line runs, without the root: "help" for
// the root itself (which prints help), "unknown" for anything that names no
// command. The set of answers is small and fixed, so it can label metrics.
func Path(args []string) string {
	if checkLen(args) != nil {
		return "unknown"
	}
	args = rejoinText(args)
	if checkArgs(args) != nil {
		return "unknown"
	}
	namingTree()
	names.mu.Lock()
	defer names.mu.Unlock()
	cmd, rest, err := names.root.Find(args)
	if err != nil || cmd == nil {
		return "unknown"
	}
	if len(rest) > 0 && cmd.HasSubCommands() {
		// A group with a mistyped subcommand: cobra stops at the group.
		return "unknown"
	}
	if p := helpPath(cmd); p != "" {
		return p
	}
	return "help"
}

// memberRef resolves MEMBER, as every command that names a member takes
// it: a numeric ID, or a member's name up to case and look-alike
// characters.
func (c *cli) memberRef(cmd *cobra.Command, s string) (uint64, error) {
	if id, err := parseSeq(s); err == nil {
		if id == 0 {
			return 0, usage(cmd, "member %q is not a valid ID (a whole number from 1)", truncate(s, 40))
		}
		return id, nil
	}
	m, ok, err := c.hub.MemberNamed(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%w: no member named %q", state.ErrNotFound, truncate(s, 40))
	}
	return m.ID, nil
}

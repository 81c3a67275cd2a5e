package cmd

import (
	"fmt"
	"strings"
	"testing"

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
		if c, _, err := root.Find(args[:2]); err != nil || c.Name() != args[1] {
			t.Errorf("%s: %q names no command", a, line)
		}
	}
	if len(actCommands) != len(state.CaseActs) {
		t.Errorf("%d command lines for %d acts", len(actCommands), len(state.CaseActs))
	}
}

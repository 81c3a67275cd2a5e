package cmd

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// commandReads names what each command anyone may run shows, by the read
// rule in state that makes it public (state.ReadRules). Every command not
// named here shows or changes the community's data (state.ReadCommunity),
// so a visitor is refused before it runs: a new command is members-only
// until it is listed here.
var commandReads = map[string]state.Readable{
	"":                  state.ReadSelf, // the root prints help
	"help":              state.ReadSelf,
	"whoami":            state.ReadSelf,
	"join":              state.ReadSelf,
	"apply":             state.ReadSelf,
	"keys confirm":      state.ReadSelf,
	"census":            state.ReadCensus,
	"charter":           state.ReadCharter,
	"charter history":   state.ReadCharter,
	"chain head":        state.ReadCheckpoints,
	"chain key":         state.ReadCheckpoints,
	"chain consistency": state.ReadConsistency,
	// A receipt's event bytes are the log's: members get them, anyone
	// else the hashes (see chainReceiptCmd).
	"chain receipt": state.ReadInclusion,
	"chain export":  state.ReadLog,
}

// readsOf is what the command at path shows.
func readsOf(path string) state.Readable {
	if r, ok := commandReads[path]; ok {
		return r
	}
	return state.ReadCommunity
}

// errLogMembersOnly answers a visitor who asks for the log itself.
var errLogMembersOnly = errors.New("members only: the log names every member. Anyone can fetch `chain head`, `chain key`, " +
	"`chain consistency OLD NEW` and `chain receipt SEQ` (hashes only), and check them with polis verify")

// gate refuses a caller the read rules do not let run the command, before
// it runs. Each command still checks its caller itself; this is the one
// place the table is applied to every command alike.
func (c *cli) gate(cmd *cobra.Command, _ []string) error {
	what := readsOf(helpPath(cmd))
	rd, err := c.reader()
	if err != nil {
		return err
	}
	if state.MayRead(what, rd) {
		return nil
	}
	if what == state.ReadLog {
		return errLogMembersOnly
	}
	return state.ErrVisitor
}

// reader is the caller as the read rules see them.
func (c *cli) reader() (state.Reading, error) {
	if c.hub == nil {
		return state.Reading{}, nil
	}
	return c.hub.ReaderOf(c.who.Fingerprint)
}

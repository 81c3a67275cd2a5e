package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
)

// Private notes: moderators who are not parties write and read them; the
// log, which every member (parties included) reads, holds only each note's
// salted hash.
func (c *cli) disputeNoteCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "note CASE-ID < note.md",
		Annotations: forRole(state.RoleModerator),
		Short:       "Add a private note for moderators (not parties); only its salted hash enters the log",
		Args:        exactArgs("CASE-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "case", args[0])
			if err != nil {
				return err
			}
			text, err := readBounded(cmd.InOrStdin(), maxStatement, "note")
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.NewPrivateNote(id, strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))))
			if err != nil {
				return err
			}
			b := evs[0].Body.(*state.CaseNoted)
			out(cmd, "Private note %d added to case %d (event %d; the log holds only its hash %s…).\n", b.Note, id, evs[0].Seq, b.Hash[:12])
			return nil
		},
	}
}

func (c *cli) disputeNotesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "notes CASE-ID [--json]",
		Annotations: forRole(state.RoleModerator),
		Short:       "Read a case's private notes (moderators who are not parties)",
		Args:        exactArgs("CASE-ID"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "case", args[0])
		if err != nil {
			return err
		}
		notes, err := c.hub.PrivateNotes(id, c.who.Actor())
		if err != nil {
			return err
		}
		if *asJSON {
			if notes == nil {
				notes = []state.PrivateNote{}
			}
			return printJSON(cmd, notes)
		}
		if len(notes) == 0 {
			out(cmd, "No private notes on case %d.\n", id)
		}
		for _, n := range notes {
			out(cmd, "#%d %s, %s:\n%s\n\n", n.Note, line(c.memberName(n.Author)), fmtTime(n.Time), indentText(n.Text))
		}
		return nil
	}
	return cmd
}

func indentText(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(sanitize.Text(s)), "\n", "\n  ")
}

package cmd

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// ModEntry is one line of the moderation log.
type ModEntry struct {
	Time        int64    `json:"time"`
	Event       uint64   `json:"event"`
	Case        uint64   `json:"case"`
	Action      string   `json:"action"` // filed, claimed, recused, withdrawn, ruled, appealed, jury_drawn, jury_ruled
	Actor       uint64   `json:"actor,omitempty"`
	Outcome     string   `json:"outcome,omitempty"`
	SuspendDays int      `json:"suspend_days,omitempty"`
	Jury        []uint64 `json:"jury,omitempty"`
	JuryHeight  int64    `json:"jury_height,omitempty"`
	JurySeed    string   `json:"jury_seed,omitempty"`
}

// moderationLog reads the moderation actions from the event log, oldest
// first. A case record keeps only its latest state (a later claim replaces
// an earlier one, a jury's outcome replaces the moderator's, and most steps
// have no time), so the log itself is the only faithful record of what
// happened when.
func (c *cli) moderationLog() ([]ModEntry, error) {
	var es []ModEntry
	juries := map[uint64]int{}
	votes := map[uint64]map[uint64]string{}
	err := c.hub.EventsOfKind([]string{"case.", "jury."}, func(ev state.Event) error {
		e := ModEntry{Time: ev.Time, Event: ev.Seq, Actor: ev.Actor}
		switch b := ev.Body.(type) {
		case *state.CaseFiled:
			e.Case, e.Action = b.Case, "filed"
		case *state.CaseClaimed:
			e.Case, e.Action = b.Case, "claimed"
		case *state.CaseRecused:
			e.Case, e.Action = b.Case, "recused"
		case *state.CaseWithdrawn:
			e.Case, e.Action = b.Case, "withdrawn"
		case *state.CaseRuled:
			e.Case, e.Action, e.Outcome, e.SuspendDays = b.Case, "ruled", b.Outcome, b.SuspendDays
		case *state.CaseAppealed:
			e.Case, e.Action = b.Case, "appealed"
		case *state.JuryDrawn:
			e.Case, e.Action, e.Jury, e.JuryHeight, e.JurySeed = b.Case, "jury_drawn", b.Jurors, b.Height, b.Seed
			juries[b.Case] = len(b.Jurors)
			votes[b.Case] = map[uint64]string{}
		case *state.JuryVoted:
			// A juror's vote is theirs; the log shows the verdict, at
			// the vote that made the majority.
			vs := votes[b.Case]
			if vs == nil {
				return nil
			}
			vs[ev.Actor] = b.Outcome
			n := 0
			for _, o := range vs {
				if o == b.Outcome {
					n++
				}
			}
			if n*2 <= juries[b.Case] {
				return nil
			}
			delete(votes, b.Case)
			e.Case, e.Action, e.Outcome, e.Actor = b.Case, "jury_ruled", b.Outcome, 0
		default:
			return nil
		}
		es = append(es, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The jury's suspension is the moderator's length, or the default.
	days := map[uint64]int{}
	for i, e := range es {
		switch {
		case e.Action == "ruled":
			days[e.Case] = e.SuspendDays
		case e.Action == "jury_ruled" && e.Outcome == state.OutcomeSuspension:
			es[i].SuspendDays = days[e.Case]
			if es[i].SuspendDays == 0 {
				es[i].SuspendDays = state.JurySuspendDays
			}
		}
	}
	return es, nil
}

func (c *cli) moderationCmd() *cobra.Command {
	logCmd := &cobra.Command{
		Use:         "log [--json]",
		Annotations: forMembers(),
		Short:       "The public audit log: every moderation action as it happened, newest first",
		Args:        noArgs,
	}
	asJSON := jsonFlag(logCmd)
	logCmd.RunE = func(cmd *cobra.Command, _ []string) error {
		es, err := c.moderationLog()
		if err != nil {
			return err
		}
		slices.Reverse(es)
		if *asJSON {
			if es == nil {
				es = []ModEntry{}
			}
			return printJSON(cmd, es)
		}
		if len(es) == 0 {
			out(cmd, "No moderation actions yet.\n")
			return nil
		}
		names := c.names()
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TIME\tCASE\tACTION\tBY\tDETAIL\tEVENT")
		for _, e := range es {
			by := "the hub"
			if e.Actor != 0 {
				by = nameText(names, e.Actor)
			}
			detail := ""
			switch e.Action {
			case "ruled", "jury_ruled":
				detail = outcomeText(e.Outcome, e.SuspendDays)
			case "jury_drawn":
				var js []string
				for _, j := range e.Jury {
					js = append(js, nameText(names, j))
				}
				detail = fmt.Sprintf("%s, from checkpoint %d", strings.Join(js, ", "), e.JuryHeight)
				if len(js) == 0 {
					detail = fmt.Sprintf("nobody could serve (checkpoint %d); the ruling stands", e.JuryHeight)
				}
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\n", fmtTime(e.Time), e.Case, strings.ReplaceAll(e.Action, "_", " "), by, detail, e.Event)
		}
		return tw.Flush()
	}
	return group("moderation", "The public record of moderation (members only)", forMembers(), logCmd)
}

package cmd

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

const maxStatement = 4 * state.MaxCaseStatement // a statement on stdin, in bytes

func (c *cli) disputeCmd() *cobra.Command {
	return group("dispute", "File and handle disputes between members (members only)", forMembers(),
		c.disputeFileCmd(), c.disputeListCmd(), c.disputeShowCmd(), c.disputeEvidenceCmd(), c.disputeNoteCmd(), c.disputeNotesCmd(),
		c.caseActionCmd("claim", "Take a case to handle it (moderators; never a party)", forRole(state.RoleModerator)),
		c.caseActionCmd("recuse", "Step aside from the case you claimed; you can never claim it again", forRole(state.RoleModerator)),
		c.caseActionCmd("withdraw", "Withdraw a case you filed before it is ruled on", forMembers()),
		c.caseActionCmd("appeal", "Appeal a ruling to a jury drawn by lot (parties, within 7 days)", forMembers()),
		c.disputeResolveCmd(), c.juryVoteCmd())
}

func (c *cli) disputeFileCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "file --against MEMBER --title TITLE [--category CATEGORY] < statement.md",
		Short: "File a case against a member (a name or member ID); your statement on stdin; prints the case ID alone on the last line",
		Args:  noArgs,
	}
	f := cmd.Flags()
	against := f.String("against", "", "the member the case is against: a name or member ID")
	title := f.String("title", "", "a one-line title")
	category := f.String("category", "other", "one of "+strings.Join(state.Categories, ", "))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *against == "" {
			return usage(cmd, "--against is required")
		}
		id, err := c.memberRef(cmd, *against)
		if err != nil {
			return err
		}
		text, err := readBounded(cmd.InOrStdin(), maxStatement, "statement")
		if err != nil {
			return err
		}
		text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		evs, err := c.submit(cmd, state.FileCase{Against: id, Category: *category, Title: *title, Statement: text})
		if err != nil {
			return err
		}
		ev := evs[0].Body.(*state.CaseFiled)
		out(cmd, "Case %d against %s is filed (%s); a moderator will claim it (event %d).\n%d\n",
			ev.Case, c.memberName(ev.Respondent), ev.Category, evs[0].Seq, ev.Case)
		return nil
	}
	return cmd
}

func (c *cli) disputeListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "list [--mine|--queue] [--json]",
		Annotations: forMembers(),
		Short:       "List cases; --mine: yours; --queue: the cases you may take or handle as a moderator, unclaimed first, then oldest first",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	mine := cmd.Flags().Bool("mine", false, "only cases you filed or are the respondent in")
	queue := cmd.Flags().Bool("queue", false, "moderators: the cases you may take and the ones you handle")
	flagsForRole(cmd, state.RoleModerator, "queue")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *mine && *queue {
			return usage(cmd, "choose --mine or --queue, not both")
		}
		me := c.me()
		var cs []state.Case
		var err error
		if *queue {
			cs, err = c.hub.QueueFor(c.who.Actor())
		} else {
			cs, err = c.hub.Cases()
		}
		if err != nil {
			return err
		}
		if *mine {
			cs = slices.DeleteFunc(cs, func(k state.Case) bool { return k.Filer != me.ID && k.Respondent != me.ID })
		}
		if *asJSON {
			if cs == nil {
				cs = []state.Case{}
			}
			return printJSON(cmd, cs)
		}
		if len(cs) == 0 {
			switch {
			case *queue:
				out(cmd, "The queue is empty.\n")
			default:
				out(cmd, "No cases.\n")
			}
			return nil
		}
		names := c.names()
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tCATEGORY\tFILED\tBY\tAGAINST\tMODERATOR\tTITLE")
		for _, k := range cs {
			mod := "-"
			if k.Moderator != 0 {
				mod = nameText(names, k.Moderator)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, caseStateText(k), k.Category, state.Day(k.Created),
				nameText(names, k.Filer), nameText(names, k.Respondent), mod, line(k.Title))
		}
		return tw.Flush()
	}
	return cmd
}

// caseStateText is a case's state with its outcome, for tables.
func caseStateText(k state.Case) string {
	switch k.State {
	case state.CaseStateRuled, state.CaseStateJuryRuled:
		return k.State + ": " + outcomeText(k.Outcome, k.SuspendDays)
	case state.CaseStateAppealed:
		// The moderator's ruling stands until the jury's replaces it.
		return k.State + " (the moderator ruled " + outcomeText(k.Outcome, k.SuspendDays) + ")"
	}
	return k.State
}

func outcomeText(o string, days int) string {
	if o == state.OutcomeSuspension && days > 0 {
		return o + ", " + state.Plural(days, "day", "days")
	}
	return o
}

// caseJSON is `dispute show --json`.
type caseJSON struct {
	Case   state.Case        `json:"case"`
	Thread []state.Statement `json:"thread"`
	Verify string            `json:"verify,omitempty"`
	// Actions is what the caller may do on the case now
	// (state.CaseActions), the same the app offers as keys.
	Actions []state.CaseAct `json:"actions"`
}

// actCommands is the command line for each act on a case (%d: its ID).
var actCommands = map[state.CaseAct]string{
	state.ActClaim:    "dispute claim %d",
	state.ActRule:     "dispute resolve %d --outcome OUTCOME",
	state.ActRecuse:   "dispute recuse %d",
	state.ActJuryVote: "dispute jury-vote %d OUTCOME",
	state.ActAppeal:   "dispute appeal %d",
	state.ActWithdraw: "dispute withdraw %d",
	state.ActEvidence: "dispute evidence %d < statement.md",
	state.ActNote:     "dispute note %d < note.md",
}

// juryProof tells how to check a case's jury draw, once there is one.
func juryProof(k state.Case) string {
	if k.JuryHeight == 0 {
		return ""
	}
	if len(k.Jury) == 0 {
		return fmt.Sprintf("no member could serve on the jury drawn at checkpoint %d, so the ruling stands", k.JuryHeight)
	}
	return fmt.Sprintf("jury drawn from checkpoint %d (seed %s); recompute with `polis verify`", k.JuryHeight, k.JurySeed)
}

func (c *cli) disputeShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "show CASE-ID [--json]",
		Annotations: forMembers(),
		Short:       "Show a case, its thread and its jury",
		Args:        exactArgs("CASE-ID"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "case", args[0])
		if err != nil {
			return err
		}
		k, thread, err := c.hub.CaseWithThread(id)
		if err != nil {
			return err
		}
		acts, err := c.hub.ActionsFor(c.who.Actor(), id)
		if err != nil {
			return err
		}
		if *asJSON {
			if thread == nil {
				thread = []state.Statement{}
			}
			if acts == nil {
				acts = []state.CaseAct{}
			}
			return printJSON(cmd, caseJSON{k, thread, juryProof(k), acts})
		}
		names := c.names()
		out(cmd, "Case %d: %s\n", k.ID, line(k.Title))
		out(cmd, "state      %s\ncategory   %s\nfiled      %s by %s\nagainst    %s\n",
			caseStateText(k), k.Category, fmtTime(k.Created), nameText(names, k.Filer), nameText(names, k.Respondent))
		if k.Moderator != 0 {
			out(cmd, "moderator  %s\n", nameText(names, k.Moderator))
		}
		if len(k.Recused) > 0 {
			var rs []string
			for _, m := range k.Recused {
				rs = append(rs, nameText(names, m))
			}
			out(cmd, "recused    %s\n", strings.Join(rs, ", "))
		}
		if k.Ruled != 0 {
			out(cmd, "ruled      %s\n", fmtTime(k.Ruled))
		}
		if k.Reason != "" {
			out(cmd, "reason:\n")
			indented(cmd, "  ", k.Reason)
		}
		out(cmd, "\nstatement by %s, %s:\n", nameText(names, k.Filer), fmtTime(k.Created))
		indented(cmd, "  ", k.Statement)
		for _, s := range thread {
			out(cmd, "\n#%d %s, %s:\n", s.ID, nameText(names, s.Author), fmtTime(s.Time))
			indented(cmd, "  ", s.Body)
		}
		switch {
		case len(k.Jury) > 0:
			out(cmd, "\nJury:\n")
			for _, j := range k.Jury {
				vote := "not voted"
				for _, v := range k.JuryVotes {
					if v.Juror == j {
						vote = v.Outcome
					}
				}
				out(cmd, "  %s: %s\n", nameText(names, j), vote)
			}
			out(cmd, "%s\n", juryProof(k))
		case k.State == state.CaseStateAppealed:
			out(cmd, "\nAppealed: the jury is drawn from the next checkpoint.\n")
		}
		if len(acts) > 0 {
			out(cmd, "\nYou may:\n")
			for _, a := range acts {
				out(cmd, "  "+actCommands[a]+"\n", id)
			}
		}
		return nil
	}
	return cmd
}

func (c *cli) disputeEvidenceCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "evidence CASE-ID < statement.md",
		Annotations: forMembers(),
		Short:       "Add a statement to a case's thread (parties, moderators, jurors); the text on stdin",
		Args:        exactArgs("CASE-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "case", args[0])
			if err != nil {
				return err
			}
			text, err := readBounded(cmd.InOrStdin(), maxStatement, "statement")
			if err != nil {
				return err
			}
			text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
			evs, err := c.submit(cmd, state.AddStatement{ID: id, Body: text})
			if err != nil {
				return err
			}
			out(cmd, "Statement %d added to case %d (event %d).\n", evs[0].Body.(*state.CaseStatement).Statement, id, evs[0].Seq)
			return nil
		},
	}
}

func (c *cli) caseActionCmd(action, short string, audience map[string]string) *cobra.Command {
	done := map[string]string{
		"claim":    "is yours to handle; rule with `dispute resolve %d --outcome OUTCOME`",
		"recuse":   "is open again for another moderator",
		"withdraw": "is withdrawn",
		"appeal":   "is appealed: a jury is drawn by lot from the next checkpoint",
	}[action]
	return &cobra.Command{
		Use:         action + " CASE-ID",
		Annotations: audience,
		Short:       short,
		Args:        exactArgs("CASE-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "case", args[0])
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.CaseAction{ID: id, Action: action})
			if err != nil {
				return err
			}
			msg := done
			if strings.Contains(msg, "%d") {
				msg = fmt.Sprintf(msg, id)
			}
			out(cmd, "Case %d %s (event %d).\n", id, msg, evs[0].Seq)
			return nil
		},
	}
}

func (c *cli) disputeResolveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "resolve CASE-ID --outcome OUTCOME [--reason TEXT] [--days N] [--booking ID] [--amount A --asset C]",
		Annotations: forRole(state.RoleModerator),
		Short:       "Rule on the case you claimed: dismissed, warning, restitution or suspension (--days N); expulsion is for juries",
		Args:        exactArgs("CASE-ID"),
	}
	f := cmd.Flags()
	outcome := f.String("outcome", "", "dismissed, warning, restitution or suspension")
	reason := f.String("reason", "", "why, for the record")
	days := f.String("days", "", "how many days a suspension lasts")
	booking := f.String("booking", "", "restitution: cancel this booking of the respondent's")
	amount := f.String("amount", "", "restitution: pay the filer this much from the treasury (treasurers co-sign; above the cap in `treasury policy`, the members vote)")
	asset := f.String("asset", "", "restitution: the asset of --amount")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "case", args[0])
		if err != nil {
			return err
		}
		rule := state.Rule{ID: id, Outcome: *outcome, Reason: *reason}
		if *booking != "" {
			if rule.Booking, err = parseID(cmd, "booking", *booking); err != nil {
				return err
			}
		}
		if *amount != "" || *asset != "" {
			n, a, err := c.amount(*amount, *asset)
			if err != nil {
				return err
			}
			rule.Amount, rule.Asset = n, a.Code
		}
		if *outcome == "" {
			return usage(cmd, "--outcome is required")
		}
		n := 0
		if f.Changed("days") {
			if n, err = count(cmd, "days", *days, 1); err != nil {
				return err
			}
		}
		rule.SuspendDays = n
		evs, err := c.submit(cmd, rule)
		if err != nil {
			return err
		}
		ev := evs[0].Body.(*state.CaseRuled)
		out(cmd, "Case %d is ruled: %s (event %d). The parties may appeal within %d days.\n",
			id, outcomeText(ev.Outcome, ev.SuspendDays), evs[0].Seq, state.AppealWindowMS/(24*3600*1000))
		var vote *state.ProposalCreated
		for _, e := range evs {
			if p, ok := e.Body.(*state.ProposalCreated); ok {
				vote = p
			}
		}
		switch {
		case vote != nil:
			out(cmd, "The restitution is more than a moderator may order alone (`treasury policy`): the members vote on it as spend proposal %d.\n", vote.Proposal)
		case ev.Amount != 0:
			out(cmd, "A payout order to the filer waits for treasurers' signatures (`treasury payouts`).\n")
		}
		if rule.Booking != 0 {
			out(cmd, "Booking %d is cancelled.\n", rule.Booking)
		}
		return nil
	}
	return cmd
}

func (c *cli) juryVoteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "jury-vote CASE-ID OUTCOME",
		Short: "Give your verdict as a juror: " + strings.Join(state.Outcomes, ", "),
		Args:  exactArgs("CASE-ID", "OUTCOME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "case", args[0])
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.CastJuryVote{ID: id, Outcome: args[1]})
			if err != nil {
				return err
			}
			out(cmd, "Your verdict on case %d: %s (event %d).\n", id, args[1], evs[0].Seq)
			if k, _, err := c.hub.CaseWithThread(id); err == nil && k.State == state.CaseStateJuryRuled {
				out(cmd, "The jury has ruled: %s.\n", outcomeText(k.Outcome, k.SuspendDays))
			}
			return nil
		},
	}
}

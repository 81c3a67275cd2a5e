package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

const maxBody = 64 << 10 // a proposal's Markdown body on stdin

func (c *cli) proposalCmd() *cobra.Command {
	return group("proposal", "Open, list, read and discuss proposals (members only)", forMembers(),
		c.proposalNewCmd(), c.proposalListCmd(), c.proposalShowCmd(),
		c.proposalOpenCmd(), c.proposalCommentCmd(), c.proposalCancelCmd())
}

func (c *cli) proposalNewCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new --title TITLE --kind KIND [flags] < body.md",
		Short: "Open a proposal; its Markdown body is read from stdin and its ID printed alone on the last line",
		Long: "Open a proposal; its Markdown body is read from stdin and its ID printed alone on the last line.\n" +
			"Kinds: text (no effect), role (--member ID --role ROLE [--revoke]),\n" +
			"rules (--rules-kind KIND with --period, --quorum, --threshold, --hidden; unset ones keep the current value;\n" +
			"  or --signers M: how many treasurers must co-sign a payout),\n" +
			"spend (--to MEMBER-ID --amount AMOUNT --asset CODE [--memo M]; if it passes, treasurers co-sign the payout),\n" +
			"space (--space-name NAME --beds N with the flags of `housing space add`, or --retire SPACE-ID),\n" +
			"charter (the body is the proposed charter text; if it passes it is adopted and members are asked to consent),\n" +
			"expel (--member ID; if it passes the member's keys stop and they leave every count),\n" +
			"validator, on a hub run by several stewards' nodes (--validator-key COSIGNER-VKEY [--power N] seats a node\n" +
			"  or changes its power; --unseat NAME removes one; `polis replica join` prints a new node's key).\n" +
			"Methods: yesno (default), approval, ranked, score (these need --options a,b,c).",
		Args: noArgs,
	}
	f := cmd.Flags()
	title := f.String("title", "", "the proposal's title")
	kind := f.String("kind", "", strings.Join(state.Kinds, ", "))
	method := f.String("method", "", "yesno, approval, ranked or score (default yesno)")
	options := f.String("options", "", "comma-separated options for approval, ranked and score voting")
	draft := f.Bool("draft", false, "save as a draft, kept out of the community's log: only you can see it; publish it with 'proposal open dN'")
	memberID := f.String("member", "", "role proposals: the member")
	role := f.String("role", "", "role proposals: moderator, treasurer or steward")
	revoke := f.Bool("revoke", false, "role proposals: revoke the role instead of granting it")
	rulesKind := f.String("rules-kind", "", "rules proposals: the kind whose rules change")
	signers := f.Int("signers", 0, "rules proposals: instead, how many treasurers must co-sign a payout")
	rf := addRulesFlags(cmd)
	sf := addSpendFlags(cmd)
	spf := addSpaceFlags(cmd, "space-name", "space proposals: ")
	retire := f.String("retire", "", "space proposals: retire this space instead of opening one")
	valKey := f.String("validator-key", "", "validator proposals: the node's cosignature/v1 key (name+hash+key), as `polis replica join` prints it")
	valPower := f.Int64("power", 10, "validator proposals: the node's voting power")
	unseat := f.String("unseat", "", "validator proposals: the name of the validator to remove")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *title == "" || *kind == "" {
			return usage(cmd, "proposal new needs --title TITLE and --kind KIND (%s)", strings.Join(state.Kinds, ", "))
		}
		roleFlags := f.Changed("member") || f.Changed("role") || f.Changed("revoke")
		if roleFlags && *kind != state.KindRole && !(*kind == state.KindExpel && !f.Changed("role") && !f.Changed("revoke")) {
			return usage(cmd, "--member, --role and --revoke are for role proposals (and --member for expel)")
		}
		if (f.Changed("rules-kind") || f.Changed("signers") || rf.changed(cmd)) && *kind != state.KindRuleset {
			return usage(cmd, "--rules-kind, --period, --quorum, --threshold and --hidden are for rules proposals")
		}
		if sf.changed(cmd) && *kind != state.KindSpend {
			return usage(cmd, "--to, --amount, --asset and --memo are for spend proposals")
		}
		if (spf.changed(cmd, "space-name") || f.Changed("retire")) && *kind != state.KindSpace {
			return usage(cmd, "--space-name, --beds, --retire and the other space flags are for space proposals")
		}
		if (f.Changed("validator-key") || f.Changed("power") || f.Changed("unseat")) && *kind != state.KindValidator {
			return usage(cmd, "--validator-key, --power and --unseat are for validator proposals")
		}
		me := c.me()
		np := state.NewProposal{Kind: *kind, Title: *title, Method: *method}
		if *options != "" {
			for i, o := range strings.Split(*options, ",") {
				if o = strings.TrimSpace(o); o == "" {
					return usage(cmd, "option %d is empty", i+1)
				}
				np.Options = append(np.Options, o)
			}
		}
		switch *kind {
		case state.KindRole:
			if *memberID == "" || *role == "" {
				return usage(cmd, "a role proposal needs --member ID and --role ROLE")
			}
			id, err := c.memberRef(cmd, *memberID)
			if err != nil {
				return err
			}
			np.Action = state.Action{Member: id, Role: *role, Grant: !*revoke}
		case state.KindExpel:
			if *memberID == "" {
				return usage(cmd, "an expel proposal needs --member ID")
			}
			id, err := c.memberRef(cmd, *memberID)
			if err != nil {
				return err
			}
			np.Action = state.Action{Member: id}
		case state.KindRuleset:
			if *signers != 0 && *rulesKind == "" {
				np.Action = state.Action{Signers: *signers}
				break
			}
			if *rulesKind == "" {
				return usage(cmd, "a rules proposal needs --rules-kind KIND, or --signers M")
			}
			k, err := c.rules(cmd, rf, *rulesKind)
			if err != nil {
				return err
			}
			np.Action = state.Action{Rules: &k}
		case state.KindSpend:
			a, err := c.spendAction(cmd, sf)
			if err != nil {
				return err
			}
			np.Action = a
		case state.KindSpace:
			a, err := spaceAction(cmd, spf, *retire)
			if err != nil {
				return err
			}
			np.Action = a
		case state.KindValidator:
			if (*valKey == "") == (*unseat == "") {
				return usage(cmd, "a validator proposal needs --validator-key KEY [--power N], or --unseat NAME")
			}
			seat := state.ValidatorSeat{Name: *unseat}
			if *valKey != "" {
				name, _, _ := strings.Cut(*valKey, "+")
				seat = state.ValidatorSeat{Name: name, Key: *valKey, Power: *valPower}
			}
			np.Action = state.Action{Validator: &seat}
		}
		body, err := readBounded(cmd.InOrStdin(), maxBody, "proposal body")
		if err != nil {
			return err
		}
		np.Body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
		if *draft {
			n, err := c.hub.SaveDraft(cmd.Context(), c.who.Actor(), np)
			if err != nil {
				return err
			}
			d := state.DraftName(n)
			out(cmd, "Draft %s saved: only you can see it, and it is not in the community's log. Publish it with `proposal open %s`.\n%s\n", d, d, d)
			return nil
		}
		evs, err := c.submit(cmd, np)
		if err != nil {
			return err
		}
		id := evs[0].Body.(*state.ProposalCreated).Proposal
		v, err := c.hub.ProposalFor(id, me.ID)
		if err != nil {
			return err
		}
		out(cmd, "Proposal %d is open for voting until %s.\n%d\n", id, fmtTime(v.Deadline), id)
		return nil
	}
	return cmd
}

func (c *cli) proposalListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--state STATE]",
		Short: "List proposals with their state, time left and count",
		Args:  noArgs,
	}
	st := cmd.Flags().String("state", "", "only proposals in this state ("+stateNames()+")")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *st != "" && !isState(*st) {
			return usage(cmd, "unknown state %q (states: %s)", truncate(*st, 24), stateNames())
		}
		me := c.me()
		all, err := c.hub.ProposalsFor(me.ID)
		if err != nil {
			return err
		}
		drafts, err := c.hub.Drafts(state.Reading{Member: &me})
		if err != nil {
			return err
		}
		all = append(all, drafts...)
		list := []state.ProposalView{}
		for _, v := range all {
			if *st == "" || v.State == *st {
				list = append(list, v)
			}
		}
		if *asJSON {
			return printJSON(cmd, list)
		}
		if len(list) == 0 {
			out(cmd, "No proposals.\n")
			return nil
		}
		now := time.Now().UnixMilli()
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tKIND\tTITLE\tLEFT\tTALLY")
		for _, v := range list {
			left := "-"
			if v.State == state.PropActive {
				left = timeLeft(v.Deadline, now)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", propName(v), v.State, v.Kind, line(v.Title), left, shortTally(v))
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) proposalShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a proposal, its count, your vote and its thread (or your draft dN)",
		Args:  exactArgs("ID"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, draft, err := parseRef(cmd, args[0])
		if err != nil {
			return err
		}
		me := c.me()
		var v state.ProposalView
		if draft != 0 {
			v, err = c.hub.Draft(state.Reading{Member: &me}, draft)
		} else {
			v, err = c.hub.ProposalFor(id, me.ID)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, v)
		}
		return c.printProposal(cmd, v)
	}
	return cmd
}

func (c *cli) printProposal(cmd *cobra.Command, v state.ProposalView) error {
	if v.Draft != 0 {
		out(cmd, "Draft %s: %s\n", propName(v), line(v.Title))
	} else {
		out(cmd, "Proposal %d: %s\n", v.ID, line(v.Title))
	}
	kind := v.Kind
	if a := actionText(v.Proposal, c.assetDecimals(v.Action.Asset)); a != "" {
		kind += " (" + a + ")"
	}
	out(cmd, "kind      %s\nmethod    %s\n", kind, v.Method)
	if len(v.Options) > 0 {
		opts := make([]string, len(v.Options))
		for i := range v.Options {
			opts[i] = fmt.Sprintf("%d. %s", i+1, option(v.Options, i))
		}
		out(cmd, "options   %s\n", strings.Join(opts, "  "))
	}
	out(cmd, "author    %s (member %d)\n", line(v.AuthorName), v.Author)
	switch v.State {
	case state.PropDraft:
		out(cmd, "state     draft: only you can see it, it is not in the community's log; `proposal open %s` starts the vote\n", propName(v))
	case state.PropActive:
		out(cmd, "state     active, voting until %s (%s left)\n", fmtTime(v.Deadline), timeLeft(v.Deadline, time.Now().UnixMilli()))
	default:
		out(cmd, "state     %s %s (deadline %s)\n", v.State, fmtTime(v.Closed), fmtTime(v.Deadline))
	}
	if v.State != state.PropDraft {
		out(cmd, "rules     %s\n", rulesText(v.Rules))
	}
	if strings.TrimSpace(v.Body) != "" {
		out(cmd, "\n")
		indented(cmd, "  ", v.Body)
	}
	out(cmd, "\n")
	if v.State != state.PropDraft && v.State != state.PropCancelled {
		if err := c.printTally(cmd, v); err != nil {
			return err
		}
	}
	if v.MyVote != nil {
		signed := ""
		if v.MyVote.Signed {
			signed = ", signed with your key"
		}
		out(cmd, "Your vote: %s (event %d%s; `receipt %d` shows its receipt)\n", state.BallotText(v.Method, v.Options, v.MyVote.Ballot()), v.MyVote.Seq, signed, v.ID)
	} else if v.State == state.PropActive {
		out(cmd, "You have not voted: `vote %d CHOICE`.\n", v.ID)
	}
	if len(v.Comments) == 0 {
		out(cmd, "No comments; add one with `proposal comment %d < text`.\n", v.ID)
		return nil
	}
	names := map[uint64]string{}
	if ms, err := c.hub.Members(); err == nil {
		for _, m := range ms {
			names[m.ID] = m.Name
		}
	}
	out(cmd, "Thread:\n")
	for _, cm := range v.Comments {
		who := names[cm.Author]
		if who == "" {
			who = "former member"
		}
		out(cmd, "  #%d %s (member %d), %s\n", cm.ID, line(who), cm.Author, fmtTime(cm.Time))
		indented(cmd, "    ", cm.Body)
	}
	return nil
}

func (c *cli) printTally(cmd *cobra.Command, v state.ProposalView) error {
	t := v.Tally
	quorum := "not met"
	if t.QuorumMet {
		quorum = "met"
	}
	out(cmd, "Count: %d of %d members take part (%d directly, %d by delegation); quorum %s %s.\n",
		t.Participants, t.Eligible, t.DirectVoters, t.Delegated, fmtPercent(t.QuorumBP), quorum)
	if t.Hidden {
		out(cmd, "  The counts are hidden until the proposal closes.\n")
		return nil
	}
	switch v.Method {
	case state.MethodYesNo:
		direct, err := c.directChoices(v.ID)
		if err != nil {
			return err
		}
		for _, ch := range []struct {
			name string
			n    int
		}{{tally.ChoiceYes, t.Yes}, {tally.ChoiceNo, t.No}, {tally.ChoiceAbstain, t.Abstain}} {
			d := direct[ch.name]
			out(cmd, "  %-8s %d (%d direct, %d delegated)\n", ch.name, ch.n, d, ch.n-d)
		}
		out(cmd, "  threshold %s of yes+no\n", fmtPercent(t.ThresholdBP))
	case state.MethodApproval, state.MethodScore:
		what := "approvals"
		if v.Method == state.MethodScore {
			what = "score"
		}
		for i, n := range t.Counts {
			out(cmd, "  %d. %-20s %d %s\n", i+1, option(v.Options, i), n, what)
		}
	case state.MethodRanked:
		for r, rd := range t.Rounds {
			parts := []string{}
			for i, n := range rd.Counts {
				parts = append(parts, fmt.Sprintf("%s %d", option(v.Options, i), n))
			}
			s := fmt.Sprintf("  round %d: %s", r+1, strings.Join(parts, ", "))
			if rd.Exhausted > 0 {
				s += fmt.Sprintf(" (exhausted %d)", rd.Exhausted)
			}
			if len(rd.Eliminated) > 0 {
				el := []string{}
				for _, i := range rd.Eliminated {
					el = append(el, option(v.Options, i))
				}
				s += "; eliminated " + strings.Join(el, ", ")
			}
			out(cmd, "%s\n", s)
		}
	}
	if v.Method != state.MethodYesNo && t.Winner >= 0 {
		out(cmd, "  leading: %s\n", option(v.Options, t.Winner))
	}
	switch {
	case v.State != state.PropActive:
		out(cmd, "Result: %s.\n", v.State)
	case t.Passing:
		out(cmd, "It would pass if it closed now.\n")
	default:
		out(cmd, "It would not pass if it closed now.\n")
	}
	return nil
}

// directChoices counts the direct yes/no/abstain votes of current members.
func (c *cli) directChoices(id uint64) (map[string]int, error) {
	n := map[string]int{}
	err := c.hub.View(func(r state.Reader) error {
		for _, v := range state.ListVotes(r, id) {
			if _, ok := state.GetMember(r, v.Member); ok {
				n[v.Choice]++
			}
		}
		return nil
	})
	return n, err
}

func (c *cli) proposalOpenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "open ID",
		Short: "Publish your draft ID (d1, or 1) as a proposal and start the vote; the new proposal's ID is printed last",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, ok := state.ParseDraftName(args[0])
			if !ok {
				id, err := parseID(cmd, "draft", args[0])
				if err != nil {
					return err
				}
				n = id
			}
			me := c.me()
			evs, err := c.submit(cmd, state.OpenDraft{N: n})
			if err != nil {
				return err
			}
			id := evs[0].Body.(*state.ProposalCreated).Proposal
			v, err := c.hub.ProposalFor(id, me.ID)
			if err != nil {
				return err
			}
			out(cmd, "Draft %s is now proposal %d, open for voting until %s.\n%d\n", state.DraftName(n), id, fmtTime(v.Deadline), id)
			return nil
		},
	}
}

func (c *cli) proposalCommentCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "comment ID < text",
		Short: "Add to a proposal's thread; the text is read from stdin",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "proposal", args[0])
			if err != nil {
				return err
			}
			text, err := readBounded(cmd.InOrStdin(), MaxStdin, "comment")
			if err != nil {
				return err
			}
			text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
			evs, err := c.submit(cmd, state.CommentOn{ID: id, Body: text})
			if err != nil {
				return err
			}
			out(cmd, "Comment %d added to proposal %d.\n", evs[0].Body.(*state.ProposalCommented).Comment, id)
			return nil
		},
	}
}

func (c *cli) proposalCancelCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cancel ID",
		Short: "Withdraw your active proposal, or delete your draft dN",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, draft, err := parseRef(cmd, args[0])
			if err != nil {
				return err
			}
			if draft != 0 {
				if _, err := c.submit(cmd, state.DeleteDraft{N: draft}); err != nil {
					return err
				}
				out(cmd, "Draft %s deleted.\n", state.DraftName(draft))
				return nil
			}
			if _, err := c.submit(cmd, state.CancelProposal{ID: id}); err != nil {
				return err
			}
			out(cmd, "Proposal %d cancelled.\n", id)
			return nil
		},
	}
}

func (c *cli) voteCmd() *cobra.Command {
	var sig string
	var printAct bool
	cmd := &cobra.Command{
		Use:         "vote ID CHOICE",
		Annotations: forMembers(),
		Short:       "Vote: yes|no|abstain, an option, a ranking b,a,c or scores 5,0,3 (a new vote replaces yours)",
		Long: "Vote: yes|no|abstain, an option, a ranking b,a,c or scores 5,0,3 (a new vote replaces yours).\n\n" +
			"To sign your vote with your own SSH key, so that nobody who runs the hub can forge it:\n" +
			"  ssh -A HOST vote ID CHOICE --sign                    with your forwarded agent, or\n" +
			"  ssh HOST vote ID CHOICE --print-act > act            the exact bytes to sign\n" +
			"  ssh-keygen -Y sign -n polis@ORIGIN -f KEY act        (or: polis sign -f KEY < act > act.sig)\n" +
			"  ssh HOST vote ID CHOICE --sig - < act.sig            cast it with the signature",
		Args: exactArgs("ID", "CHOICE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "proposal", args[0])
			if err != nil {
				return err
			}
			p, err := c.hub.Ballot(id)
			if err != nil {
				return err
			}
			if p.State != state.PropActive {
				return fmt.Errorf("proposal %d is %s: voting is closed", id, p.State)
			}
			b, err := tally.ParseBallot(p.Method, args[1], p.Options)
			if err != nil {
				return err
			}
			vote := state.CastVote{ID: id, Ballot: b}
			if printAct {
				return c.printAct(cmd, vote)
			}
			if vote.Sig, err = c.actSig(cmd, vote, sig); err != nil {
				return err
			}
			evs, err := c.submit(cmd, vote)
			if err != nil {
				return err
			}
			signed := ""
			if state.IsMemberSigned(evs[0].Body) {
				signed = ", signed with your key"
			}
			out(cmd, "Voted %s on proposal %d%s (event %d; receipt: ssh HOST receipt %d)\n",
				state.BallotText(p.Method, p.Options, b), id, signed, evs[0].Seq, id)
			return nil
		},
	}
	sigFlags(cmd, &sig, &printAct)
	return cmd
}

// parseRef reads a proposal ID ("3") or a draft's name ("d3"): one of the
// two results is 0.
func parseRef(cmd *cobra.Command, s string) (id, draft uint64, err error) {
	if n, ok := state.ParseDraftName(s); ok {
		return 0, n, nil
	}
	id, err = parseID(cmd, "proposal", s)
	return id, 0, err
}

// propName is how a list names a proposal: its ID, or a draft's "dN".
func propName(v state.ProposalView) string {
	if v.Draft != 0 {
		return state.DraftName(v.Draft)
	}
	return fmt.Sprint(v.ID)
}

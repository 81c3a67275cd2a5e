package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

func kindFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("kind", "", "one kind of proposal ("+strings.Join(state.Kinds, ", ")+"); default all kinds")
}

// memberName is a member's display name, for output only.
func (c *cli) memberName(id uint64) string {
	name := ""
	_ = c.hub.View(func(r state.Reader) error {
		if m, ok := state.GetMember(r, id); ok {
			name = m.Name
		}
		return nil
	})
	if name == "" {
		return fmt.Sprintf("member %d", id)
	}
	return fmt.Sprintf("%s (member %d)", line(name), id)
}

func (c *cli) delegateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "delegate MEMBER [--kind KIND] [--sign | --print-act | --sig -]",
		Annotations: forMembers(),
		Short:       "Give your vote to another member when you do not vote yourself",
		Args:        exactArgs("MEMBER"),
	}
	kind := kindFlag(cmd)
	var sig string
	var printAct bool
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		to, err := c.memberRef(cmd, args[0])
		if err != nil {
			return err
		}
		d := state.Delegate{To: to, Kind: *kind}
		if printAct {
			return c.printAct(cmd, d)
		}
		if d.Sig, err = c.actSig(cmd, d, sig); err != nil {
			return err
		}
		evs, err := c.submit(cmd, d)
		if err != nil {
			return err
		}
		k := evs[0].Body.(*state.DelegationSet).Kind
		signed := ""
		if state.IsMemberSigned(evs[0].Body) {
			signed = " (signed with your key)"
		}
		out(cmd, "Your vote on %s now goes to %s whenever you do not vote yourself%s.\n", kindText(k), c.memberName(to), signed)
		return nil
	}
	sigFlags(cmd, &sig, &printAct)
	return cmd
}

func (c *cli) undelegateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "undelegate [--kind KIND]",
		Annotations: forMembers(),
		Short:       "End your delegation (for all kinds, or one)",
		Args:        noArgs,
	}
	kind := kindFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		evs, err := c.submit(cmd, state.Undelegate{Kind: *kind})
		if err != nil {
			return err
		}
		out(cmd, "Your delegation for %s has ended.\n", kindText(evs[0].Body.(*state.DelegationRevoked).Kind))
		return nil
	}
	return cmd
}

func (c *cli) delegationsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "delegations",
		Annotations: forMembers(),
		Short:       "List your delegations and those to you",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		me := c.me()
		all, err := c.hub.Delegations()
		if err != nil {
			return err
		}
		var mine, toMe []state.DelegationEntry
		for _, d := range all {
			if d.From == me.ID {
				mine = append(mine, d)
			} else if d.To == me.ID {
				toMe = append(toMe, d)
			}
		}
		if *asJSON {
			return printJSON(cmd, append(append([]state.DelegationEntry{}, mine...), toMe...))
		}
		if len(mine) == 0 {
			out(cmd, "You vote for yourself on every kind (no delegation).\n")
		}
		for _, d := range mine {
			out(cmd, "You delegate %s to %s.\n", kindText(d.Kind), c.memberName(d.To))
		}
		if len(toMe) == 0 {
			out(cmd, "Nobody delegates to you.\n")
			return nil
		}
		out(cmd, "Delegated to you:\n")
		for _, d := range toMe {
			out(cmd, "  %s: %s\n", kindText(d.Kind), c.memberName(d.From))
		}
		return nil
	}
	return cmd
}

func (c *cli) receiptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "receipt PROPOSAL-ID | receipt --event SEQ",
		Annotations: forMembers(),
		Short:       "Show the receipt of your vote on a proposal (or of any event) with its inclusion proof",
	}
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 1 {
			return usage(cmd, "receipt takes one PROPOSAL-ID")
		}
		return nil
	}
	event := cmd.Flags().String("event", "", "an event number instead of a proposal")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if (len(args) == 1) == cmd.Flags().Changed("event") {
			return usage(cmd, "receipt needs a PROPOSAL-ID or --event SEQ")
		}
		me := c.me()
		var rc state.Receipt
		what, again := "", "receipt --event "+*event
		if len(args) == 1 {
			id, err := parseID(cmd, "proposal", args[0])
			if err != nil {
				return err
			}
			if rc, err = c.hub.VoteReceipt(id, me.ID); err != nil {
				return err
			}
			what, again = fmt.Sprintf("your vote on proposal %d, ", id), fmt.Sprintf("receipt %d", id)
		} else {
			seq, err := parseSeq(*event)
			if err != nil {
				return usage(cmd, "event number %q is not a whole number (events count from 0)", truncate(*event, 24))
			}
			if rc, err = c.hub.Receipt(seq); err != nil {
				return err
			}
		}
		if *asJSON {
			return printJSON(cmd, rc)
		}
		out(cmd, "Receipt for %sevent %d\nleaf   %s\nevent  %s\n%s\n", what, rc.Seq, rc.LeafHash, line(rc.Event), signedLine(rc))
		if !rc.Sealed {
			out(cmd, "Not sealed yet: no checkpoint covers this event; ask again shortly.\n")
			return nil
		}
		out(cmd, "Sealed: checkpoint of %d events, proof of %d hashes.\n", rc.TreeSize, len(rc.Proof))
		out(cmd, "Check it offline: save `%s --json`, take the verifier key from `chain key`, open the\n"+
			"checkpoint note with it, hash the event bytes and run the proof against the root (docs/events.md,\n"+
			"Receipts); or check the whole log with `chain export > log` and `polis verify --file log`.\n", again)
		return nil
	}
	return cmd
}

// signedLine says who vouches for an event: its member's own signature,
// or the hub alone.
func signedLine(rc state.Receipt) string {
	if rc.MemberSigned {
		return "signer the member's own key (SSHSIG; polis verify checks it)"
	}
	return "signer the hub alone (attested by the hub: no member signature)"
}

func (c *cli) rulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "rules",
		Annotations: forMembers(),
		Short:       "Show the rules each kind of proposal is decided by",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		list, err := c.hub.RulesInForce()
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, list)
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KIND\tPERIOD\tQUORUM\tTHRESHOLD\tCOUNTS")
		for _, k := range list {
			counts := "live"
			if k.Hidden {
				counts = "hidden until close"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Kind, fmtPeriod(k.PeriodMS), fmtPercent(k.QuorumBP), fmtPercent(k.ThresholdBP), counts)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		out(cmd, "\nFloors (no rules go below them): %s.\n", floorsText(list))
		for _, k := range list {
			if k.Scheduled != nil {
				out(cmd, "Scheduled: %s\n", c.changeText(*k.Scheduled, c.names()))
			}
		}
		return nil
	}
	cmd.AddCommand(c.rulesSetCmd())
	return cmd
}

func (c *cli) rulesSetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "set KIND [--period D] [--quorum PCT] [--threshold PCT] [--hidden] [--signed-votes] [--signed-cosigns]",
		Annotations: forRole(state.RoleSteward),
		Short:       "Change a kind's rules (stewards); unset values stay as they are",
		Args:        exactArgs("KIND"),
	}
	rf := addRulesFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if !rf.changed(cmd) {
			return usage(cmd, "rules set needs --period, --quorum, --threshold, --hidden, --signed-votes or --signed-cosigns")
		}
		k, err := c.rules(cmd, rf, args[0])
		if err != nil {
			return err
		}
		evs, err := c.submit(cmd, state.SetRules{Rules: k})
		if err != nil {
			return err
		}
		if ch, ok := scheduled(evs); ok {
			out(cmd, "Rules for %s will be %s from %s: a change that weakens them waits %d days, for every member to see (change %d).\n",
				kindText(k.Kind), rulesText(k), fmtTime(ch.Due), state.TimeLockMS/(24*3600*1000), ch.Change)
			return nil
		}
		out(cmd, "Rules for %s: %s. Proposals already open keep the rules they opened with.\n", kindText(k.Kind), rulesText(k))
		return nil
	}
	return cmd
}

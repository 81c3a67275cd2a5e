package cmd

// The treasury's controls (`treasury policy`): signatures per payout and
// restitution without a vote, and the changes to them waiting out their
// time lock.

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

func (c *cli) policyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy [--signers M] [--restitution-cap AMOUNT --asset CODE]",
		Short: "Show, or set (stewards), the treasury's controls: signatures per payout, restitution without a vote",
		Long: "Show, or set (stewards), the treasury's controls: how many treasurers sign a payout, and how much\n" +
			"restitution in an asset a moderator may order without a vote (more becomes a spend proposal).\n" +
			"A change that weakens them (fewer signers, a higher cap) takes effect only after a 7-day time\n" +
			"lock that every member sees here, in `treasury payouts` and in the app.",
		Args: noArgs,
	}
	f := cmd.Flags()
	signers := f.String("signers", "", "signatures a payout needs, 1 to 10")
	capAmount := f.String("restitution-cap", "", "restitution a moderator may order without a vote, in --asset")
	capAsset := f.String("asset", "", "the asset of --restitution-cap")
	asJSON := jsonFlag(cmd)
	flagsForRole(cmd, state.RoleSteward, "signers", "restitution-cap", "asset")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		setSigners, setCap := f.Changed("signers"), f.Changed("restitution-cap") || f.Changed("asset")
		switch {
		case setSigners && setCap:
			return usage(cmd, "set --signers or --restitution-cap, one at a time")
		case setSigners:
			return c.setSigners(cmd, *signers)
		case setCap:
			if *capAmount == "" || *capAsset == "" {
				return usage(cmd, "--restitution-cap needs AMOUNT and --asset CODE")
			}
			return c.setCap(cmd, *capAmount, *capAsset)
		}
		p, err := c.hub.Policy()
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, p)
		}
		out(cmd, "A payout needs %s.\n", signatures(p.Signers))
		out(cmd, "A new treasurer signs payouts from %d days after the role is granted; a payout to a steward is signed only by treasurers who are not stewards.\n", p.TreasurerWaitMS/(24*3600*1000))
		dec, err := c.decimals()
		if err != nil {
			return err
		}
		var caps []string
		for _, cp := range p.RestitutionCaps {
			caps = append(caps, capTextIn(cp, dec))
		}
		out(cmd, "Restitution a moderator may order without a vote: %s.\n", strings.Join(caps, ", "))
		names := c.names()
		for _, ch := range p.Scheduled {
			out(cmd, "Scheduled: %s\n", c.changeText(ch, names))
		}
		return nil
	}
	return cmd
}

func (c *cli) setSigners(cmd *cobra.Command, s string) error {
	n, err := parseSeq(s)
	if err != nil {
		return usage(cmd, "--signers %q is not a whole number from 1 to 10", truncate(s, 24))
	}
	evs, err := c.submit(cmd, state.SetPolicy{Signers: int(min(n, 1000))})
	if err != nil {
		return err
	}
	if ch, ok := scheduled(evs); ok {
		out(cmd, "Payouts created from %s on will need %s: fewer signers wait %d days, for every member to see (change %d).\n",
			fmtTime(ch.Due), signatures(int(n)), state.TimeLockMS/(24*3600*1000), ch.Change)
		return nil
	}
	out(cmd, "Payouts created from now on need %s; pending ones keep their count.\n", signatures(int(n)))
	return nil
}

func (c *cli) setCap(cmd *cobra.Command, amount, asset string) error {
	n, a, err := c.amount(amount, asset)
	if err != nil {
		return err
	}
	evs, err := c.submit(cmd, state.SetRestitutionCap{Asset: a.Code, Amount: n})
	if err != nil {
		return err
	}
	text := money.Format(n, a.Decimals) + " " + a.Code
	if ch, ok := scheduled(evs); ok {
		out(cmd, "From %s a moderator may order restitution up to %s without a vote: a higher cap waits %d days, for every member to see (change %d).\n",
			fmtTime(ch.Due), text, state.TimeLockMS/(24*3600*1000), ch.Change)
		return nil
	}
	out(cmd, "A moderator may order restitution up to %s without a vote; more becomes a spend proposal.\n", text)
	return nil
}

// capTextIn formats a restitution cap with its asset's decimals.
func capTextIn(cp state.RestitutionCap, dec map[string]int) string {
	if cp.Amount == 0 {
		return "none in " + cp.Asset
	}
	return money.Format(cp.Amount, dec[cp.Asset]) + " " + cp.Asset
}

// scheduledPolicy prints the changes to the treasury's controls that wait
// for their time, so that whoever reads the payouts sees them coming.
func (c *cli) scheduledPolicy(cmd *cobra.Command, names map[uint64]string) error {
	p, err := c.hub.Policy()
	if err != nil {
		return err
	}
	for _, ch := range p.Scheduled {
		out(cmd, "Scheduled: %s\n", c.changeText(ch, names))
	}
	return nil
}

// signatures is "1 treasurer signature" or "2 treasurer signatures".
func signatures(n int) string {
	return state.Plural(n, "treasurer signature", "treasurer signatures")
}

package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// Crowdfunded campaigns: `campaign new|list|show|pledge` (+ unpledge, tie).

type campaignJSON struct {
	state.Campaign
	Percent int            `json:"percent"`
	Pledges []state.Pledge `json:"pledges,omitempty"`
}

func (c *cli) campaignCmd() *cobra.Command {
	return group("campaign", "Crowdfund a space or a renovation: pledges become contributions if the goal is met", forMembers(),
		c.campaignNewCmd(), c.campaignListCmd(), c.campaignShowCmd(), c.campaignPledgeCmd(),
		c.campaignUnpledgeCmd(), c.campaignTieCmd())
}

func percent(c state.Campaign) int {
	if c.Goal <= 0 {
		return 0
	}
	return int(min(c.Pledged*100/c.Goal, 999))
}

func (c *cli) campaignNewCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new --title T --asset A --goal AMOUNT (--deadline DATE | --days N) [--funds TEXT]",
		Short: "Start a campaign",
		Long: "Start a campaign. It closes at the end of --deadline (a UTC date) or after --days;\n" +
			"if the pledges reach --goal by then, every pledge becomes a contribution to the\n" +
			"treasury, otherwise every pledge is released. --funds says what it pays for.",
		Args: noArgs,
	}
	f := cmd.Flags()
	title := f.String("title", "", "what the campaign is called")
	funds := f.String("funds", "", "what it pays for (a new space, a renovation)")
	asset := f.String("asset", "", "asset code, e.g. EUR")
	goal := f.String("goal", "", "amount to raise, e.g. 12000.00")
	deadline := f.String("deadline", "", "last day of the campaign, YYYY-MM-DD (UTC)")
	days := f.String("days", "", "or: how many days it runs")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *title == "" || *asset == "" || *goal == "" {
			return usage(cmd, "campaign new needs --title, --asset and --goal")
		}
		var end int64
		switch {
		case (*deadline == "") == (*days == ""):
			return usage(cmd, "campaign new needs either --deadline YYYY-MM-DD or --days N")
		case *deadline != "":
			d, err := parseDay(cmd, "deadline", *deadline)
			if err != nil {
				return err
			}
			end = d.Add(24 * time.Hour).UnixMilli()
		default:
			n, err := count(cmd, "days", *days, 1)
			if err != nil {
				return err
			}
			if n > state.MaxCampaignDays {
				return usage(cmd, "--days: a campaign runs at most %d days", state.MaxCampaignDays)
			}
			end = time.Now().Add(time.Duration(n) * 24 * time.Hour).UnixMilli()
		}
		n, a, err := c.amount(*goal, *asset)
		if err != nil {
			return err
		}
		evs, err := c.submit(cmd, state.NewCampaign{Title: *title, Funds: *funds, Asset: a.Code, Goal: n, Deadline: end})
		if err != nil {
			return err
		}
		id := evs[0].Body.(*state.CampaignCreated).Campaign
		if *asJSON {
			return printJSON(cmd, map[string]any{"id": id})
		}
		out(cmd, "Campaign %d open until %s: raising %s %s. Pledge with `campaign pledge %d AMOUNT`.\n",
			id, time.UnixMilli(end).UTC().Format("2006-01-02 15:04 UTC"), money.Format(n, a.Decimals), a.Code, id)
		return nil
	}
	return cmd
}

func (c *cli) campaignListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List campaigns with their progress",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cs, err := c.hub.Campaigns()
		if err != nil {
			return err
		}
		if *asJSON {
			out := make([]campaignJSON, 0, len(cs))
			for _, cp := range cs {
				out = append(out, campaignJSON{Campaign: cp, Percent: percent(cp)})
			}
			return printJSON(cmd, out)
		}
		if len(cs) == 0 {
			out(cmd, "No campaigns yet. Start one with `campaign new`.\n")
			return nil
		}
		dec, _ := c.decimals()
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTITLE\tPROGRESS\tPLEDGED\tGOAL\tSTATE\tDEADLINE")
		for _, cp := range cs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s %s\t%s\t%s\n", cp.ID, truncate(line(cp.Title), 40), bar(percent(cp), 10),
				money.Format(cp.Pledged, dec[cp.Asset]), money.Format(cp.Goal, dec[cp.Asset]), cp.Asset, cp.State,
				time.UnixMilli(cp.Deadline).UTC().Format("2006-01-02 15:04"))
		}
		return tw.Flush()
	}
	return cmd
}

// bar is a plain-text progress bar for pct percent.
func bar(pct, width int) string {
	full := min(pct, 100) * width / 100
	return "[" + strings.Repeat("#", full) + strings.Repeat(".", width-full) + fmt.Sprintf("] %3d%%", pct)
}

func (c *cli) campaignShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show a campaign and its pledges",
		Args:  exactArgs("ID"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "campaign", args[0])
		if err != nil {
			return err
		}
		cp, ps, err := c.hub.CampaignWithPledges(id)
		if err != nil {
			return err
		}
		if *asJSON {
			if ps == nil {
				ps = []state.Pledge{}
			}
			return printJSON(cmd, campaignJSON{Campaign: cp, Percent: percent(cp), Pledges: ps})
		}
		dec, _ := c.decimals()
		d := dec[cp.Asset]
		out(cmd, "Campaign %d: %s\n", cp.ID, line(cp.Title))
		if cp.Funds != "" {
			out(cmd, "Funds: %s\n", strings.TrimSpace(sanitize.Text(cp.Funds)))
		}
		out(cmd, "%s  %s of %s %s from %s\n", bar(percent(cp), 20), money.Format(cp.Pledged, d), money.Format(cp.Goal, d), cp.Asset, plural(cp.Pledgers, "member"))
		out(cmd, "State: %s; deadline %s\n", cp.State, time.UnixMilli(cp.Deadline).UTC().Format("2006-01-02 15:04 UTC"))
		if cp.Proposal != 0 {
			out(cmd, "Paid for space proposal %d\n", cp.Proposal)
		}
		names := c.memberNames()
		for _, p := range ps {
			entry := ""
			if p.Entry != 0 {
				entry = fmt.Sprintf("  (contribution, ledger entry %d)", p.Entry)
			}
			out(cmd, "  %-20s %s %s%s\n", truncate(line(names[p.Member]), 20), money.Format(p.Amount, d), cp.Asset, entry)
		}
		return nil
	}
	return cmd
}

// memberNames maps member IDs to display names.
func (c *cli) memberNames() map[uint64]string {
	ms, _ := c.hub.Members()
	names := make(map[uint64]string, len(ms))
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	return names
}

func (c *cli) campaignPledgeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pledge ID AMOUNT",
		Short: "Pledge to a campaign (adds to your pledge; paid only if the goal is met)",
		Args:  exactArgs("ID", "AMOUNT"),
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "campaign", args[0])
		if err != nil {
			return err
		}
		cp, _, err := c.hub.CampaignWithPledges(id)
		if err != nil {
			return err
		}
		n, a, err := c.amount(args[1], cp.Asset)
		if err != nil {
			return err
		}
		if _, err := c.submit(cmd, state.PledgeTo{Campaign: id, Amount: n}); err != nil {
			return err
		}
		cp, _, _ = c.hub.CampaignWithPledges(id)
		out(cmd, "Pledged %s %s to campaign %d: %s\n", money.Format(n, a.Decimals), a.Code, id, bar(percent(cp), 20))
		return nil
	}
	return cmd
}

func (c *cli) campaignUnpledgeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "unpledge ID",
		Short: "Withdraw your pledge while the campaign is open",
		Args:  exactArgs("ID"),
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "campaign", args[0])
		if err != nil {
			return err
		}
		if _, err := c.submit(cmd, state.Unpledge{Campaign: id}); err != nil {
			return err
		}
		out(cmd, "Your pledge to campaign %d is withdrawn.\n", id)
		return nil
	}
	return cmd
}

func (c *cli) campaignTieCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tie ID --proposal P",
		Short: "Record which passed space proposal a succeeded campaign paid for",
		Args:  exactArgs("ID"),
	}
	prop := cmd.Flags().String("proposal", "", "the passed space proposal")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "campaign", args[0])
		if err != nil {
			return err
		}
		if *prop == "" {
			return usage(cmd, "campaign tie needs --proposal P")
		}
		p, err := parseID(cmd, "proposal", *prop)
		if err != nil {
			return err
		}
		if _, err := c.submit(cmd, state.TieCampaign{Campaign: id, Proposal: p}); err != nil {
			return err
		}
		out(cmd, "Campaign %d is tied to space proposal %d.\n", id, p)
		return nil
	}
	return cmd
}

func plural(n int, word string) string { return state.Plural(n, word, word+"s") }

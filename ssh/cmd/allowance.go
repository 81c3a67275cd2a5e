package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

func (c *cli) allowanceCmd() *cobra.Command {
	return group("allowance", "Budgets a passed spend proposal grants per week or month", nil,
		c.allowanceListCmd(), c.allowanceSpendCmd())
}

func (c *cli) allowanceListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List allowances with what is left this period",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		as, err := c.hub.Allowances()
		if err != nil {
			return err
		}
		if *asJSON {
			if as == nil {
				as = []state.Allowance{}
			}
			return printJSON(cmd, as)
		}
		if len(as) == 0 {
			out(cmd, "No allowances. A spend proposal with --every week|month grants one.\n")
			return nil
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tFOR\tPER\tAMOUNT\tLEFT\tSINCE")
		for _, a := range as {
			asset, _ := c.asset(a.Asset)
			who := "role " + a.Role
			if a.Member != 0 {
				who = c.memberName(a.Member)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s\t%s\n", a.ID, line(who), a.Period,
				money.Format(a.Amount, asset.Decimals), a.Asset, money.Format(a.Amount-a.Spent, asset.Decimals), state.Day(a.PeriodStart))
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) allowanceSpendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spend ALLOWANCE-ID AMOUNT [--memo M]",
		Short: "Pay yourself from an allowance you hold; prints the ledger entry alone on the last line",
		Args:  exactArgs("ALLOWANCE-ID", "AMOUNT"),
	}
	memo := cmd.Flags().String("memo", "", "what it was for (put it last)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "allowance", args[0])
		if err != nil {
			return err
		}
		var al state.Allowance
		var found bool
		_ = c.hub.View(func(r state.Reader) error { al, found = state.GetAllowance(r, id); return nil })
		if !found {
			return fmt.Errorf("not found: no allowance %d", id)
		}
		n, a, err := c.amount(args[1], al.Asset)
		if err != nil {
			return err
		}
		evs, err := c.submit(cmd, state.SpendAllowance{ID: id, Amount: n, Memo: *memo})
		if err != nil {
			return err
		}
		spent := evs[len(evs)-1]
		e := spent.Body.(*state.AllowanceSpent).Entry
		out(cmd, "Paid %s %s from allowance %d (event %d); the treasury now holds %s.\n%d\n",
			money.Format(n, a.Decimals), a.Code, id, spent.Seq, c.balanceOf(a), e)
		return nil
	}
	return cmd
}

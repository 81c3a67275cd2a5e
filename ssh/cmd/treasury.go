package cmd

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

const dateLayout = "2006-01-02"

func (c *cli) treasuryCmd() *cobra.Command {
	asset := group("asset", "Manage the assets the treasury holds (stewards)", forRole(state.RoleSteward), c.assetAddCmd())
	return group("treasury", "Contribute, read the ledger and co-sign payouts (members only)", forMembers(),
		c.contributeCmd(), c.balanceCmd(), c.ledgerCmd(), c.payoutsCmd(), c.signCmd(),
		c.reverseCmd(), asset, c.policyCmd(), c.allowanceCmd())
}

// asset looks code up among the hub's assets; lower case is accepted.
func (c *cli) asset(code string) (state.Asset, error) {
	as, err := c.hub.Assets()
	if err != nil {
		return state.Asset{}, err
	}
	codes := make([]string, len(as))
	for i, a := range as {
		if strings.EqualFold(a.Code, code) {
			return a, nil
		}
		codes[i] = a.Code
	}
	return state.Asset{}, fmt.Errorf("unknown asset %q (assets: %s)", truncate(code, 24), strings.Join(codes, ", "))
}

// amount parses s in asset's minor units.
func (c *cli) amount(s, code string) (int64, state.Asset, error) {
	a, err := c.asset(code)
	if err != nil {
		return 0, a, err
	}
	if strings.HasPrefix(s, "-") {
		return 0, a, fmt.Errorf("amount %q is negative: it must be more than zero", truncate(s, 24))
	}
	n, err := money.Parse(s, a.Decimals)
	return n, a, err
}

// decimals maps each asset to its decimals, for formatting amounts.
func (c *cli) decimals() (map[string]int, error) {
	as, err := c.hub.Assets()
	d := map[string]int{}
	for _, a := range as {
		d[a.Code] = a.Decimals
	}
	return d, err
}

func (c *cli) balanceOf(a state.Asset) string {
	var n int64
	_ = c.hub.View(func(r state.Reader) error { n = state.Balance(r, a.Code); return nil })
	return money.Format(n, a.Decimals) + " " + a.Code
}

// names maps member IDs to display names, for output only.
func (c *cli) names() map[uint64]string {
	names := map[uint64]string{}
	if ms, err := c.hub.Members(); err == nil {
		for _, m := range ms {
			names[m.ID] = m.Name
		}
	}
	return names
}

func nameText(names map[uint64]string, id uint64) string {
	if n := names[id]; n != "" {
		return fmt.Sprintf("%s (member %d)", line(n), id)
	}
	return fmt.Sprintf("former member %d", id)
}

// negativeAmount answers `contribute -5 USD`, which the flag parser takes
// for a flag, with the amount error.
func negativeAmount(cmd *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if errors.As(err, &ne) && ne.GetSpecifiedShortnames() != "" && strings.IndexByte("0123456789.", ne.GetSpecifiedShortnames()[0]) >= 0 {
		return fmt.Errorf("amount \"-%s\" is negative: it must be more than zero", truncate(ne.GetSpecifiedShortnames(), 24))
	}
	return usageError{cmd: helpPath(cmd), err: err}
}

func (c *cli) contributeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contribute AMOUNT ASSET [--memo M]",
		Short: "Record money you put in, like 250.00 USD; prints the new balance and the entry ID alone on the last line",
		Args:  exactArgs("AMOUNT", "ASSET"),
	}
	cmd.SetFlagErrorFunc(negativeAmount)
	memo := cmd.Flags().String("memo", "", "what it is for (put it last)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		n, a, err := c.amount(args[0], args[1])
		if err != nil {
			return err
		}
		evs, err := c.submit(cmd, state.Contribute{Asset: a.Code, Amount: n, Memo: *memo})
		if err != nil {
			return err
		}
		id := evs[0].Body.(*state.Contributed).Entry
		out(cmd, "Contribution %d: %s %s recorded (event %d); the treasury now holds %s.\n%d\n",
			id, money.Format(n, a.Decimals), a.Code, evs[0].Seq, c.balanceOf(a), id)
		return nil
	}
	return cmd
}

// BalanceJSON is one asset in `treasury balance --json`.
type BalanceJSON struct {
	Asset    string `json:"asset"`
	Decimals int    `json:"decimals"`
	Balance  int64  `json:"balance"` // minor units
	Amount   string `json:"amount"`  // formatted
}

func (c *cli) balanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "balance",
		Short: "Show what the treasury holds of each asset",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		bs, err := c.hub.Balances()
		if err != nil {
			return err
		}
		list := make([]BalanceJSON, 0, len(bs))
		for _, b := range bs {
			list = append(list, BalanceJSON{b.Asset, b.Decimals, b.Balance, money.Format(b.Balance, b.Decimals)})
		}
		if *asJSON {
			return printJSON(cmd, list)
		}
		// Codes to the left, amounts to the right so their points line up.
		wa, wb := len("ASSET"), len("BALANCE")
		for _, b := range list {
			wa, wb = max(wa, len(b.Asset)), max(wb, len(b.Amount))
		}
		out(cmd, "%-*s  %*s\n", wa, "ASSET", wb, "BALANCE")
		for _, b := range list {
			out(cmd, "%-*s  %*s\n", wa, b.Asset, wb, b.Amount)
		}
		return nil
	}
	return cmd
}

// parseDay reads a YYYY-MM-DD date as the UTC midnight that starts it.
func parseDay(cmd *cobra.Command, flag, s string) (time.Time, error) {
	d, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) || d.Year() < 1970 {
		return d, usage(cmd, "--%s %q is not a date like 2025-06-30 (YYYY-MM-DD, UTC, from 1970)", flag, truncate(s, 24))
	}
	return d, nil
}

func (c *cli) ledgerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "ledger [--json|--csv] [--from DATE] [--to DATE] [--limit N]",
		// Text and CSV show each entry's effect on the treasury: money out
		// (payouts, allowances, reversals) is negative. JSON keeps the
		// entry's positive amount and its signed lines.
		Short: "List the ledger: every entry in the range unless --limit keeps only the last N",
		Long: "List the ledger: every entry in the range unless --limit keeps only the last N.\n" +
			"Dates are YYYY-MM-DD in UTC; --to includes that whole day. --csv writes RFC 4180 CSV\n" +
			"(id,time,kind,member,asset,amount,memo,reverses,payout,event) with amounts in major units.",
		Args: noArgs,
	}
	f := cmd.Flags()
	asJSON := jsonFlag(cmd)
	asCSV := f.Bool("csv", false, "print CSV")
	from := f.String("from", "", "first day, YYYY-MM-DD (UTC)")
	to := f.String("to", "", "last day, YYYY-MM-DD (UTC), included")
	limit := f.String("limit", "", "only the last N entries of the range")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *asJSON && *asCSV {
			return usage(cmd, "choose --json or --csv, not both")
		}
		var fromMS, toMS int64
		var fromDay time.Time
		var err error
		if f.Changed("from") {
			if fromDay, err = parseDay(cmd, "from", *from); err != nil {
				return err
			}
			fromMS = fromDay.UnixMilli()
		}
		if f.Changed("to") {
			toDay, err := parseDay(cmd, "to", *to)
			if err != nil {
				return err
			}
			if f.Changed("from") && toDay.Before(fromDay) {
				return usage(cmd, "--to %s is before --from %s", *to, *from)
			}
			toMS = toDay.AddDate(0, 0, 1).UnixMilli()
		}
		n := uint64(0)
		if f.Changed("limit") {
			if n, err = parseSeq(*limit); err != nil || n == 0 {
				return usage(cmd, "--limit %q is not a whole number from 1", truncate(*limit, 24))
			}
		}
		es, err := c.hub.Ledger(fromMS, toMS)
		if err != nil {
			return err
		}
		if n > 0 && uint64(len(es)) > n {
			es = es[uint64(len(es))-n:]
		}
		dec, err := c.decimals()
		if err != nil {
			return err
		}
		switch {
		case *asJSON:
			if es == nil {
				es = []state.Entry{}
			}
			return printJSON(cmd, es)
		case *asCSV:
			return ledgerCSV(cmd, es, dec)
		}
		if len(es) == 0 {
			out(cmd, "No ledger entries.\n")
			return nil
		}
		names := c.names()
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTIME\tKIND\tMEMBER\tAMOUNT\tMEMO\tEVENT")
		for _, e := range es {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s %s\t%s\t%d\n", e.ID, fmtTime(e.Time), entryKind(e),
				nameText(names, e.Member), money.Format(e.TreasuryDelta(), dec[e.Asset]), e.Asset, line(e.Memo), e.Seq)
		}
		return tw.Flush()
	}
	return cmd
}

func entryKind(e state.Entry) string {
	switch {
	case e.Reverses != 0:
		return fmt.Sprintf("%s of %d", e.Kind, e.Reverses)
	case e.Payout != 0:
		return fmt.Sprintf("%s %d", e.Kind, e.Payout)
	}
	return e.Kind
}

// csvText makes member text safe for a spreadsheet: one line, no control
// characters, and no leading character that would make it a formula.
func csvText(s string) string {
	s = line(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}

func ledgerCSV(cmd *cobra.Command, es []state.Entry, dec map[string]int) error {
	w := csv.NewWriter(cmd.OutOrStdout())
	_ = w.Write([]string{"id", "time", "kind", "member", "asset", "amount", "memo", "reverses", "payout", "event"})
	opt := func(n uint64) string {
		if n == 0 {
			return ""
		}
		return idText(n)
	}
	for _, e := range es {
		_ = w.Write([]string{idText(e.ID), time.UnixMilli(e.Time).UTC().Format(time.RFC3339), e.Kind, idText(e.Member),
			e.Asset, money.Format(e.TreasuryDelta(), dec[e.Asset]), csvText(e.Memo), opt(e.Reverses), opt(e.Payout), idText(e.Seq)})
	}
	w.Flush()
	return w.Error()
}

func (c *cli) payoutsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "payouts",
		Short: "List payout orders from passed spend proposals and their signatures",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ps, err := c.hub.Payouts()
		if err != nil {
			return err
		}
		if *asJSON {
			if ps == nil {
				ps = []state.Payout{}
			}
			return printJSON(cmd, ps)
		}
		names := c.names()
		if len(ps) == 0 {
			out(cmd, "No payouts.\n")
			return c.scheduledPolicy(cmd, names)
		}
		dec, err := c.decimals()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPROPOSAL\tTO\tAMOUNT\tSIGNED\tSTATUS\tMEMO")
		for _, p := range ps {
			st := p.Status
			if p.Entry != 0 {
				st += fmt.Sprintf(" (entry %d)", p.Entry)
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s %s\t%d/%d\t%s\t%s\n", p.ID, p.Proposal, nameText(names, p.To),
				money.Format(p.Amount, dec[p.Asset]), p.Asset, len(p.Signers), p.Needed, st, line(p.Memo))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		return c.scheduledPolicy(cmd, names)
	}
	return cmd
}

func (c *cli) signCmd() *cobra.Command {
	var sig string
	var printAct bool
	cmd := &cobra.Command{
		Use:         "sign PAYOUT-ID [--print-act | --sig -]",
		Annotations: forRole(state.RoleTreasurer),
		Short:       "Co-sign a payout (treasurers other than its proposer); the last signature needed pays it",
		Args:        exactArgs("PAYOUT-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "payout", args[0])
			if err != nil {
				return err
			}
			sp := state.SignPayout{ID: id}
			if printAct {
				return c.printAct(cmd, sp)
			}
			if sp.Sig, err = c.actSig(cmd, sp, sig); err != nil {
				return err
			}
			evs, err := c.submit(cmd, sp)
			if err != nil {
				return err
			}
			if state.IsMemberSigned(evs[0].Body) {
				out(cmd, "Your signature is your own SSH key's (SSHSIG), not only the hub's word.\n")
			}
			var p state.Payout
			var a state.Asset
			_ = c.hub.View(func(r state.Reader) error {
				p, _ = state.GetPayout(r, id)
				a, _ = state.GetAsset(r, p.Asset)
				return nil
			})
			if e := evs[0].Body.(*state.PayoutSigned).Entry; e != 0 {
				out(cmd, "Payout %d is paid: %s %s to %s, ledger entry %d (event %d); the treasury now holds %s.\n",
					id, money.Format(p.Amount, a.Decimals), p.Asset, c.memberName(p.To), e, evs[0].Seq, c.balanceOf(a))
				return nil
			}
			out(cmd, "You signed payout %d (event %d); it has %d of %d signatures.\n", id, evs[0].Seq, len(p.Signers), p.Needed)
			return nil
		},
	}
	sigFlags(cmd, &sig, &printAct)
	return cmd
}

func (c *cli) reverseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "reverse ENTRY-ID [--memo M]",
		Annotations: forRole(state.RoleTreasurer),
		Short:       "Reverse a contribution that never arrived (treasurers); prints the new entry ID alone on the last line",
		Args:        exactArgs("ENTRY-ID"),
	}
	memo := cmd.Flags().String("memo", "", "why (put it last)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "entry", args[0])
		if err != nil {
			return err
		}
		evs, err := c.submit(cmd, state.ReverseContribution{Entry: id, Memo: *memo})
		if err != nil {
			return err
		}
		var e state.Entry
		var a state.Asset
		_ = c.hub.View(func(r state.Reader) error {
			e, _ = state.GetEntry(r, id)
			a, _ = state.GetAsset(r, e.Asset)
			return nil
		})
		n := evs[0].Body.(*state.ContributionReversed).Entry
		out(cmd, "Entry %d reverses contribution %d (%s %s from %s; event %d); the treasury now holds %s.\n%d\n",
			n, id, money.Format(e.Amount, a.Decimals), e.Asset, c.memberName(e.Member), evs[0].Seq, c.balanceOf(a), n)
		return nil
	}
	return cmd
}

func (c *cli) assetAddCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add CODE --decimals N",
		Short: "Add an asset, like GBP with 2 decimals (stewards)",
		Args:  exactArgs("CODE"),
	}
	dec := cmd.Flags().String("decimals", "", "digits after the point, 0 to 18")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		n, err := parseSeq(*dec)
		if err != nil {
			return usage(cmd, "asset add needs --decimals N (a whole number from 0 to 18)")
		}
		if _, err := c.submit(cmd, state.AddAsset{Code: args[0], Decimals: int(min(n, 1000))}); err != nil {
			return err
		}
		out(cmd, "Asset %s added with %d decimals.\n", args[0], n)
		return nil
	}
	return cmd
}

// assetDecimals is code's decimals, 0 if there is no such asset.
func (c *cli) assetDecimals(code string) int {
	d, _ := c.decimals()
	return d[code]
}

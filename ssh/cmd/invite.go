package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

const maxInviteLife = 366 * 24 * time.Hour

// parseLife reads an invite lifetime: a Go duration ("72h"), whole days
// ("7d"), or "0" for never.
func parseLife(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := parseSeq(days)
		if err != nil || n == 0 || n > 366 {
			return 0, fmt.Errorf("expiry %q is not a number of days from 1 to 366", truncate(s, 24))
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("expiry %q is not a duration like 72h or 7d, or 0 for never", truncate(s, 24))
		}
	}
	if d <= 0 || d > maxInviteLife {
		return 0, fmt.Errorf("expiry must be between 1s and 366d, or 0 for never")
	}
	return d, nil
}

func (c *cli) inviteCmd() *cobra.Command {
	return group("invite", "Create, list and revoke invite codes", forMembers(),
		c.inviteCreateCmd(), c.inviteListCmd(), c.inviteRevokeCmd())
}

func (c *cli) inviteCreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "create [--uses N] [--expires DURATION]",
		Annotations: forRole(state.RoleSteward),
		Short:       "Create an invite code (the code is printed alone on the last line)",
		Args:        noArgs,
	}
	uses := cmd.Flags().Int64("uses", 1, "how many people may redeem it; 0 for unlimited")
	life := cmd.Flags().String("expires", "7d", "how long it stays valid (72h, 7d); 0 for never")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		d, err := parseLife(*life)
		if err != nil {
			return usage(cmd, "%v", err)
		}
		var exp time.Time
		if d > 0 {
			exp = time.Now().Add(d)
		}
		code, inv, err := c.hub.CreateInviteCode(cmd.Context(), c.who.Actor(), *uses, exp)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, map[string]any{"id": inv.ID, "code": code, "uses": inv.Uses, "expires": inv.Expires})
		}
		out(cmd, "Invite %d: %s, %s.\n", inv.ID, usesText(inv.Uses), expiresText(inv.Expires))
		out(cmd, "Share this code; it is shown only once:\n%s\n", code)
		return nil
	}
	return cmd
}

func usesText(n int64) string {
	switch n {
	case 0:
		return "unlimited uses"
	case 1:
		return "single use"
	}
	return strconv.FormatInt(n, 10) + " uses"
}

func expiresText(ms int64) string {
	if ms == 0 {
		return "never expires"
	}
	return "expires " + time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC")
}

func inviteStatus(inv state.Invite, now int64) string {
	switch {
	case inv.Revoked:
		return "revoked"
	case inv.Expires != 0 && now >= inv.Expires:
		return "expired"
	case inv.Uses != 0 && inv.Used >= inv.Uses:
		return "used up"
	}
	return "active"
}

func (c *cli) inviteListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List invites (members only)",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		invs, err := c.hub.Invites()
		if err != nil {
			return err
		}
		if *asJSON {
			if invs == nil {
				invs = []state.Invite{}
			}
			return printJSON(cmd, invs)
		}
		if len(invs) == 0 {
			out(cmd, "No invites.\n")
			return nil
		}
		now := time.Now().UnixMilli()
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tUSED\tEXPIRES\tBY")
		for _, inv := range invs {
			by := "hub"
			if inv.By != 0 {
				by = "member " + strconv.FormatUint(inv.By, 10)
			}
			limit := "unlimited"
			if inv.Uses != 0 {
				limit = strconv.FormatInt(inv.Uses, 10)
			}
			exp := "never"
			if inv.Expires != 0 {
				exp = time.UnixMilli(inv.Expires).UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%s\t%d/%s\t%s\t%s\n", inv.ID, inviteStatus(inv, now), inv.Used, limit, exp, by)
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) inviteRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "revoke ID",
		Annotations: forRole(state.RoleSteward),
		Short:       "Revoke an invite",
		Args:        exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "invite", args[0])
			if err != nil {
				return err
			}
			if _, err := c.submit(cmd, state.RevokeInvite{ID: id}); err != nil {
				return err
			}
			out(cmd, "Invite %d revoked.\n", id)
			return nil
		},
	}
}

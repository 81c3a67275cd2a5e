package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
)

type keyJSON struct {
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
	Key         string `json:"key"`
}

// WhoamiJSON is `whoami --json` for a member (and `join --json`).
type WhoamiJSON struct {
	ID    uint64    `json:"id"`
	Name  string    `json:"name"`
	Roles []string  `json:"roles"`
	Keys  []keyJSON `json:"keys"`
}

type visitorJSON struct {
	Visitor     bool   `json:"visitor"`
	Fingerprint string `json:"fingerprint"`
}

func whoamiOf(m state.Member) WhoamiJSON {
	w := WhoamiJSON{ID: m.ID, Name: m.Name, Roles: m.Roles, Keys: []keyJSON{}}
	if w.Roles == nil {
		w.Roles = []string{}
	}
	for _, k := range m.Keys {
		w.Keys = append(w.Keys, keyJSON{Fingerprint: k.Fingerprint, Name: k.Name, Key: k.Key})
	}
	return w
}

func (c *cli) whoamiCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "whoami",
		Annotations: forReaders(state.ReadSelf),
		Short:       "Show which member this key belongs to",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if c.rd.Member == nil {
			if *asJSON {
				return printJSON(cmd, visitorJSON{Visitor: true, Fingerprint: c.who.Fingerprint})
			}
			out(cmd, "You are a visitor: key %s is not a member's.\n", c.who.Fingerprint)
			out(cmd, "To join, redeem an invite code with `join CODE --name NAME`,\n")
			out(cmd, "or ask to join with `apply --name NAME` (your application text on stdin).\n")
			out(cmd, "If a member offered this key with `keys add`, confirm it with `keys confirm CODE`.\n")
			return nil
		}
		m := *c.rd.Member
		if *asJSON {
			return printJSON(cmd, whoamiOf(m))
		}
		out(cmd, "member %d: %s\nroles: %s\nkeys:\n", m.ID, line(m.Name), roleList(m.Roles))
		printKeys(cmd, m, c.who.Fingerprint)
		return nil
	}
	return cmd
}

func printKeys(cmd *cobra.Command, m state.Member, current string) {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	for _, k := range m.Keys {
		mark := ""
		if k.Fingerprint == current {
			mark = "(this key)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.Fingerprint, line(k.Name), mark)
	}
	tw.Flush()
}

func (c *cli) censusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "census",
		Annotations: forReaders(state.ReadCensus),
		Short:       "Show the public census of the community",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cs, err := c.hub.Census(c.rd.Member != nil)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, cs)
		}
		out(cmd, "%s: %s, %s\n", line(cs.Hub), state.Plural(cs.Count, "member", "members"), state.Plural(int(cs.Events), "event", "events"))
		if len(cs.Treasury) > 0 {
			out(cmd, "treasury: %s\n", balances(cs.Treasury))
		}
		if cs.Charter > 0 {
			out(cmd, "charter: version %d (`charter` to read it)\n", cs.Charter)
		}
		printCensusFigures(cmd, cs.At)
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		for _, m := range cs.Members {
			fmt.Fprintf(tw, "  %d\t%s\tjoined %s\n", m.ID, line(m.Name), m.Joined)
		}
		if cs.Unlisted > 0 {
			fmt.Fprintf(tw, "  and %s\n", state.Plural(cs.Unlisted, "member who is not listed publicly", "members who are not listed publicly"))
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) joinCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "join CODE --name NAME [--consent]",
		Annotations: forReaders(state.ReadSelf),
		Short:       "Redeem an invite code and become a member",
		Args:        exactArgs("CODE"),
	}
	name := cmd.Flags().String("name", "", "your name in the community")
	consent := consentFlag(cmd)
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *name == "" {
			return usage(cmd, "join needs --name NAME")
		}
		v, err := c.consentVersion(*consent)
		if err != nil {
			return err
		}
		evs, err := c.submit(cmd, state.Join{CodeHash: state.HashCode(args[0]), Name: *name, Consent: v})
		if err != nil {
			return err
		}
		m, err := c.hub.JoinedMember(evs)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, whoamiOf(m))
		}
		hub, _ := c.hub.Info()
		out(cmd, "Welcome to %s, %s! You are member %d (roles: %s).\n", line(hub.Name), line(m.Name), m.ID, roleList(m.Roles))
		out(cmd, "Log in with a terminal for the app, or run `help` for commands.\n")
		return nil
	}
	return cmd
}

func (c *cli) applyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "apply --name NAME [--consent] < application.txt",
		Annotations: forReaders(state.ReadSelf),
		Short:       "Ask to join; your application text is read from stdin (members can read it, with your name and key)",
		Args:        noArgs,
	}
	name := cmd.Flags().String("name", "", "your name in the community")
	consent := consentFlag(cmd)
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *name == "" {
			return usage(cmd, "apply needs --name NAME")
		}
		v, err := c.consentVersion(*consent)
		if err != nil {
			return err
		}
		text, err := readBounded(cmd.InOrStdin(), MaxStdin, "application text")
		if err != nil {
			return err
		}
		text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		evs, err := c.submit(cmd, state.ApplyToJoin{Name: *name, Text: text, Consent: v})
		if err != nil {
			return err
		}
		id := evs[0].Body.(*state.ApplicationSubmitted).Application
		if *asJSON {
			return printJSON(cmd, map[string]any{"id": id, "status": state.AppPending})
		}
		out(cmd, "Application %d submitted. A steward will review it; `whoami` shows when this key is a member's.\n", id)
		return nil
	}
	return cmd
}

func (c *cli) applicationsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "applications [--all] [--limit N] [--after ID] [--json]",
		Annotations: forRole(state.RoleSteward),
		Short:       "List applications to join, a page at a time (stewards)",
		Long: "List applications to join (stewards): those waiting for a decision, or with --all\n" +
			"every one ever made, oldest first, a page of --limit at a time (default 50, at most 500).\n" +
			"When there are more, the last line says how to read the next page (--after ID).",
		Args: noArgs,
	}
	f := cmd.Flags()
	all := f.Bool("all", false, "include decided applications")
	limit := f.String("limit", "", "at most N applications (1 to 500, default 50)")
	after := f.String("after", "", "only applications with an ID above this one (the next page)")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		q := state.ApplicationQuery{All: *all}
		if f.Changed("limit") {
			n, err := parseSeq(*limit)
			if err != nil || n == 0 || n > state.MaxApplicationPage {
				return usage(cmd, "--limit %q is not a whole number from 1 to %d", truncate(*limit, 24), state.MaxApplicationPage)
			}
			q.Limit = int(n)
		}
		if f.Changed("after") {
			n, err := parseSeq(*after)
			if err != nil {
				return usage(cmd, "--after %q is not an application ID", truncate(*after, 24))
			}
			q.After = n
		}
		page, err := c.hub.ApplicationsFor(c.who.Actor(), q)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, page.Applications)
		}
		if len(page.Applications) == 0 {
			out(cmd, "No applications.\n")
			return nil
		}
		for _, a := range page.Applications {
			out(cmd, "%d  %-8s  %s  %s  %s\n", a.ID, a.Status, state.Day(a.Submitted), line(a.Name), a.Fingerprint)
			for _, l := range strings.Split(sanitize.Text(a.Text), "\n") {
				if l != "" {
					out(cmd, "    %s\n", l)
				}
			}
		}
		if page.Next != 0 {
			more := ""
			if *all {
				more += " --all"
			}
			if q.Limit != 0 {
				more += fmt.Sprintf(" --limit %d", q.Limit)
			}
			out(cmd, "More: applications%s --after %d\n", more, page.Next)
		}
		return nil
	}
	return cmd
}

func (c *cli) decideCmd(verb string, approve bool) *cobra.Command {
	return &cobra.Command{
		Use:         verb + " ID",
		Annotations: forRole(state.RoleSteward),
		Short:       strings.ToUpper(verb[:1]) + verb[1:] + " a pending application",
		Args:        exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "application", args[0])
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.DecideApplication{ID: id, Approve: approve})
			if err != nil {
				return err
			}
			if !approve {
				out(cmd, "Application %d rejected.\n", id)
				return nil
			}
			m, err := c.hub.JoinedMember(evs)
			if err != nil {
				return err
			}
			out(cmd, "Application %d approved: %s is member %d.\n", id, line(m.Name), m.ID)
			return nil
		},
	}
}

type memberJSON struct {
	ID      uint64   `json:"id"`
	Name    string   `json:"name"`
	Roles   []string `json:"roles"`
	Joined  string   `json:"joined"`
	Consent int      `json:"consent"`           // charter version consented to, 0 for none
	Country string   `json:"country,omitempty"` // self-declared
	Left    string   `json:"left,omitempty"`    // YYYY-MM-DD, only with --all
}

func (c *cli) membersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "members [--all] [--json]",
		Annotations: forMembers(),
		Short:       "List members, their roles and charter consent (members only)",
		Args:        noArgs,
	}
	all := cmd.Flags().Bool("all", false, "include former members (left or expelled)")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ms, err := c.hub.Members()
		if err != nil {
			return err
		}
		charter, _, _ := c.hub.Charter(0)
		list := []memberJSON{}
		for _, m := range ms {
			if m.Gone() && !*all {
				continue
			}
			j := memberJSON{ID: m.ID, Name: m.Name, Roles: m.Roles, Joined: state.Day(m.Joined), Consent: m.Consent, Country: m.Country}
			if m.Left != 0 {
				j.Left = state.Day(m.Left)
			} else if m.Expelled {
				j.Left = "expelled"
			}
			list = append(list, j)
		}
		if *asJSON {
			return printJSON(cmd, list)
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		head := "ID\tNAME\tROLES\tJOINED\tCHARTER\tCOUNTRY"
		if *all {
			head += "\tLEFT"
		}
		fmt.Fprintln(tw, head)
		for _, m := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s", m.ID, line(m.Name), roleList(m.Roles), m.Joined, consentMark(m.Consent, charter.Version), or(m.Country, "-"))
			if *all {
				fmt.Fprintf(tw, "\t%s", or(m.Left, "-"))
			}
			fmt.Fprintln(tw)
		}
		return tw.Flush()
	}
	return cmd
}

// consentMark shows which charter version a member consented to.
func consentMark(v, current int) string {
	switch {
	case current == 0:
		return "-"
	case v == current:
		return fmt.Sprintf("v%d", v)
	case v == 0:
		return fmt.Sprintf("none (v%d pending)", current)
	}
	return fmt.Sprintf("v%d (v%d pending)", v, current)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (c *cli) renameCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "rename NAME",
		Annotations: forMembers(),
		Short:       "Change your display name",
		Args:        exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := c.submit(cmd, state.Rename{Name: args[0]}); err != nil {
				return err
			}
			out(cmd, "You are now %s.\n", line(args[0]))
			return nil
		},
	}
}

func (c *cli) roleCmd() *cobra.Command {
	set := func(verb string, grant bool) *cobra.Command {
		return &cobra.Command{
			Use:   verb + " MEMBER ROLE",
			Short: strings.ToUpper(verb[:1]) + verb[1:] + " a role (moderator, treasurer, steward)",
			Args:  exactArgs("MEMBER", "ROLE"),
			RunE: func(cmd *cobra.Command, args []string) error {
				id, err := c.memberRef(cmd, args[0])
				if err != nil {
					return err
				}
				if _, err := c.submit(cmd, state.SetRole{Member: id, Role: args[1], Grant: grant}); err != nil {
					return err
				}
				if grant {
					out(cmd, "Member %d is now a %s.\n", id, args[1])
				} else {
					out(cmd, "Member %d is no longer a %s.\n", id, args[1])
				}
				return nil
			},
		}
	}
	return group("role", "Grant or revoke roles", forRole(state.RoleSteward), set("grant", true), set("revoke", false))
}

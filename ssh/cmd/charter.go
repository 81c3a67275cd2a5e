package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
)

// The charter, consent, leaving and a member's own record.

// maxCharterInput bounds `charter set` input before the hub checks it.
const maxCharterInput = 4 * state.MaxCharterLen

func (c *cli) charterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "charter [--version N] [--json]",
		Annotations: forReaders(state.ReadCharter),
		Short:       "Show the charter members consent to (public)",
		Long: "Show the charter in force, or --version N. Members consent to it when they join\n" +
			"(`join CODE --name NAME --consent`); amendments come only by a passed charter\n" +
			"proposal (`proposal new --kind charter`, the body is the new text).",
		Args: noArgs,
	}
	version := cmd.Flags().Int("version", 0, "show this version instead of the one in force")
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *version < 0 {
			return usage(cmd, "--version must be a version number from 1")
		}
		ch, ok, err := c.hub.Charter(*version)
		if err != nil {
			return err
		}
		if !ok && *version != 0 {
			return fmt.Errorf("%w: no charter version %d", state.ErrNotFound, *version)
		}
		if *asJSON {
			if !ok {
				return printJSON(cmd, map[string]any{"version": 0})
			}
			return printJSON(cmd, ch)
		}
		if !ok {
			out(cmd, "This hub has no charter yet: joining needs no consent. A steward sets the first with `charter set < charter.md`.\n")
			return nil
		}
		out(cmd, "Charter version %d, adopted %s%s\n\n", ch.Version, state.Day(ch.Adopted), adoptedBy(ch))
		out(cmd, "%s\n", strings.TrimRight(sanitize.Text(ch.Text), "\n"))
		if m := c.rd.Member; m != nil && m.Consent != ch.Version && *version == 0 {
			out(cmd, "\nYou have not consented to this version: `consent` to do so.\n")
		}
		return nil
	}
	cmd.AddCommand(c.charterHistoryCmd(), c.charterSetCmd())
	return cmd
}

func adoptedBy(ch state.Charter) string {
	if ch.Proposal != 0 {
		return fmt.Sprintf(" by proposal %d", ch.Proposal)
	}
	return fmt.Sprintf(" by steward (member %d)", ch.By)
}

func (c *cli) charterHistoryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history [--json]",
		Short: "List every charter version",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cs, err := c.hub.Charters()
		if err != nil {
			return err
		}
		if *asJSON {
			if cs == nil {
				cs = []state.Charter{}
			}
			return printJSON(cmd, cs)
		}
		if len(cs) == 0 {
			out(cmd, "No charter yet.\n")
			return nil
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tADOPTED\tHOW\tEVENT\tLENGTH")
		for _, ch := range cs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d chars\n", ch.Version, state.Day(ch.Adopted), strings.TrimPrefix(adoptedBy(ch), " "), ch.Seq, len([]rune(ch.Text)))
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) charterSetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "set < charter.md",
		Annotations: forRole(state.RoleSteward),
		Short:       "Adopt the hub's first charter, read from stdin (stewards; once)",
		Args:        noArgs,
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		text, err := readBounded(cmd.InOrStdin(), maxCharterInput, "charter")
		if err != nil {
			return err
		}
		text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		if text == "" {
			return usage(cmd, "charter set reads the charter from stdin: ssh HOST charter set < charter.md")
		}
		if _, err := c.submit(cmd, state.SetCharter{Text: text}); err != nil {
			return err
		}
		out(cmd, "Charter version 1 adopted; you consented to it. Newcomers now consent when they join.\n")
		return nil
	}
	return cmd
}

func (c *cli) consentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "consent [--version N] [--sign | --print-act | --sig -]",
		Annotations: forMembers(),
		Short:       "Consent to the charter in force (read it first with `charter`)",
		Args:        noArgs,
	}
	version := cmd.Flags().Int("version", 0, "the version you read (default: the one in force)")
	var sig string
	var printAct bool
	sigFlags(cmd, &sig, &printAct)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		v := *version
		if v == 0 {
			ch, ok, err := c.hub.Charter(0)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: this hub has no charter to consent to", state.ErrNotFound)
			}
			v = ch.Version
		}
		consent := state.Consent{Version: v}
		if printAct {
			return c.printAct(cmd, consent)
		}
		var err error
		if consent.Sig, err = c.actSig(cmd, consent, sig); err != nil {
			return err
		}
		evs, err := c.submit(cmd, consent)
		if err != nil {
			return err
		}
		signed := ""
		if state.IsMemberSigned(evs[0].Body) {
			signed = ", signed with your key"
		}
		out(cmd, "You consented to charter version %d%s.\n", v, signed)
		return nil
	}
	return cmd
}

func (c *cli) leaveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "leave --yes [--export] [--anonymous] [--sign | --print-act | --sig -]",
		Annotations: forMembers(takesOwnKey),
		Short:       "Leave the community (final for your keys)",
		Long: "Leave the community. Your keys stop working at once; your open votes and\n" +
			"delegations end, your bookings that start tomorrow or later are cancelled and\n" +
			"your open pledges released, each by an event. History stays in the chain.\n" +
			"--export prints your whole record (every event, with receipts) as JSON;\n" +
			"take it now: after leaving, this key is a visitor's.\n" +
			"--anonymous shows you as \"former member\" in public views.\n" +
			"--sign (with ssh -A) or --sig - signs your leaving (the member.left event)\n" +
			"with your own key; --print-act shows the bytes and changes nothing.",
		Args: noArgs,
	}
	yes := cmd.Flags().Bool("yes", false, "confirm: leaving is final for your keys")
	export := cmd.Flags().Bool("export", false, "print your record as JSON after leaving")
	anon := cmd.Flags().Bool("anonymous", false, "be shown as \"former member\" from now on")
	var sig string
	var printAct bool
	sigFlags(cmd, &sig, &printAct)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		m := c.me()
		leave := state.Leave{Anonymous: *anon}
		if printAct {
			return c.printAct(cmd, leave)
		}
		if !*yes {
			return usage(cmd, "leaving is final for your keys: run `leave --yes` (add --export for your record, --anonymous to be shown as %q)", state.FormerMember)
		}
		var err error
		if leave.Sig, err = c.actSig(cmd, leave, sig); err != nil {
			return err
		}
		evs, err := c.submit(cmd, leave)
		if err != nil {
			return err
		}
		if *export {
			rec, err := c.hub.RecordOf(m.ID)
			if err != nil {
				return fmt.Errorf("you have left, but the export failed: %v (your events stay in the members' log, which this key can no longer read)", err)
			}
			return printJSON(cmd, rec)
		}
		signed := ""
		if state.IsMemberSigned(evs[len(evs)-1].Body) {
			signed = ", signed with your key"
		}
		out(cmd, "You have left (event %d%s). Thank you for taking part; your history stays in the chain.\n", evs[len(evs)-1].Seq, signed)
		return nil
	}
	return cmd
}

func (c *cli) recordCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "record [--json]",
		Annotations: forMembers(),
		Short:       "Print your whole record as JSON: every event you made, with receipts",
		Args:        noArgs,
	}
	_ = jsonFlag(cmd) // the record is always JSON; the flag is accepted like everywhere else
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		m := c.me()
		rec, err := c.hub.RecordOf(m.ID)
		if err != nil {
			return err
		}
		return printJSON(cmd, rec)
	}
	return cmd
}

func (c *cli) profileCmd() *cobra.Command {
	show := &cobra.Command{
		Use:   "show [--json]",
		Short: "Show whether visitors see your name, your country and charter consent",
		Args:  noArgs,
	}
	asJSON := jsonFlag(show)
	show.RunE = func(cmd *cobra.Command, _ []string) error {
		m := c.me()
		if *asJSON {
			return printJSON(cmd, map[string]any{"listed": m.Listed, "country": m.Country, "consent": m.Consent})
		}
		listed := "no (visitors see a count, not your name)"
		if m.Listed {
			listed = "yes"
		}
		country := m.Country
		if country == "" {
			country = "not declared"
		}
		out(cmd, "listed publicly: %s\ncountry: %s\ncharter consent: version %d\n", listed, country, m.Consent)
		return nil
	}
	listed := &cobra.Command{
		Use:   "listed yes|no",
		Short: "Choose whether visitors see your name in the census",
		Args:  exactArgs("yes|no"),
	}
	listed.RunE = func(cmd *cobra.Command, args []string) error {
		var v bool
		switch args[0] {
		case "yes":
			v = true
		case "no":
		default:
			return usage(cmd, "listed takes yes or no, not %q", truncate(args[0], 24))
		}
		if _, err := c.submit(cmd, state.SetListed{Listed: v}); err != nil {
			return err
		}
		out(cmd, "Done: visitors %s your name.\n", map[bool]string{true: "now see", false: "no longer see"}[v])
		return nil
	}
	country := &cobra.Command{
		Use:   "country CC|none",
		Short: "Declare your country of residence (ISO code like PT), or none",
		Long: "Declare your country of residence, a two-letter ISO 3166 code, or `none` to clear it.\n" +
			"The census shows a country only when at least 3 members share it.",
		Args: exactArgs("CC|none"),
	}
	country.RunE = func(cmd *cobra.Command, args []string) error {
		cc := args[0]
		if cc == "none" {
			cc = ""
		}
		if _, err := c.submit(cmd, state.SetCountry{Country: cc}); err != nil {
			return err
		}
		if cc == "" {
			out(cmd, "Country cleared.\n")
		} else {
			out(cmd, "Country set to %s.\n", cc)
		}
		return nil
	}
	return group("profile", "Your public profile: listing, country", forMembers(), show, listed, country)
}

func consentFlag(cmd *cobra.Command) *bool {
	return cmd.Flags().Bool("consent", false, "consent to the hub's charter (read it first: `charter`)")
}

// consentVersion turns --consent into the charter version in force. A hub
// with a charter refuses a newcomer who has not consented, saying where to
// read it.
func (c *cli) consentVersion(consent bool) (int, error) {
	ch, ok, err := c.hub.Charter(0)
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, nil // no charter: --consent is harmless
	case !consent:
		return 0, fmt.Errorf("this hub has a charter (version %d) that members consent to: read it with `ssh HOST charter`, then run this again adding --consent", ch.Version)
	}
	return ch.Version, nil
}

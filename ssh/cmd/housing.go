package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

const maxRules = 40 << 10 // a space's house rules on stdin (10000 characters)

func (c *cli) housingCmd() *cobra.Command {
	space := group("space", "Open or retire spaces (stewards)", forRole(state.RoleSteward), c.spaceAddCmd(), c.spaceRetireCmd())
	return group("housing", "Book beds in the community's spaces (members only)", forMembers(),
		space, c.housingListCmd(), c.housingShowCmd(), c.bookCmd(), c.bookingCancelCmd(), c.mineCmd(),
		c.bookingDecideCmd("approve", true), c.bookingDecideCmd("decline", false),
		c.waitlistCmd(), c.pendingCmd(), c.icalCmd())
}

func (c *cli) spaceAddCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add --name NAME --beds N [flags] < rules.md",
		Short: "Open a space for booking (stewards); house rules in Markdown on stdin; prints the space ID alone on the last line",
		Args:  noArgs,
	}
	sf := addSpaceFlags(cmd, "name", "")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := sf.space(cmd, "name")
		if err != nil {
			return err
		}
		rules, err := readBounded(cmd.InOrStdin(), maxRules, "house rules")
		if err != nil {
			return err
		}
		s.Rules = strings.TrimSpace(strings.ReplaceAll(rules, "\r\n", "\n"))
		evs, err := c.submit(cmd, state.AddSpace{Space: s})
		if err != nil {
			return err
		}
		sp := evs[0].Body.(*state.SpaceAdded).Space
		out(cmd, "Space %d, %s, is open for booking: %s (event %d).\n%d\n", sp.ID, line(sp.Name), bedsText(sp.Beds), evs[0].Seq, sp.ID)
		return nil
	}
	return cmd
}

func (c *cli) spaceRetireCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "retire SPACE-ID",
		Short: "Close a space to new bookings (stewards); its bookings stay",
		Args:  exactArgs("SPACE-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "space", args[0])
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.RetireSpace{ID: id})
			if err != nil {
				return err
			}
			out(cmd, "Space %d is retired: no new bookings (event %d).\n", id, evs[0].Seq)
			return nil
		},
	}
}

func (c *cli) housingListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the spaces with their beds free tonight",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ss, err := c.hub.Spaces()
		if err != nil {
			return err
		}
		if *asJSON {
			if ss == nil {
				ss = []state.SpaceView{}
			}
			return printJSON(cmd, ss)
		}
		if len(ss) == 0 {
			out(cmd, "No spaces. A steward opens one with `housing space add`.\n")
			return nil
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPLACE\tBEDS\tFREE TONIGHT\tNOTES")
		for _, s := range ss {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\n", s.ID, line(s.Name), place(s.Space), s.Beds, s.FreeTonight, spaceNotes(s.Space))
		}
		return tw.Flush()
	}
	return cmd
}

// AvailabilityJSON is `housing show --json`.
type AvailabilityJSON struct {
	Space  state.Space   `json:"space"`
	Nights []state.Night `json:"nights"`
}

func (c *cli) housingShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show SPACE-ID [--from DATE --to DATE] [--json]",
		Short: "Show a space, its rules and its free beds per night (the next 14 nights unless --from/--to)",
		Args:  exactArgs("SPACE-ID"),
	}
	asJSON := jsonFlag(cmd)
	from := cmd.Flags().String("from", "", "first night, YYYY-MM-DD")
	to := cmd.Flags().String("to", "", "the day after the last night, YYYY-MM-DD")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "space", args[0])
		if err != nil {
			return err
		}
		if *from != "" || *to != "" {
			if err := stayDates(cmd, *from, *to); err != nil {
				return err
			}
		}
		s, nights, err := c.hub.Availability(id, *from, *to)
		if err != nil {
			return err
		}
		if *asJSON {
			if nights == nil {
				nights = []state.Night{}
			}
			return printJSON(cmd, AvailabilityJSON{s, nights})
		}
		printSpace(cmd, s)
		printNights(cmd, s, nights)
		return nil
	}
	return cmd
}

func (c *cli) bookCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "book SPACE-ID --from DATE --to DATE [--beds K] [--waitlist] [--sign | --print-act | --sig -]",
		Short: "Book beds for the nights from --from to the check-out day --to; prints the booking ID alone on the last line",
		Args:  exactArgs("SPACE-ID"),
	}
	f := cmd.Flags()
	from := f.String("from", "", "arrival day, YYYY-MM-DD (the first night)")
	to := f.String("to", "", "check-out day, YYYY-MM-DD (not a night)")
	beds := f.String("beds", "1", "how many beds")
	waitlist := f.Bool("waitlist", false, "if a night is full, wait for a cancellation instead of failing")
	var sig string
	var printAct bool
	sigFlags(cmd, &sig, &printAct)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "space", args[0])
		if err != nil {
			return err
		}
		if err := stayDates(cmd, *from, *to); err != nil {
			return err
		}
		n, err := count(cmd, "beds", *beds, 1)
		if err != nil {
			return err
		}
		book := state.Book{Space: id, From: *from, To: *to, Beds: n, Waitlist: *waitlist}
		if printAct {
			return c.printAct(cmd, book)
		}
		if book.Sig, err = c.actSig(cmd, book, sig); err != nil {
			return err
		}
		evs, err := c.submit(cmd, book)
		if err != nil {
			return err
		}
		ev := evs[0].Body.(*state.BookingRequested)
		what := fmt.Sprintf("%s at %s, %s to %s", bedsText(ev.Beds), c.spaceName(ev.Space), ev.From, ev.To)
		if state.IsMemberSigned(ev) {
			what += " (signed with your key)"
		}
		switch ev.Status {
		case state.BookPending:
			out(cmd, "Booking %d: %s waits for a steward's approval; the beds are held meanwhile (event %d).\n", ev.Booking, what, evs[0].Seq)
		case state.BookWaitlisted:
			out(cmd, "Booking %d: %s is on the waitlist; it moves in if beds free up (event %d).\n", ev.Booking, what, evs[0].Seq)
		default:
			out(cmd, "Booking %d is confirmed: %s (event %d).\n", ev.Booking, what, evs[0].Seq)
		}
		out(cmd, "%d\n", ev.Booking)
		return nil
	}
	return cmd
}

// spaceName is a space's name for output.
func (c *cli) spaceName(id uint64) string {
	name := ""
	_ = c.hub.View(func(r state.Reader) error {
		s, _ := state.GetSpace(r, id)
		name = s.Name
		return nil
	})
	return fmt.Sprintf("%s (space %d)", line(name), id)
}

// printChanges reports a booking's own event and the waitlist promotions
// that followed it.
func printChanges(cmd *cobra.Command, evs []state.Event) {
	for _, e := range evs[1:] {
		if p, ok := e.Body.(*state.BookingPromoted); ok {
			out(cmd, "Booking %d moved in from the waitlist: now %s (event %d).\n", p.Booking, p.Status, e.Seq)
		}
	}
}

func (c *cli) bookingCancelCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cancel BOOKING-ID",
		Short: "Cancel your booking (stewards: any); waitlisted stays that now fit move in",
		Args:  exactArgs("BOOKING-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "booking", args[0])
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.CancelBooking{ID: id})
			if err != nil {
				return err
			}
			out(cmd, "Booking %d is cancelled (event %d).\n", id, evs[0].Seq)
			printChanges(cmd, evs)
			return nil
		},
	}
}

func (c *cli) bookingDecideCmd(verb string, approve bool) *cobra.Command {
	return &cobra.Command{
		Use:         verb + " BOOKING-ID",
		Annotations: forRole(state.RoleSteward),
		Short:       strings.ToUpper(verb[:1]) + verb[1:] + " a pending booking (stewards)",
		Args:        exactArgs("BOOKING-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(cmd, "booking", args[0])
			if err != nil {
				return err
			}
			evs, err := c.submit(cmd, state.DecideBooking{ID: id, Approve: approve})
			if err != nil {
				return err
			}
			done := "confirmed"
			if !approve {
				done = "declined; its beds are free again"
			}
			out(cmd, "Booking %d is %s (event %d).\n", id, done, evs[0].Seq)
			printChanges(cmd, evs)
			return nil
		},
	}
}

func (c *cli) mineCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mine [--json]",
		Short: "List your bookings",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		me := c.me()
		bs, err := c.hub.BookingsOf(me.ID)
		if err != nil {
			return err
		}
		return c.bookingList(cmd, bs, *asJSON, "No bookings. Book with `housing book SPACE-ID --from DATE --to DATE`.")
	}
	return cmd
}

func (c *cli) waitlistCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waitlist SPACE-ID [--json]",
		Short: "List a space's waitlisted bookings, first in line first",
		Args:  exactArgs("SPACE-ID"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := parseID(cmd, "space", args[0])
		if err != nil {
			return err
		}
		bs, err := c.hub.BookingsAt(id, state.BookWaitlisted)
		if err != nil {
			return err
		}
		return c.bookingList(cmd, bs, *asJSON, "Nobody is waiting.")
	}
	return cmd
}

func (c *cli) pendingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "pending [--json]",
		Annotations: forRole(state.RoleSteward),
		Short:       "List the bookings waiting for approval (stewards)",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		me := c.me()
		if !state.Can(me, state.RightRoles) {
			return fmt.Errorf("%w: only stewards may list pending bookings", state.ErrForbidden)
		}
		bs, err := c.hub.BookingsAt(0, state.BookPending)
		if err != nil {
			return err
		}
		return c.bookingList(cmd, bs, *asJSON, "No bookings wait for approval.")
	}
	return cmd
}

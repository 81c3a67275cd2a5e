package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state/store"
)

// The clock guard (state/store/clock.go) refuses writes stamped far ahead of the
// hub's own reckoning. A steward reads it, and confirms a new time, through
// the serving hub's control socket: "clock 1" and "clock confirm 1" answer
// "ok 0" and the status as text.

func clockCmd() *cobra.Command {
	var data string
	var confirm bool
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Show the serving hub's clock as it sees it, or confirm a new time",
		Long: `Every event carries the hub's clock, signed into the log for good, so the hub
refuses to stamp a time far ahead of its own reckoning (--max-clock-step,
default 24h): a clock that jumps ahead holds writes until it reads sensibly
again. After a stop longer than that, or when the clock was wrong and is now
right, confirm it: polis clock --confirm. Events are then stamped with the
clock's time.

It talks to the hub serving the data dir, over its control socket.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			verb := "clock 1"
			if confirm {
				verb = "clock confirm 1"
			}
			r, _, err := request(data, verb)
			if errors.Is(err, errNoHub) {
				return fmt.Errorf("%w at %s: the clock guard runs in the serving hub", err, data)
			}
			if err != nil {
				return err
			}
			defer r.Close()
			_, err = io.Copy(cmd.OutOrStdout(), r)
			return err
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir of the serving hub (env POLIS_DATA)")
	cmd.Flags().BoolVar(&confirm, "confirm", false, "the clock is right: stamp events with it from now on")
	return cmd
}

// clock answers a clock request on the control socket.
func (c *control) clock(w io.Writer, confirm bool) {
	var st store.ClockStatus
	if confirm {
		st = c.st.ConfirmClock()
	} else {
		st = c.st.ClockStatus()
	}
	fmt.Fprintf(w, "ok 0\n")
	fmt.Fprintf(w, "clock     %s\nexpected  %s\n", st.Clock.Format(time.RFC3339), st.Believed.Format(time.RFC3339))
	switch {
	case st.MaxStep == 0:
		fmt.Fprintln(w, "guard     off (--max-clock-step -1s)")
	case st.Held:
		fmt.Fprintf(w, "writes    held: the clock reads %s ahead of the hub's reckoning (more than %s)\n", st.Clock.Sub(st.Believed).Round(time.Second), st.MaxStep)
		fmt.Fprintln(w, "          if the clock is right, confirm it: polis clock --confirm")
	case confirm:
		fmt.Fprintf(w, "writes    accepted: events are stamped from %s on\n", st.Clock.Format(time.RFC3339))
	default:
		fmt.Fprintf(w, "writes    accepted (up to %s ahead)\n", st.MaxStep)
	}
}

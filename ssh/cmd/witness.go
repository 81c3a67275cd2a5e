package cmd

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// The witness commands: this hub as a C2SP tlog-witness for other hubs'
// logs (key, add-checkpoint, watch), and as a log that asks witnesses to
// cosign its own checkpoints (use, drop). add-checkpoint is the protocol's
// one call over SSH: its HTTP statuses become these exit statuses.
const (
	ExitBadRequest    = 40 // 400
	ExitForbidden     = 43 // 403
	ExitNotFound      = 44 // 404
	ExitConflict      = 49 // 409: stdout holds the latest cosigned size
	ExitUnprocessable = 42 // 422
)

// WitnessExit maps a tlog-witness status to its exit status.
func WitnessExit(status int) int {
	switch status {
	case witness.StatusBadRequest:
		return ExitBadRequest
	case witness.StatusForbidden:
		return ExitForbidden
	case witness.StatusNotFound:
		return ExitNotFound
	case witness.StatusConflict:
		return ExitConflict
	case witness.StatusUnprocessable:
		return ExitUnprocessable
	}
	return 1
}

func (c *cli) witnessCmd() *cobra.Command {
	return group("witness", "Cosign other hubs' checkpoints, and have yours cosigned (anyone reads; stewards choose)", forReaders(state.ReadWitnessing),
		c.witnessKeyCmd(), c.witnessAddCmd(), c.witnessListCmd(),
		c.witnessWatchCmd(), c.witnessUnwatchCmd(), c.witnessUseCmd(), c.witnessDropCmd())
}

func (c *cli) witnessKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "key",
		Annotations: forReaders(state.ReadWitnessing),
		Short:       "Print this hub's witness key (cosignature/v1 verifier key), for 'witness use' and 'polis verify --witness'",
		Args:        noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := c.hub.Witness()
			if w == nil {
				return errors.New("this hub runs no witness")
			}
			out(cmd, "%s\n", w.VerifierKey())
			return nil
		},
	}
}

func (c *cli) witnessAddCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "add-checkpoint",
		Annotations: forReaders(state.ReadWitnessing),
		Short:       "Ask this hub to cosign a checkpoint: a tlog-witness add-checkpoint body on stdin, the cosignature on stdout",
		Long: `Reads a C2SP tlog-witness add-checkpoint request body on stdin ("old
SIZE", consistency proof lines, a blank line, the signed checkpoint) and,
if the checkpoint is of a log this hub watches and extends the last one it
cosigned, writes the cosignature line(s) and exits 0. Refusals exit with
40 (bad request), 43 (no valid signature by the log's key), 44 (a log this
hub does not watch), 49 (the old size is not the last one cosigned: stdout
holds that size) or 42 (the proof does not verify: the log forked).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := c.hub.Witness()
			if w == nil {
				return exitError{ExitNotFound, errors.New("this hub runs no witness")}
			}
			body, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), witness.MaxRequest+1))
			if err != nil {
				return err
			}
			line, err := w.AddCheckpoint(body)
			var we *witness.Error
			if errors.As(err, &we) {
				if we.Status == witness.StatusConflict {
					out(cmd, "%d\n", we.Latest)
				}
				return exitError{WitnessExit(we.Status), we}
			}
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(line)
			return err
		},
	}
}

func (c *cli) witnessListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "list",
		Annotations: forReaders(state.ReadWitnessing),
		Short:       "Show the logs this hub cosigns and the witnesses it asks",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ws, err := c.hub.Witnessing()
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, ws)
		}
		if len(ws.Watched) == 0 {
			out(cmd, "This hub cosigns no other log (a steward adds one with 'witness watch LOG-KEY').\n")
		} else {
			out(cmd, "This hub cosigns the checkpoints of:\n")
			for _, l := range ws.Watched {
				out(cmd, "  %s  since %s\n    %s\n", line(l.Origin), day(l.Since), line(l.Key))
			}
		}
		if len(ws.Cosigners) == 0 {
			out(cmd, "No witness cosigns this hub's checkpoints (a steward adds one with 'witness use HOST:PORT KEY').\n")
		} else {
			out(cmd, "Witnesses asked to cosign this hub's checkpoints:\n")
			for _, w := range ws.Cosigners {
				out(cmd, "  %s at %s  since %s\n    %s\n", line(w.Name), line(w.Addr), day(w.Since), line(w.Key))
			}
		}
		return nil
	}
	return cmd
}

func day(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") }

func (c *cli) witnessWatchCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "watch LOG-KEY",
		Annotations: forRole(state.RoleSteward),
		Short:       "Cosign the checkpoints of the log with that verifier key ('ssh OTHER-HUB chain key' prints it)",
		Args:        exactArgs("LOG-KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			evs, err := c.submit(cmd, state.WatchLog{Key: args[0]})
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				out(cmd, "This hub already witnesses that log.\n")
				return nil
			}
			out(cmd, "This hub now cosigns checkpoints of %s (event %s).\n", line(evs[0].Body.(*state.WitnessWatched).Origin), strconv.FormatUint(evs[0].Seq, 10))
			return nil
		},
	}
}

func (c *cli) witnessUnwatchCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "unwatch ORIGIN|LOG-KEY",
		Annotations: forRole(state.RoleSteward),
		Short:       "Stop cosigning a log's checkpoints",
		Args:        exactArgs("ORIGIN|LOG-KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			evs, err := c.submit(cmd, state.UnwatchLog{Origin: args[0]})
			if err != nil {
				return err
			}
			out(cmd, "This hub no longer cosigns checkpoints of %s.\n", line(evs[0].Body.(*state.WitnessUnwatched).Origin))
			return nil
		},
	}
}

func (c *cli) witnessUseCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "use HOST:PORT WITNESS-KEY",
		Annotations: forRole(state.RoleSteward),
		Short:       "Ask the witness at HOST:PORT (its 'witness key') to cosign every checkpoint this hub seals",
		Args:        exactArgs("HOST:PORT", "WITNESS-KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			evs, err := c.submit(cmd, state.UseWitness{Addr: args[0], Key: args[1]})
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				out(cmd, "This hub already asks that witness.\n")
				return nil
			}
			w := evs[0].Body.(*state.WitnessUsed)
			out(cmd, "This hub now asks %s at %s to cosign its checkpoints; 'chain head' shows the cosignatures as they arrive.\n", line(w.Name), line(w.Addr))
			return nil
		},
	}
}

func (c *cli) witnessDropCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "drop NAME|WITNESS-KEY",
		Annotations: forRole(state.RoleSteward),
		Short:       "Stop asking a witness to cosign",
		Args:        exactArgs("NAME|WITNESS-KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			evs, err := c.submit(cmd, state.DropWitness{Name: args[0]})
			if err != nil {
				return err
			}
			out(cmd, "This hub no longer asks %s.\n", line(evs[0].Body.(*state.WitnessDropped).Name))
			return nil
		},
	}
}

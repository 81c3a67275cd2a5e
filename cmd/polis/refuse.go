package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state/store"
)

// refusedToStart adds to a refusal to open the store what a steward can do
// about it (README: "If the hub refuses to start").
func refusedToStart(dir string, err error) error {
	switch {
	case errors.Is(err, store.ErrDamagedLog):
		return fmt.Errorf(`%w

The hub will not start on a damaged log: starting would drop the writes after
the damage without a word. First keep a copy of %s as it is. Then either
restore a backup that holds those writes (polis restore), or accept losing
them: polis salvage-log --data %s keeps a copy of the damaged log, lets the
database cut it, and the hub can start again (unless that loses published
checkpoints, which it then says).`, err, dir, dir)
	case errors.Is(err, store.ErrHistoryLost):
		return fmt.Errorf(`%w

The hub will not start: members may hold checkpoints this store no longer
has, and signing those heights again would give them two histories under one
key. Keep a copy of %s as it is. Put back a data dir or backup that reaches
the height HEAD names, or start a new hub (a new data dir and key) and tell
members the old chain ends at that height.`, err, dir)
	}
	return err
}

func salvageLogCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "salvage-log",
		Short: "Accept the loss a damaged database log holds, so the hub can start",
		Long: `When polis serve refuses to start because the database log is damaged (a
record that fails its checksum with writes after it), salvage-log accepts
losing those writes: it copies every memtable log of the data dir, as found,
into a damaged-log-TIME directory in it, then lets the database cut each log
at its first bad record. The writes after the damage are gone. Run it on a
stopped hub, after keeping a copy of the data dir.

The hub still refuses to start if what was cut held checkpoints it had
published (the data dir's HEAD): signing those heights again would give
members two histories.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kept, err := store.SalvageLog(data)
			if err != nil {
				return err
			}
			if kept == "" {
				fmt.Fprintln(cmd.OutOrStdout(), "the database log is not damaged; nothing was done")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "the damaged log was cut; a copy of it as found is in %s\n", kept)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir of a stopped hub")
	return cmd
}

package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state/store"
)

func checkpointCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "checkpoint", Short: "Work with the signed checkpoint chain"}
	var data, out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the log and its checkpoints to a file anyone can verify with 'polis verify --file'",
		Args:  cobra.NoArgs,
		Long: `Write the log and every checkpoint of the stopped hub in --data to a file
anyone can check with 'polis verify --file'. It only reads the data dir: it
seals nothing (events after the last checkpoint are in the file, unsealed),
and it refuses a data dir whose database is behind its HEAD file.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			var f *os.File
			if out != "" && out != "-" {
				var err error
				if f, err = os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err != nil {
					return err
				}
				w = f
			}
			info, err := store.ExportDir(data, w)
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(out)
				}
			}
			if err != nil {
				return err
			}
			if f != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "polis: wrote %d events and %d checkpoints to %s; verifier key %s\n", info.Events, info.Checkpoints, out, info.Key)
			}
			return nil
		},
	}
	export.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir of a stopped hub")
	export.Flags().StringVar(&out, "out", "-", "output file (refuses to overwrite)")
	cmd.AddCommand(export)
	return cmd
}

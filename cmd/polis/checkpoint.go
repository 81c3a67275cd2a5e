package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

func checkpointCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "checkpoint", Short: "Work with the signed checkpoint chain"}
	var data, out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the log and its checkpoints to a file anyone can verify with 'polis verify --file'",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(filepath.Join(data, "FORMAT")); err != nil {
				return fmt.Errorf("no polis data dir at %s", data)
			}
			st, err := state.Open(state.Options{Dir: data})
			if err != nil {
				return err
			}
			defer st.Close()
			w := cmd.OutOrStdout()
			if out != "" && out != "-" {
				f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if err := st.WriteExport(w); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "polis: wrote %d events to %s; verifier key %s\n", st.Size(), out, st.VerifierKey())
			}
			return nil
		},
	}
	export.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir of a stopped hub")
	export.Flags().StringVar(&out, "out", "-", "output file (refuses to overwrite)")
	cmd.AddCommand(export)
	return cmd
}

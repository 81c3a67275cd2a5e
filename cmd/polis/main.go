// Command polis runs a polis hub and the steward's offline tools.
//
// It only wires flags and environment to the packages that do the work:
// state (the log and the domain), chain (checkpoints), ssh (the door) and
// tui (the app).
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "polis:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "polis",
		Short: "A community hub for a network state, served over SSH",
		Long: `polis runs a community hub over SSH: members log in with their SSH keys to
vote, see the treasury, book shared housing and settle disputes. Every change
is an event sealed into a signed, hash-linked chain anyone can verify.

Run with no command to serve with the defaults (data in ./polis-data,
listening on 127.0.0.1:23234).`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	serve := serveCmd()
	root.AddCommand(serve, verifyCmd(), checkpointCmd(), backupCmd(), restoreCmd(), dossierCmd(), salvageLogCmd(), clockCmd(), signCmd(), replicaCmd())
	// `go run ./cmd/polis` with no arguments serves.
	root.RunE = serve.RunE
	root.Flags().AddFlagSet(serve.Flags())
	return root
}

// envOr returns the environment variable's value, or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// printCensus prints the recomputed census as JSON: the same shape as the
// "census" field of 'ssh HUB census --json'.
func printCensus(cmd *cobra.Command, c *state.CensusAt) error {
	if c == nil {
		return errors.New("the log has no checkpoint yet: no census to recompute")
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// checkCensus compares a census the hub published with the one replay
// computed at the same checkpoint.
func checkCensus(cmd *cobra.Command, rep state.VerifyReport, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var published struct {
		At *state.CensusAt `json:"census"`
	}
	if err := json.Unmarshal(b, &published); err != nil || published.At == nil {
		return fmt.Errorf("%s is not the output of 'ssh HUB census --json' (no census field)", file)
	}
	mine, ok := rep.Censuses[published.At.At.Height]
	if !ok {
		return fmt.Errorf("census FAILED: the log has no checkpoint %d", published.At.At.Height)
	}
	if d := state.CensusDiff(mine, *published.At); d != "" {
		return fmt.Errorf("census FAILED: at checkpoint %d the published %s differs from the chain's", published.At.At.Height, d)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "census ok: every figure matches the chain at checkpoint %d (%d events)\n", mine.At.Height, mine.At.Size)
	return nil
}

package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"
	fwitness "github.com/transparency-dev/formats/witness"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// checkWitnesses holds the export's latest checkpoint to the witnesses a
// member trusts: at least quorum of the named keys (all of them when
// quorum is 0), or a tlog-policy file, must have cosigned it. A hub that
// showed this member a history its witnesses did not see fails here.
func checkWitnesses(cmd *cobra.Command, head state.Head, lines []byte, keys []string, quorum int, policyFile string) error {
	cp := []byte(head.Note + string(lines))
	group, err := witnessGroup(keys, quorum, policyFile)
	if err != nil {
		return err
	}
	ok := group.Satisfied(cp)
	names := cosignerNames(cp, keys)
	if !ok {
		return fmt.Errorf("verify FAILED: checkpoint %d is not cosigned by enough of the witnesses named (cosigned by: %s)", head.Height, names)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "witnessed: checkpoint %d is cosigned as required (by %s)\n", head.Height, names)
	return nil
}

// witnessGroup is the quorum the flags ask for: at least quorum of the
// named keys (all of them when quorum is 0), or a tlog-policy file.
func witnessGroup(keys []string, quorum int, policyFile string) (fwitness.Group, error) {
	if policyFile != "" {
		if len(keys) > 0 || quorum != 0 {
			return fwitness.Group{}, fmt.Errorf("pass --policy, or --witness with --quorum, not both")
		}
		b, err := os.ReadFile(policyFile)
		if err != nil {
			return fwitness.Group{}, err
		}
		g, err := fwitness.ParsePolicy(b)
		if err != nil {
			return g, fmt.Errorf("--policy %s: %w", policyFile, err)
		}
		return g, nil
	}
	if quorum == 0 {
		quorum = len(keys)
	}
	if quorum < 1 || quorum > len(keys) {
		return fwitness.Group{}, fmt.Errorf("--quorum %d: want 1 to %d (the witnesses named)", quorum, len(keys))
	}
	var ws []fwitness.Witness
	for _, k := range keys {
		w, err := fwitness.New(strings.TrimSpace(k), &url.URL{Scheme: "ssh"})
		if err != nil {
			return fwitness.Group{}, fmt.Errorf("--witness %q is not a witness key ('ssh HUB witness key' prints one): %v", k, err)
		}
		ws = append(ws, w)
	}
	return newGroup(quorum, ws), nil
}

// newGroup is fwitness.NewGroup over a list (its parameter type is
// unexported, so a slice cannot be spread into it).
func newGroup(n int, ws []fwitness.Witness) fwitness.Group {
	g := fwitness.Group{N: n}
	for _, w := range ws {
		g.Components = append(g.Components, w)
	}
	return g
}

// cosignerNames names the named witnesses whose cosignature verifies.
func cosignerNames(cp []byte, keys []string) string {
	var out []string
	for _, k := range keys {
		v, err := witness.NewVerifier(strings.TrimSpace(k))
		if err != nil {
			continue
		}
		if n, err := note.Open(cp, note.VerifierList(v)); err == nil && len(n.Sigs) == 1 {
			out = append(out, v.Name())
		}
	}
	if len(out) == 0 {
		return "none of them"
	}
	return strings.Join(out, ", ")
}

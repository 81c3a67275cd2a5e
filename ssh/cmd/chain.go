package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// The chain commands let anyone check the signed checkpoints and proofs;
// the log's own bytes (export, the event in a receipt) are the members'
// (state.ReadLog): the log names every member.

func (c *cli) chainCmd() *cobra.Command {
	return group("chain", "Checkpoints and proofs (anyone); the whole log (members)", forMembers(),
		c.chainHeadCmd(), c.chainExportCmd(), c.chainReceiptCmd(), c.chainConsistencyCmd(), c.chainKeyCmd(), c.chainTileCmd())
}

func (c *cli) chainHeadCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "head",
		Annotations: forReaders(state.ReadCheckpoints),
		Short:       "Show the latest signed checkpoint",
		Args:        noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		h, ok := c.hub.Head()
		cosigs := c.hub.Cosignatures()
		if *asJSON {
			// Before the first checkpoint this is the zero head: size 0.
			if cosigs == nil {
				cosigs = []state.CosignatureStatus{}
			}
			return printJSON(cmd, struct {
				state.Head
				Cosignatures []state.CosignatureStatus `json:"cosignatures"`
			}{h, cosigs})
		}
		if !ok {
			out(cmd, "No checkpoint yet (the log has %d events); the first is sealed shortly.\n", c.hub.Size())
			return nil
		}
		out(cmd, "checkpoint %d: %d events\nroot   %s\nstate  %s\nsealed %s\n",
			h.Height, h.Size, h.Root, h.State, time.UnixMilli(h.Time).UTC().Format(time.RFC3339))
		// The witnesses' standing comes before the note: a member saves
		// this output, and the note with its cosignatures must end it.
		lines := ""
		for _, w := range cosigs {
			out(cmd, "%s\n", witnessStanding(w, h.Height))
			if w.Height == h.Height && w.Line != "" {
				lines += w.Line + "\n"
			}
		}
		out(cmd, "\n%s%s", noteLines(h.Note), noteLines(lines))
		return nil
	}
	return cmd
}

// noteLines keeps a signed note's own line breaks but nothing else.
func noteLines(s string) string {
	out := ""
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out += line(s[:i]) + "\n"
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

func (c *cli) chainExportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "export [--unsealed]",
		Annotations: forReaders(state.ReadLog),
		Short:       "Write the log up to its latest checkpoint for offline checking (polis verify --file FILE); members only",
		Args:        noArgs,
	}
	unsealed := cmd.Flags().Bool("unsealed", false, "add the events after the latest checkpoint, which no signature covers yet (polis verify needs --allow-unsealed for them)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return c.hub.WriteExport(cmd.OutOrStdout(), *unsealed)
	}
	return cmd
}

func (c *cli) chainReceiptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "receipt SEQ",
		Annotations: forReaders(state.ReadInclusion),
		Short:       "Show an event's inclusion proof against the latest checkpoint (the event itself to members only)",
		Args:        exactArgs("SEQ"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		seq, err := parseSeq(args[0])
		if err != nil {
			return usage(cmd, "event number %q is not a whole number (events count from 0)", truncate(args[0], 24))
		}
		rc, err := c.hub.Receipt(seq)
		if err != nil {
			return err
		}
		full := state.MayRead(state.ReadLog, c.rd)
		if !full {
			rc.Event, rc.MemberSigned = "", false // hashes only: the event may name a member
		}
		if *asJSON {
			return printJSON(cmd, rc)
		}
		out(cmd, "event %d\nleaf   %s\n", rc.Seq, rc.LeafHash)
		if full {
			out(cmd, "event  %s\n%s\n", line(rc.Event), signedLine(rc))
		} else {
			out(cmd, "event  (members only: the proof below is over its leaf hash)\n")
		}
		if !rc.Sealed {
			out(cmd, "not yet covered by a checkpoint; ask again shortly\n")
			return nil
		}
		out(cmd, "tree   %d events\nproof  %d hashes\n", rc.TreeSize, len(rc.Proof))
		for _, p := range rc.Proof {
			out(cmd, "  %s\n", p)
		}
		out(cmd, "\n%s", noteLines(rc.Checkpoint))
		return nil
	}
	return cmd
}

func (c *cli) chainConsistencyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "consistency OLD NEW",
		Annotations: forReaders(state.ReadConsistency),
		Short:       "Prove that the log of size OLD is a prefix of the log of size NEW (RFC 6962)",
		Long: `Print the RFC 6962 consistency proof between two sealed sizes of the log.
With OLD the size of a checkpoint you kept and NEW the size of the latest
('chain head'), the proof carries that signed checkpoint: check it offline
with 'polis verify --since KEPT --consistency PROOF.json --key KEY', without
downloading the whole log.`,
		Args: exactArgs("OLD", "NEW"),
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var sizes [2]int64
		for i, a := range args {
			n, err := parseSeq(a)
			if err != nil || n > 1<<62 {
				return usage(cmd, "size %q is not a whole number", truncate(a, 24))
			}
			sizes[i] = int64(n)
		}
		p, err := c.hub.Consistency(sizes[0], sizes[1])
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, p)
		}
		out(cmd, "consistency %d -> %d\nold root  %s\nnew root  %s\nproof     %d hashes\n", p.OldSize, p.NewSize, p.OldRoot, p.NewRoot, len(p.Proof))
		for _, h := range p.Proof {
			out(cmd, "  %s\n", h)
		}
		if p.Checkpoint != "" {
			out(cmd, "\n%s", noteLines(p.Checkpoint))
		}
		return nil
	}
	return cmd
}

func (c *cli) chainKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "key",
		Annotations: forReaders(state.ReadCheckpoints),
		Short:       "Print the hub's checkpoint verifier key",
		Args:        noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out(cmd, "%s\n", c.hub.VerifierKey())
			return nil
		},
	}
}

// witnessStanding is one line on a witness the hub asks (its words are
// state's); a refusal is said loudly: the witness saw another history.
func witnessStanding(w state.CosignatureStatus, head int64) string {
	st, text := w.Standing(head)
	if st == state.StandingAlarm {
		return "ALARM: " + w.Role() + " " + line(w.Name) + " " + line(text)
	}
	return w.Role() + " " + line(w.Name) + ": " + line(text)
}

func (c *cli) chainTileCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "tile PATH",
		Annotations: forReaders(state.ReadCheckpoints),
		Short:       "Write a C2SP tlog-tiles resource: checkpoint, tile/L/N[.p/W] (anyone), tile/entries/N[.p/W] (members)",
		Long: `Write the bytes of one C2SP tlog-tiles resource to stdout, as of the latest
signed checkpoint, so standard tlog clients can audit the log:
  checkpoint                 the latest signed checkpoint (a signed note)
  tile/L/N[.p/W]             W (default 256) Merkle hashes of level L, 32 bytes each
  tile/entries/N[.p/W]       the events themselves, each with a 2-byte length (members only)
N is written in 3-digit groups, all but the last prefixed with x: tile 1234 is x001/234.
The public web page (polis serve --http) serves the same bytes at /checkpoint and /tile/...`,
		Args: exactArgs("PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, _, err := c.hub.LogTile(args[0], c.rd)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}

package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func verifyCmd() *cobra.Command {
	var data, file, key, receipt, dossier, censusFile, since, consistency string
	var census, allowUnsealed bool
	var witnesses []string
	var quorum int
	var policy string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Replay the whole log and check every hash, signature and state digest",
		Long: `Replay every event from the start into a fresh state and check every
checkpoint's signature, its link to the previous checkpoint, its Merkle root
and its state digest. With --data (hub stopped) it also checks the stored
Merkle hashes and the stored state against the replay. With --file it checks
an export taken with 'polis checkpoint export' or 'ssh HUB chain export'.
Exits 0 only if everything matches; otherwise names the first bad event or
checkpoint.

--since FILE checks that the chain extends a checkpoint you kept (save one
with 'ssh HUB chain head > head.txt'): same key, no lower height, and an RFC
6962 consistency proof from its size to the head's. If not, the hub forked
or rolled back what you saw: verify says so with both sizes and roots and
exits non-zero. With --consistency PROOF.json (from 'ssh HUB chain
consistency OLD NEW --json') and --key it checks that proof instead of the
whole log.

Events after the last checkpoint are covered by no signature: anyone could
have appended them. An export with such a tail does not pass unless
--allow-unsealed says to accept them as unauthenticated ('ssh HUB chain
export' writes only the sealed log). A data dir's own tail is reported,
and sealed by the hub when it next starts.

--census prints the census recomputed at the last checkpoint; --census-file
compares it with a census saved from 'ssh HUB census --json' (at the
checkpoint that file names). --dossier checks a recognition dossier file
against its signature.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if receipt != "" {
				return verifyReceipt(cmd, receipt, key)
			}
			if dossier != "" {
				return verifyDossier(cmd, dossier, key)
			}
			if consistency != "" {
				return verifyConsistency(cmd, since, consistency, key)
			}
			// Flags that can be wrong are checked before a long replay.
			if len(witnesses) > 0 || policy != "" {
				if file == "" {
					return fmt.Errorf("--witness and --policy check an export's cosignatures: pass --file (a data dir holds none)")
				}
				if _, err := witnessGroup(witnesses, quorum, policy); err != nil {
					return err
				}
			}
			start := time.Now()
			bar := newBar(cmd.ErrOrStderr())
			var rep state.VerifyReport
			var err error
			var cosigned map[int64][]byte
			if file != "" {
				rep, cosigned, err = verifyFile(cmd, file, key, bar.update)
			} else {
				rep, err = store.VerifyDir(data, bar.update)
			}
			bar.done()
			if err != nil {
				return fmt.Errorf("verify FAILED: %w", err)
			}
			// An export's tail after its last checkpoint is covered by no
			// signature: anyone could have appended it. (A data dir's
			// own tail is the hub's, which seals it when it next starts.)
			if rep.Unsealed > 0 && file != "" && !allowUnsealed {
				return fmt.Errorf("verify FAILED: the %d sealed events check out, but %s after the last checkpoint (size %d) %s covered by no signature, so nothing says the hub wrote %s; export the sealed log, or pass --allow-unsealed to accept %s as unauthenticated",
					rep.Head.Size, state.Plural(int(rep.Unsealed), "event", "events"), rep.Head.Size, isAre(rep.Unsealed), themIt(rep.Unsealed), themIt(rep.Unsealed))
			}
			el := time.Since(start)
			rate := float64(rep.Events) / el.Seconds()
			fmt.Fprintf(cmd.OutOrStdout(), "verify ok: %d events, %d checkpoints, head %d at size %d, %d unsealed, state %x… (%.0f events/s)\n",
				rep.Events, rep.Checkpoints, rep.Head.Height, rep.Head.Size, rep.Unsealed, rep.Digest[:6], rate)
			if rep.Validators > 0 && file != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "replicated: every checkpoint is cosigned by more than two thirds of the validators' power in force at it (%d validators now)\n", rep.Validators)
			}
			if rep.MemberSigned > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "member-signed: %d acts carry their member's own SSH signature, each checked against the keys the member held then; the rest are attested by the hub\n", rep.MemberSigned)
			}
			if since != "" {
				if err := checkSince(cmd, rep, since); err != nil {
					return err
				}
			}
			if len(witnesses) > 0 || policy != "" {
				if err := checkWitnesses(cmd, rep.Head, cosigned[rep.Head.Height], witnesses, quorum, policy); err != nil {
					return err
				}
			}
			if rep.Unsealed > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "warning: %s after the last checkpoint (from event %d) %s unauthenticated: no signature covers %s yet\n",
					state.Plural(int(rep.Unsealed), "event", "events"), rep.Head.Size, isAre(rep.Unsealed), themIt(rep.Unsealed))
			}
			if rep.Crashed {
				fmt.Fprintln(cmd.OutOrStdout(), "note: the hub was not stopped cleanly; its write log was replayed in a scratch copy, and the data dir was left as the crash left it")
			}
			for _, rb := range rep.Rollbacks {
				fmt.Fprintf(cmd.OutOrStdout(), "rollback: checkpoints %d..%d were abandoned (the hub was restored from an older backup); checkpoint %d (size %d) links to checkpoint %d (size %d)\n",
					rb.Kept+1, rb.Resumed-1, rb.Resumed, rb.Size, rb.Kept, rb.KeptSize)
			}
			if censusFile != "" {
				return checkCensus(cmd, rep, censusFile)
			}
			if census {
				return printCensus(cmd, rep.Census)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir of a stopped hub")
	cmd.Flags().StringVar(&file, "file", "", "an export file instead of a data dir ('-' for stdin)")
	cmd.Flags().StringVar(&key, "key", "", "the hub's verifier key (from 'ssh HUB chain key'); without it an export's own key is trusted")
	cmd.Flags().StringVar(&receipt, "receipt", "", "check one receipt (JSON from 'ssh HUB receipt ... --json') against --key")
	cmd.Flags().BoolVar(&census, "census", false, "print the census recomputed at the last checkpoint")
	cmd.Flags().StringVar(&censusFile, "census-file", "", "compare with a census saved from 'ssh HUB census --json'")
	cmd.Flags().StringVar(&since, "since", "", "a checkpoint you kept ('ssh HUB chain head > FILE'): prove the chain extends it")
	cmd.Flags().StringVar(&consistency, "consistency", "", "with --since and --key: check this proof ('ssh HUB chain consistency OLD NEW --json') instead of the whole log")
	cmd.Flags().StringVar(&dossier, "dossier", "", "check a dossier file (dossier.md or dossier.json) against its .sig and --key")
	cmd.Flags().BoolVar(&allowUnsealed, "allow-unsealed", false, "accept events after the last checkpoint, reported as unauthenticated")
	cmd.Flags().StringArrayVar(&witnesses, "witness", nil, "with --file: a witness's key ('ssh WITNESS-HUB witness key'); the latest checkpoint must carry its cosignature (repeatable)")
	cmd.Flags().IntVar(&quorum, "quorum", 0, "with --witness: how many of the named witnesses must have cosigned (default: all)")
	cmd.Flags().StringVar(&policy, "policy", "", "with --file: a C2SP tlog-policy file naming the witnesses and quorum the latest checkpoint must satisfy")
	return cmd
}

func isAre(n uint64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func themIt(n uint64) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func verifyFile(cmd *cobra.Command, file, key string, p state.Progress) (state.VerifyReport, map[int64][]byte, error) {
	var r io.Reader = cmd.InOrStdin()
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return state.VerifyReport{}, nil, err
		}
		defer f.Close()
		r = f
	}
	x, err := state.ReadExport(r)
	if err != nil {
		return state.VerifyReport{}, nil, err
	}
	if key == "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "polis: trusting the key inside the export: %s\npolis: compare it with 'ssh HUB chain key', or pass --key\n", x.Key)
	} else if strings.TrimSpace(key) != x.Key {
		fmt.Fprintln(cmd.ErrOrStderr(), "polis: the export names a different key than --key; checking against --key")
	}
	rep, err := state.VerifyExport(x, strings.TrimSpace(key), p)
	return rep, x.Cosigned, err
}

// checkSince proves that the verified chain extends the checkpoint kept in
// file, and raises the alarm if it does not.
func checkSince(cmd *cobra.Command, rep state.VerifyReport, file string) error {
	b, err := readSmall(cmd, file)
	if err != nil {
		return err
	}
	s, err := rep.CheckSince(b)
	return reportSince(cmd, s, err)
}

func verifyConsistency(cmd *cobra.Command, since, file, key string) error {
	if since == "" || strings.TrimSpace(key) == "" {
		return fmt.Errorf("--consistency needs --since (the checkpoint you kept) and --key (the hub's verifier key)")
	}
	saved, err := readSmall(cmd, since)
	if err != nil {
		return err
	}
	b, err := readSmall(cmd, file)
	if err != nil {
		return err
	}
	var p state.Consistency
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("%s: not a consistency proof (save 'ssh HUB chain consistency OLD NEW --json'): %v", file, err)
	}
	s, err := state.CheckConsistency(p, saved, strings.TrimSpace(key))
	return reportSince(cmd, s, err)
}

func reportSince(cmd *cobra.Command, s state.Since, err error) error {
	var ee *chain.ExtendError
	if errors.As(err, &ee) {
		return fmt.Errorf("ALARM: %w", err)
	}
	if err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "since ok: checkpoint %d (size %d, root %s) extends the checkpoint %d you kept (size %d, root %s); consistency proof of %d hashes\n",
		s.Head.Height, s.Head.Size, b64(s.Head.Root[:]), s.Saved.Height, s.Saved.Size, b64(s.Saved.Root[:]), s.Proof)
	if s.Abandoned {
		fmt.Fprintf(cmd.OutOrStdout(), "note: checkpoint %d you kept was abandoned in a rollback, but every event it covers is still in the log\n", s.Saved.Height)
	}
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// readSmall reads a file a member saved ('-' for stdin).
func readSmall(cmd *cobra.Command, file string) ([]byte, error) {
	var r io.Reader = cmd.InOrStdin()
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, 1<<20))
}

// bar draws a progress bar on a terminal and nothing elsewhere.
type bar struct {
	w     io.Writer
	on    bool
	model progress.Model
	last  time.Time
}

func newBar(w io.Writer) *bar {
	f, ok := w.(*os.File)
	return &bar{w: w, on: ok && term.IsTerminal(f.Fd()), model: progress.New(progress.WithWidth(40), progress.WithDefaultBlend())}
}

func (b *bar) update(done, total uint64) {
	if !b.on || total == 0 || time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	fmt.Fprintf(b.w, "\r%s %d/%d events", b.model.ViewAs(float64(done)/float64(total)), done, total)
}

func (b *bar) done() {
	if b.on && !b.last.IsZero() {
		fmt.Fprint(b.w, "\r\x1b[2K")
	}
}

// verifyReceipt checks a receipt offline: the checkpoint's signature under
// the hub's key, and the event's inclusion proof against its root.
func verifyReceipt(cmd *cobra.Command, file, key string) error {
	if strings.TrimSpace(key) == "" {
		return fmt.Errorf("--receipt needs --key (the hub's verifier key, from 'ssh HUB chain key')")
	}
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	var rc state.Receipt
	if err := json.Unmarshal(b, &rc); err != nil {
		return fmt.Errorf("receipt: %v", err)
	}
	if err := state.CheckReceipt(rc, strings.TrimSpace(key)); err != nil {
		return fmt.Errorf("receipt FAILED: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "receipt ok: event %d is in the hub's signed log of %d events\n", rc.Seq, rc.TreeSize)
	return nil
}

package cmd

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// Member-signed acts over commands (README "Signing what you do"): the
// member fetches the exact bytes with --print-act, signs them where their
// key is, and sends the signature back with --sig -.

// sigFlags adds --sig, --sign and --print-act to a command whose act can
// be signed.
func sigFlags(cmd *cobra.Command, sig *string, printAct *bool) {
	cmd.Flags().StringVar(sig, "sig", "", "your SSH signature of the act (ssh-keygen -Y sign), read from stdin: --sig -")
	cmd.Flags().BoolVar(printAct, "print-act", false, "print the exact bytes to sign for this act and change nothing")
	cmd.Flags().Bool("sign", false, "sign the act with your forwarded SSH agent (connect with ssh -A)")
}

// actSig is the signature the flags give for command's act: read from
// stdin (--sig -), made by the forwarded agent (--sign), or none.
func (c *cli) actSig(cmd *cobra.Command, command state.Command, sigFlag string) (string, error) {
	sign, _ := cmd.Flags().GetBool("sign")
	if !sign {
		return readSig(cmd, sigFlag)
	}
	if sigFlag != "" || cmd.Flags().Changed("print-act") {
		return "", usage(cmd, "--sign, --sig and --print-act do not go together")
	}
	return c.signWithAgent(cmd, command)
}

// printAct writes the bytes the caller signs for command, unchanged (no
// newline added: the act ends with one).
func (c *cli) printAct(cmd *cobra.Command, command state.Command) error {
	act, err := c.hub.ActToSign(c.who.Actor(), time.Now().UnixMilli(), command)
	if err != nil {
		return err
	}
	_, err = cmd.OutOrStdout().Write(act)
	return err
}

// readSig reads an armoured signature for --sig: only "-" (stdin) names
// one, since the hub cannot read the member's files.
func readSig(cmd *cobra.Command, flag string) (string, error) {
	switch flag {
	case "":
		return "", nil
	case "-":
		s, err := readBounded(cmd.InOrStdin(), state.MaxSigLen, "signature")
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(s) == "" {
			return "", usage(cmd, "--sig - reads the signature from stdin: ssh HOST vote ID CHOICE --sig - < act.sig")
		}
		return s, nil
	}
	return "", usage(cmd, "the hub cannot read your files: send the signature on stdin, --sig - < %s", line(flag))
}

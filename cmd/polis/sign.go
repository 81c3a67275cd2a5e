package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hiddeco/sshsig"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
)

// maxAct bounds the act bytes polis sign reads.
const maxAct = 64 << 10

func signCmd() *cobra.Command {
	var key, out string
	cmd := &cobra.Command{
		Use:   "sign -f KEY [ACT]",
		Short: "Sign a polis act (the bytes `vote ID CHOICE --print-act` prints) with your SSH key",
		Long: `Sign the exact bytes of a polis act with a local SSH private key, as
ssh-keygen -Y sign -n polis@ORIGIN would, and print the armoured signature.
The act is read from the file ACT, or stdin; the namespace is taken from its
origin line. What is signed is shown on stderr first.

    ssh HUB vote 3 yes --print-act > act
    polis sign -f ~/.ssh/id_ed25519 act > act.sig
    ssh HUB vote 3 yes --sig - < act.sig

A key with a passphrase: use ssh-keygen -Y sign -n polis@ORIGIN -f KEY act
(it asks for the passphrase and writes act.sig).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if key == "" {
				return errors.New("sign needs -f KEY, your SSH private key file")
			}
			in := cmd.InOrStdin()
			if len(args) == 1 {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			act, err := io.ReadAll(io.LimitReader(in, maxAct+1))
			if err != nil {
				return err
			}
			if len(act) > maxAct {
				return errors.New("the act is too long to be a polis act")
			}
			pem, err := os.ReadFile(key)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Signing, with %s:\n", key)
			for _, l := range strings.Split(strings.TrimSuffix(string(act), "\n"), "\n") {
				fmt.Fprintf(cmd.ErrOrStderr(), "  %s\n", sanitize.Line(l))
			}
			sig, err := signAct(act, pem)
			if err != nil {
				return err
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(sig)
				return err
			}
			return os.WriteFile(out, sig, 0o644)
		},
	}
	cmd.Flags().StringVarP(&key, "key", "f", "", "your SSH private key file (OpenSSH format, no passphrase)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the signature to this file instead of stdout")
	return cmd
}

// signAct signs a polis act with an unencrypted private key, in the act's
// own origin's namespace.
func signAct(act, keyPEM []byte) ([]byte, error) {
	origin, err := state.ActOrigin(act)
	if err != nil {
		return nil, err
	}
	signer, err := gossh.ParsePrivateKey(keyPEM)
	var missing *gossh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, errors.New("the key has a passphrase: sign with ssh-keygen -Y sign -n " + state.SigNamespace(origin) + " -f KEY act")
	}
	if err != nil {
		return nil, fmt.Errorf("key: %v", err)
	}
	s, err := sshsig.Sign(bytes.NewReader(act), signer, sshsig.HashSHA512, state.SigNamespace(origin))
	if err != nil {
		return nil, err
	}
	return sshsig.Armor(s), nil
}

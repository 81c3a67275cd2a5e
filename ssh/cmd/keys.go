package cmd

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

// KeyListJSON is one key in `keys list --json`.
type KeyListJSON struct {
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Added       int64  `json:"added"`
	Current     bool   `json:"current"`
}

func (c *cli) keysCmd() *cobra.Command {
	return group("keys", "Manage your SSH keys", forMembers(),
		c.keysListCmd(), c.keysAddCmd(), c.keysConfirmCmd(), c.keysRemoveCmd(), c.keysRenameCmd())
}

func (c *cli) keysListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your keys",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		m := c.me()
		if *asJSON {
			list := []KeyListJSON{}
			for _, k := range m.Keys {
				list = append(list, KeyListJSON{Fingerprint: k.Fingerprint, Name: k.Name, Key: k.Key,
					Added: k.Added, Current: k.Fingerprint == c.who.Fingerprint})
			}
			return printJSON(cmd, list)
		}
		printKeys(cmd, m, c.who.Fingerprint)
		if o, ok, err := c.hub.KeyOfferOf(m.ID); err == nil && ok {
			out(cmd, "waiting to be confirmed (until %s):\n  %s\t%s\n", fmtTime(o.Expires), o.Fingerprint, line(o.Name))
		}
		return nil
	}
	return cmd
}

func (c *cli) keysAddCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add [--name NAME] [KEY...]",
		Short: "Offer a key (authorized_keys form, as arguments or on stdin); it is added once that key confirms it",
		Long: "Offer a key (authorized_keys form, as arguments or on stdin). The key is added only when\n" +
			"a session that logs in with it runs `keys confirm CODE` within 24 hours, which proves you\n" +
			"hold its private key. The code is printed alone on the last line. Certificates are refused.",
		Args: cobra.ArbitraryArgs,
	}
	name := cmd.Flags().String("name", "", "a name for the key (default: its comment)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		// A key line has spaces; unquoted over SSH it arrives as several
		// arguments, quoted as one. Either way it is one line.
		key := strings.Join(args, " ")
		if len(args) == 0 {
			var err error
			if key, err = readBounded(cmd.InOrStdin(), maxKeyInput, "key input"); err != nil {
				return err
			}
		}
		if strings.TrimSpace(key) == "" {
			return usage(cmd, "give the public key as arguments or on stdin")
		}
		code, o, err := c.hub.OfferKey(cmd.Context(), c.who.Actor(), key, *name)
		if err != nil {
			return err
		}
		out(cmd, "Key %s waits for its holder. From the machine that holds its private key, before %s, run:\n", o.Fingerprint, fmtTime(o.Expires))
		out(cmd, "    ssh HUB keys confirm %s\n(with that key: ssh -i KEYFILE ...). Until then it cannot log in.\n%s\n", code, code)
		return nil
	}
	return cmd
}

func (c *cli) keysConfirmCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "confirm CODE",
		Annotations: forReaders(state.ReadSelf),
		Short:       "Confirm a key offered with `keys add`; run it logged in with that key",
		Args:        exactArgs("CODE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			evs, err := c.submit(cmd, state.ConfirmKey{CodeHash: state.HashKeyCode(args[0])})
			if err != nil {
				return err
			}
			_, fp, _, err := state.ParseKey(evs[0].Body.(*state.KeyAdded).Key)
			if err != nil {
				return errors.New("key added, but it no longer parses") // unreachable: apply parsed it
			}
			out(cmd, "Added key %s to member %d.\n", fp, evs[0].Actor)
			return nil
		},
	}
}

func (c *cli) keysRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:         "remove FINGERPRINT|NAME",
		Annotations: forMembers(takesOwnKey),
		Short:       "Remove one of your keys",
		Args:        exactArgs("FINGERPRINT|NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := c.submit(cmd, state.RemoveKey{Ref: args[0]}); err != nil {
				return err
			}
			out(cmd, "Removed key %s.\n", line(args[0]))
			return nil
		},
	}
}

func (c *cli) keysRenameCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rename FINGERPRINT|NAME NEWNAME",
		Short: "Rename one of your keys",
		Args:  exactArgs("FINGERPRINT|NAME", "NEWNAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := c.submit(cmd, state.RenameKey{Ref: args[0], Name: args[1]}); err != nil {
				return err
			}
			out(cmd, "Renamed key %s to %s.\n", line(args[0]), line(args[1]))
			return nil
		},
	}
}

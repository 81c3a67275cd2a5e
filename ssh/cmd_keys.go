package ssh

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

type keyListJSON struct {
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Added       int64  `json:"added"`
	Current     bool   `json:"current"`
}

func (c *cli) keysCmd() *cobra.Command {
	return group("keys", "Manage your SSH keys",
		c.keysListCmd(), c.keysAddCmd(), c.keysRemoveCmd(), c.keysRenameCmd())
}

func (c *cli) keysListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your keys",
		Args:  noArgs,
	}
	asJSON := jsonFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		m, err := c.member()
		if err != nil {
			return err
		}
		if *asJSON {
			list := []keyListJSON{}
			for _, k := range m.Keys {
				list = append(list, keyListJSON{Fingerprint: k.Fingerprint, Name: k.Name, Key: k.Key,
					Added: k.Added, Current: k.Fingerprint == c.who.Fingerprint})
			}
			return printJSON(cmd, list)
		}
		printKeys(cmd, m, c.who.Fingerprint)
		return nil
	}
	return cmd
}

func (c *cli) keysAddCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add [--name NAME] [KEY...]",
		Short: "Add a key (authorized_keys form, as arguments or on stdin)",
		Args:  cobra.ArbitraryArgs,
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
		if _, err := c.submit(cmd, state.AddKey{Key: key, Name: *name}); err != nil {
			return err
		}
		_, fp, _, err := state.ParseKey(key)
		if err != nil {
			return errors.New("key added, but it no longer parses") // unreachable: Decide parsed it
		}
		out(cmd, "Added key %s.\n", fp)
		return nil
	}
	return cmd
}

func (c *cli) keysRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove FINGERPRINT|NAME",
		Short: "Remove one of your keys",
		Args:  exactArgs("FINGERPRINT|NAME"),
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

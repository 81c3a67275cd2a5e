package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

// The recognition dossier: files a community hands to officials, computed
// at the last checkpoint and signed with the hub's key.
const (
	dossierMD   = "dossier.md"
	dossierJSON = "dossier.json"
	sigSuffix   = ".sig"
)

func dossierCmd() *cobra.Command {
	var data, out, file string
	cmd := &cobra.Command{
		Use:   "dossier --data DIR --out DIR",
		Short: "Write a signed recognition dossier (Markdown and JSON) for officials",
		Long: `Write a recognition dossier: the charter, the census with the checkpoint it
was computed at, the governance record, a treasury summary, the spaces and the
dispute-resolution record (counts only), as dossier.md and its JSON twin
dossier.json. Each is signed with the hub's key (dossier.md.sig,
dossier.json.sig); hub.pub is the key to check them with:

    polis verify --dossier OUT/dossier.md --key "$(cat OUT/hub.pub)"

The whole log is verified first. --data is the hub's data dir (it holds the
signing key); a serving hub hands over its log through its control socket, a
stopped one is read directly; --file takes the log from an export instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("dossier needs --out DIR")
			}
			return writeDossier(cmd, data, file, out)
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "the hub's data dir (for its signing key, and its log unless --file)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write the dossier into (created if missing)")
	cmd.Flags().StringVar(&file, "file", "", "take the log from this export ('ssh HUB chain export') instead of the data dir")
	return cmd
}

func writeDossier(cmd *cobra.Command, data, file, out string) error {
	signer, err := store.Signer(data)
	if err != nil {
		return err
	}
	vb, err := os.ReadFile(filepath.Join(data, store.VerifyKey))
	if err != nil {
		return err
	}
	vkey := strings.TrimSpace(string(vb))
	var buf bytes.Buffer
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		buf.Write(b)
	} else if rc, _, err := requestExport(data); err == nil {
		// A serving hub hands its log over the control socket.
		_, err = io.Copy(&buf, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("reading the log from the hub: %w", err)
		}
	} else if !errors.Is(err, errNoHub) {
		return err
	} else if _, err := store.ExportDir(data, &buf); err != nil {
		return err
	}
	x, err := state.ReadExport(&buf)
	if err != nil {
		return err
	}
	bar := newBar(cmd.ErrOrStderr())
	st, c, signed, err := state.StateAtLastCheckpoint(x, vkey, bar.update)
	bar.done()
	if err != nil {
		return fmt.Errorf("the log does not verify, no dossier written: %w", err)
	}
	d := state.BuildDossier(st, c, signed, vkey)
	js, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	files := map[string][]byte{dossierMD: []byte(d.Markdown()), dossierJSON: append(js, '\n'), store.VerifyKey: []byte(vkey + "\n")}
	for _, name := range []string{dossierMD, dossierJSON} {
		sig, err := state.SignDossierFile(name, files[name], d.Checkpoint, signer)
		if err != nil {
			return err
		}
		files[name+sigSuffix] = sig
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, name := range []string{dossierMD, dossierJSON, dossierMD + sigSuffix, dossierJSON + sigSuffix, store.VerifyKey} {
		if err := os.WriteFile(filepath.Join(out, name), files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "dossier written to %s: %d members, at checkpoint %d (%d events); check it with\n  polis verify --dossier %s --key %q\n",
		out, d.Census.Members, d.Checkpoint.Height, d.Checkpoint.Size, filepath.Join(out, dossierMD), vkey)
	return nil
}

// verifyDossier checks a dossier file against its .sig and the hub's key.
func verifyDossier(cmd *cobra.Command, file, key string) error {
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	sig, err := os.ReadFile(file + sigSuffix)
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	if strings.TrimSpace(key) == "" {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(file), store.VerifyKey))
		if err != nil {
			return fmt.Errorf("no --key and no %s beside the dossier: %w", store.VerifyKey, err)
		}
		key = string(b)
		fmt.Fprintf(cmd.ErrOrStderr(), "polis: trusting the key beside the dossier: %s\npolis: compare it with 'ssh HUB chain key', or pass --key\n", strings.TrimSpace(key))
	}
	h, n, err := state.CheckDossierFile(content, sig, strings.TrimSpace(key))
	if err != nil {
		return fmt.Errorf("dossier FAILED: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "dossier ok: %s is as the hub signed it, computed at checkpoint %d (%d events)\n", file, h, n)
	return nil
}

package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/polis-hub/polis/chain"
)

// prepareDir creates a fresh data dir, or checks that an existing one is a
// polis data dir of a format this binary reads.
func prepareDir(dir string) error {
	if dir == "" {
		return errors.New("no data dir given")
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, formatFile), []byte(fmt.Sprintf("polis %d\n", FormatVersion)), 0o600)
	}
	if err != nil {
		return err
	}
	return checkFormat(dir)
}

func checkFormat(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, formatFile))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is not empty and is not a polis data dir (no %s file); refusing to touch it", dir, formatFile)
	}
	if err != nil {
		return err
	}
	var v int
	if _, err := fmt.Sscanf(string(b), "polis %d\n", &v); err != nil {
		return fmt.Errorf("%s: unreadable format marker %q", filepath.Join(dir, formatFile), strings.TrimSpace(string(b)))
	}
	if v > FormatVersion {
		return fmt.Errorf("%s was written by a newer polis (format %d; this binary reads up to %d): upgrade polis", dir, v, FormatVersion)
	}
	if v < FormatVersion {
		return fmt.Errorf("%s was written by an older, pre-release polis (format %d; this binary reads %d) and cannot be upgraded in place: keep its log with an older polis's 'checkpoint export', then start a new hub", dir, v, FormatVersion)
	}
	return nil
}

func loadOrCreateKey(dir, origin string) (skey, vkey string, err error) {
	sp, vp := filepath.Join(dir, signKeyFile), filepath.Join(dir, VerifyKey)
	sb, err := os.ReadFile(sp)
	if err == nil {
		vb, err := os.ReadFile(vp)
		if err != nil {
			return "", "", fmt.Errorf("signing key present but %s missing: %w", vp, err)
		}
		return strings.TrimSpace(string(sb)), strings.TrimSpace(string(vb)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", "", err
	}
	skey, vkey, err = chain.GenerateKey(origin)
	if err != nil {
		return "", "", fmt.Errorf("origin %q: %w", origin, err)
	}
	if err := os.WriteFile(sp, []byte(skey+"\n"), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(vp, []byte(vkey+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return skey, vkey, nil
}

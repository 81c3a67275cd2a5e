package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state/durable"
)

// HeadFile is the hub's high-water mark: the latest checkpoint it has
// published, a signed note exactly as members received it, kept outside
// Badger. It is written durably after the checkpoint's batch is durable and
// before anyone can read the checkpoint, so a store found behind it has lost
// history that members may hold (a damaged disk, an old backup), and the hub
// must refuse rather than sign those heights again.
const HeadFile = "HEAD"

// writeHead durably records signed as the latest published checkpoint of
// the data dir.
func writeHead(dir string, signed []byte) error {
	return durableWrite(filepath.Join(dir, HeadFile), signed)
}

// ReadHead returns the high-water mark of the data dir dir, verified with v;
// ok is false when there is none (a hub that has never sealed).
func ReadHead(dir string, v note.Verifier) (c chain.Checkpoint, signed []byte, ok bool, err error) {
	signed, err = os.ReadFile(filepath.Join(dir, HeadFile))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil, false, nil
	}
	if err != nil {
		return c, nil, false, err
	}
	c, err = chain.Open(signed, v)
	if err != nil {
		return c, nil, false, fmt.Errorf("%s: %w", filepath.Join(dir, HeadFile), err)
	}
	return c, signed, true, nil
}

// durableWrite writes a data dir file: owner-only, whole or not at all.
func durableWrite(path string, b []byte) error { return durable.WriteFile(path, b, 0o600) }

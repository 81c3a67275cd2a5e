package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
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
//
// HEAD is written once per checkpoint, and the checkpoint's callers wait
// for it, so it costs one sync, not durable.WriteFile's two (the file, then
// the directory for the rename): a note usually has the length of the one
// before it (only the size and height lines grow, a digit at a time), and
// then it is rewritten in place and synced. A write of at most one 512-byte
// sector at the start of a file lands whole or not at all, the guarantee
// PostgreSQL keeps its pg_control file under 512 bytes for; a longer note,
// or one of another length, is written whole to a new file and renamed.
func writeHead(dir string, signed []byte) error {
	p := filepath.Join(dir, HeadFile)
	if len(signed) <= headSector {
		if done, err := rewriteHead(p, signed); done {
			return err
		}
	}
	return durableWrite(p, signed)
}

const headSector = 512

// rewriteHead overwrites HEAD in place if it holds a note of signed's
// length; done is false when it did not try.
func rewriteHead(p string, signed []byte) (done bool, err error) {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return false, nil
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() != int64(len(signed)) {
		return false, nil
	}
	if _, err := f.WriteAt(signed, 0); err != nil {
		return true, err
	}
	if err := durable.Sync(f); err != nil {
		return true, err
	}
	return true, f.Close()
}

// ReadHead returns the high-water mark of the data dir dir, verified with v;
// ok is false when there is none (a hub that has never sealed).
func ReadHead(dir string, v note.Verifier) (c chain.Checkpoint, signed []byte, ok bool, err error) {
	p := filepath.Join(dir, HeadFile)
	// A read racing an in-place rewrite may see part of each note; the
	// next read sees one whole.
	for try := 0; ; try++ {
		signed, err = os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			return c, nil, false, nil
		}
		if err != nil {
			return c, nil, false, err
		}
		if c, err = chain.Open(signed, v); err == nil {
			return c, signed, true, nil
		}
		if try == 2 {
			return c, nil, false, fmt.Errorf("%s: %w", p, err)
		}
	}
}

// durableWrite writes a data dir file: owner-only, whole or not at all.
func durableWrite(path string, b []byte) error { return durable.WriteFile(path, b, 0o600) }

// ErrHistoryLost means the store no longer holds the history the hub has
// published: it is behind the data dir's HEAD, or holds another checkpoint
// at HEAD's height. Signing on would give members two histories under one
// key, so the hub refuses to start.
var ErrHistoryLost = errors.New("the store has lost history the hub published")

// checkHighWater compares the store's head (already loaded) with the data
// dir's HEAD, at open, before anything is signed or served. A store ahead of
// HEAD stopped after a checkpoint's batch was durable and before it was
// published; publishing it now is what would have happened next.
func (s *Store) checkHighWater(r state.Reader) error {
	c, signed, ok, err := ReadHead(s.opts.Dir, s.verifier)
	if err != nil {
		return fmt.Errorf("the high-water mark is unreadable, so the hub cannot tell whether its store lost published history: %w", err)
	}
	if !ok {
		// A hub that never sealed, or a data dir from before the mark:
		// the store's head is the best knowledge there is.
		return s.publishHead()
	}
	if err := compareToHead(s.opts.Dir, c, signed, s.verifier, r); err != nil {
		return err
	}
	s.hwm.Store(c.Height)
	if s.head.Height > c.Height {
		return s.publishHead()
	}
	return nil
}

// publishHead records the store's head as the high-water mark.
func (s *Store) publishHead() error {
	if s.head.Height == 0 {
		return nil
	}
	if err := writeHead(s.opts.Dir, s.headNote); err != nil {
		return fmt.Errorf("recording the high-water mark: %w", err)
	}
	s.hwm.Store(s.head.Height)
	return nil
}

// storedSize is the size a stored checkpoint covers, -1 if unreadable.
func storedSize(signed []byte, v note.Verifier) int64 {
	c, err := chain.Open(signed, v)
	if err != nil {
		return -1
	}
	return c.Size
}

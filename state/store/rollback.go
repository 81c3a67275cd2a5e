package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// A restored hub must never sign a height it already published with other
// roots. Restore learns the published head from the HEAD file the backup
// carries and from a checkpoint the steward hands it (RestoreOptions.Head);
// a backup behind it is refused, or, with RestoreOptions.Rollback, resumes
// above it: restore signs one checkpoint at the published height + 1 over
// the backup's whole log, linked to the backup's own last checkpoint, so
// the sequencer goes on from there. docs/events.md, "Rollback", is the rule
// verifiers apply to that gap.

func openHeadMark(signed []byte, v note.Verifier) (state.Head, error) {
	c, err := chain.Open(signed, v)
	if err != nil {
		return state.Head{}, err
	}
	return state.HeadOf(c, signed), nil
}

// mark is a checkpoint known to be published, and where it was learnt.
type mark struct {
	c      chain.Checkpoint
	signed []byte
	from   string
}

// settleHead checks the restored database against every published head
// known, rolls it forward past them if allowed, and writes HEAD.
func settleHead(db *badger.DB, dir string, info *RestoreInfo, o RestoreOptions) error {
	vb, err := os.ReadFile(filepath.Join(dir, VerifyKey))
	if err != nil {
		return err
	}
	v, err := chain.NewVerifier(strings.TrimSpace(string(vb)))
	if err != nil {
		return err
	}
	var marks []mark
	if h := info.HeadMark; h.Height > 0 {
		c, _ := chain.Open([]byte(h.Note), v) // checked by walkBackup
		marks = append(marks, mark{c, []byte(h.Note), "the backup's " + HeadFile})
	}
	if o.Head != nil {
		c, signed, err := state.ParseSaved(o.Head, v)
		if err != nil {
			return fmt.Errorf("--head: %w", err)
		}
		marks = append(marks, mark{c, signed, "--head"})
	}
	var top mark
	for _, m := range marks {
		if m.c.Height == top.c.Height && !bytes.Equal(m.signed, top.signed) {
			return fmt.Errorf("%s and %s are two different checkpoints %d: the hub has signed two histories; refusing to restore", top.from, m.from, m.c.Height)
		}
		if m.c.Height > top.c.Height {
			top = m
		}
	}
	if top.signed != nil {
		info.Published = state.HeadOf(top.c, top.signed)
	}
	own := info.Head
	err = db.View(func(txn *badger.Txn) error {
		r := &badgerReader{txn: txn}
		for _, m := range marks {
			if b, ok := r.Get(state.CheckpointKey(m.c.Height)); ok && !bytes.Equal(b, m.signed) {
				return fmt.Errorf("the backup is of another history than %s: both have a checkpoint %d, over other events (root %s in %s): refusing to restore it", m.from, m.c.Height, b64(m.c.Root[:]), m.from)
			}
		}
		return r.err
	})
	if err != nil {
		return err
	}
	if top.c.Height > own.Height {
		if !o.Rollback {
			return fmt.Errorf("%w: the backup ends at checkpoint %d (size %d), but %s is checkpoint %d (size %d). Members may hold checkpoints %d..%d, which the restored hub would sign again over other events. If this backup is all there is, restore it with --rollback: the events after size %d are lost, and the hub resumes at checkpoint %d",
				ErrRollback, own.Height, own.Size, top.from, top.c.Height, top.c.Size, own.Height+1, top.c.Height, own.Size, top.c.Height+1)
		}
		if err := resumeAbove(db, dir, info, top.c, o.Clock); err != nil {
			return fmt.Errorf("rolling back: %w", err)
		}
	}
	if info.Head.Height == 0 {
		return nil
	}
	return writeHead(dir, []byte(info.Head.Note))
}

// resumeAbove signs the checkpoint the rolled-back hub resumes at: height
// published+1, over every event the backup holds, linked to the backup's
// last checkpoint, never older than published, that one or its events.
func resumeAbove(db *badger.DB, dir string, info *RestoreInfo, published chain.Checkpoint, clock func() time.Time) error {
	if info.Size == 0 {
		return errors.New("the backup holds no events to resume from")
	}
	signer, err := Signer(dir)
	if err != nil {
		return err
	}
	if clock == nil {
		clock = time.Now
	}
	kept := info.Head
	return db.Update(func(txn *badger.Txn) error {
		r := &badgerReader{txn: txn}
		root, err := chain.TreeRoot(int64(info.Size), state.HashReader(r))
		if err != nil {
			return err
		}
		var d state.Digest
		if b, ok := r.Get(keyDigest); !ok || !d.SetBytes(b) {
			return errors.New("the backup's state digest is missing or corrupt")
		}
		var lastEvent int64
		if b, ok := r.Get(keyLastTime); ok {
			lastEvent, _ = strconv.ParseInt(string(b), 10, 64)
		}
		c := chain.Checkpoint{Origin: signer.Name(), Size: int64(info.Size), Root: root, Height: published.Height + 1,
			State: d.Sum(), Time: max(clock().Unix(), published.Time, kept.Time, lastEvent/1000)}
		if kept.Height > 0 {
			c.Prev = chain.NoteHash([]byte(kept.Note))
		}
		signed, err := chain.Sign(c, signer)
		if err != nil {
			return err
		}
		if err := txn.Set([]byte(state.CheckpointKey(c.Height)), signed); err != nil {
			return err
		}
		if err := txn.Set([]byte(keyHead), []byte(strconv.FormatInt(c.Height, 10))); err != nil {
			return err
		}
		info.Rollback = &state.Rollback{Kept: kept.Height, KeptSize: kept.Size, Resumed: c.Height, Size: c.Size}
		info.Head = state.HeadOf(c, signed)
		return r.err
	})
}

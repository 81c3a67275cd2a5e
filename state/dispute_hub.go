package state

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"

	"github.com/polis-hub/polis/chain"
)

// firstCheckpointAfter finds the first sealed checkpoint covering event
// seq: the one whose hash seeds a jury drawn for an appeal at seq.
func (h *Hub) firstCheckpointAfter(seq uint64) (height int64, seed [32]byte, ok bool, err error) {
	v, err := h.verifier()
	if err != nil {
		return 0, seed, false, err
	}
	err = h.View(func(r Reader) error {
		var err error
		r.Scan(PrefixCheckpoint, func(_ string, b []byte) bool {
			var c chain.Checkpoint
			if c, err = chain.Open(b, v); err != nil {
				return false
			}
			if uint64(c.Size) > seq {
				height, seed, ok = c.Height, chain.NoteHash(b), true
				return false
			}
			return true
		})
		return err
	})
	return height, seed, ok, err
}

// drawJuries draws the jury of every appealed case whose seed checkpoint
// has been sealed.
func (h *Hub) drawJuries(ctx context.Context) {
	var waiting []Case
	_ = h.View(func(r Reader) error {
		for _, id := range DueBy(r, DueJury, 0) {
			if c, ok := GetCase(r, id); ok {
				waiting = append(waiting, c)
			}
		}
		return nil
	})
	for _, c := range waiting {
		height, seed, ok, err := h.firstCheckpointAfter(c.AppealSeq)
		if err != nil || !ok {
			continue
		}
		_, _ = h.Submit(ctx, SystemActor, DrawCaseJury{ID: c.ID, Height: height, Seed: seed})
	}
}

// Cases lists every case.
func (h *Hub) Cases() (cs []Case, err error) {
	err = h.View(func(r Reader) error { cs = ListCases(r); return nil })
	return cs, err
}

// CaseWithThread returns a case and its statements.
func (h *Hub) CaseWithThread(id uint64) (c Case, thread []Statement, err error) {
	err = h.View(func(r Reader) error {
		var ok bool
		if c, ok = GetCase(r, id); !ok {
			return notFound("no case %d", id)
		}
		thread = ListEvidence(r, id)
		return nil
	})
	return c, thread, err
}

// checkJurySeed is verify's part of the lottery: the seed a jury was drawn
// from must be the hash of the first checkpoint sealed after the appeal.
func (cs *checkpointSet) checkJurySeed(c Case, d *JuryDrawn) error {
	for i, ck := range cs.list {
		if uint64(ck.Size) <= c.AppealSeq {
			continue
		}
		if ck.Height != d.Height {
			return errors.New("the jury was not drawn from the first checkpoint after the appeal")
		}
		want := chain.NoteHash(cs.notes[i])
		if hex.EncodeToString(want[:]) != d.Seed {
			return errors.New("the jury seed is not that checkpoint's hash")
		}
		return nil
	}
	return errors.New("the jury seed names no checkpoint in this log")
}

// EventsOfKind calls fn, in log order, for every event whose type starts
// with one of the prefixes (e.g. "case.", "jury."): audit views are built
// from the log itself, which keeps every action and its time.
func (h *Hub) EventsOfKind(prefixes []string, fn func(Event) error) error {
	marks := make([][]byte, len(prefixes))
	for i, p := range prefixes {
		marks[i] = []byte(`"type":"` + p)
	}
	return h.View(func(r Reader) error {
		var ferr error
		r.Scan(PrefixEvent, func(_ string, v []byte) bool {
			hit := false
			for _, m := range marks {
				if bytes.Contains(v, m) {
					hit = true
					break
				}
			}
			if !hit {
				return true
			}
			ev, err := Decode(v)
			if err == nil {
				err = fn(ev)
			}
			ferr = err
			return err == nil
		})
		return ferr
	})
}

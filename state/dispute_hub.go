package state

import (
	"bytes"
	"encoding/hex"
	"errors"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// firstCheckpointAfter finds the first sealed checkpoint covering event
// seq: the one whose hash seeds a jury drawn for an appeal at seq.
func firstCheckpointAfter(r Reader, v note.Verifier, seq uint64) (height int64, seed [32]byte, ok bool) {
	r.Scan(PrefixCheckpoint, func(_ string, b []byte) bool {
		c, err := chain.Open(b, v)
		if err != nil {
			return false
		}
		if uint64(c.Size) > seq {
			height, seed, ok = c.Height, chain.NoteHash(b), true
			return false
		}
		return true
	})
	return height, seed, ok
}

// juryDraws are the draws of every appealed case whose seed checkpoint
// has been sealed.
func juryDraws(r Reader, v note.Verifier) (cmds []Command) {
	for _, id := range DueBy(r, DueJury, 0) {
		c, ok := GetCase(r, id)
		if !ok {
			continue
		}
		if height, seed, ok := firstCheckpointAfter(r, v, c.AppealSeq); ok {
			cmds = append(cmds, DrawCaseJury{ID: c.ID, Height: height, Seed: seed})
		}
	}
	return cmds
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

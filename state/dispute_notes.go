package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/polis-hub/polis/state/sanitize"
)

// Private moderator notes. The log is public, so a note's text cannot be in
// it: the event carries only the SHA-256 of the text (a commitment anyone
// can see exists, and nobody can later deny or alter), while the text is
// written to the private keyspace "p/" in the same transaction. Private
// keys are outside the state digest and the export, and kept in the data
// dir and its backups. Only moderators who are not parties read them.

// CaseNoted commits to a private note.
type CaseNoted struct {
	Case uint64 `json:"case"`
	Note uint64 `json:"note"`
	Hash string `json:"hash"` // hex SHA-256 of the note's text
}

func (CaseNoted) EventType() string { return "case.noted" }

func init() { register(func() Body { return &CaseNoted{} }) }

const (
	prefixNoteHash = "s/casenote/"
	prefixPrivate  = "p/note/"
)

func noteKey(prefix string, c, n uint64) string { return fmt.Sprintf("%s%012d/%06d", prefix, c, n) }

// PrivateNote is a note as moderators read it.
type PrivateNote struct {
	Note   uint64 `json:"note"`
	Author uint64 `json:"author"`
	Time   int64  `json:"time"`
	Text   string `json:"text"`
	Hash   string `json:"hash"`
}

type noteRecord struct {
	Note   uint64 `json:"note"`
	Author uint64 `json:"author"`
	Time   int64  `json:"time"`
	Hash   string `json:"hash"`
}

// privateWriter is a command that writes private text beside its events.
type privateWriter interface {
	private(evs []Event) map[string][]byte
}

// AddPrivateNote adds a moderators-only note to a case.
type AddPrivateNote struct {
	ID   uint64
	Body string
}

func noteHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func mayReadNotes(m Member, c Case) bool { return m.HasRole(RoleModerator) && !c.party(m.ID) }

func (c AddPrivateNote) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, cs, err := memberAndCase(r, env, c.ID)
	if err != nil {
		return 0, nil, err
	}
	if !mayReadNotes(m, cs) {
		return 0, nil, forbidden("private notes are for moderators who are not parties to the case")
	}
	if err := sanitize.Check("note", c.Body, MaxCaseStatement, true, true); err != nil {
		return 0, nil, err
	}
	n := uint64(1)
	r.Scan(fmt.Sprintf("%s%012d/", prefixNoteHash, cs.ID), func(string, []byte) bool { n++; return true })
	return m.ID, []Body{&CaseNoted{Case: cs.ID, Note: n, Hash: noteHash(c.Body)}}, nil
}

func (c AddPrivateNote) private(evs []Event) map[string][]byte {
	b := evs[0].Body.(*CaseNoted)
	return map[string][]byte{noteKey(prefixPrivate, b.Case, b.Note): []byte(c.Body)}
}

func applyNote(w Writer, ev Event, b *CaseNoted) error {
	c, ok := GetCase(w, b.Case)
	m, mok := GetMember(w, ev.Actor)
	if !ok || !mok || !mayReadNotes(m, c) {
		return fmt.Errorf("member %d may not note case %d", ev.Actor, b.Case)
	}
	if _, dup := w.Get(noteKey(prefixNoteHash, b.Case, b.Note)); dup || len(b.Hash) != 64 {
		return fmt.Errorf("note %d on case %d out of order", b.Note, b.Case)
	}
	putJSON(w, noteKey(prefixNoteHash, b.Case, b.Note), noteRecord{Note: b.Note, Author: ev.Actor, Time: ev.Time, Hash: b.Hash})
	return nil
}

// PrivateNotes returns a case's private notes to a moderator who is not a
// party; anyone else gets an error.
func (h *Hub) PrivateNotes(caseID uint64, a Actor) (out []PrivateNote, err error) {
	err = h.View(func(r Reader) error {
		m, err := member(r, Env{Actor: a})
		if err != nil {
			return err
		}
		c, err := caseFor(r, caseID)
		if err != nil {
			return err
		}
		if !mayReadNotes(m, c) {
			return forbidden("private notes are for moderators who are not parties to the case")
		}
		r.Scan(fmt.Sprintf("%s%012d/", prefixNoteHash, caseID), func(k string, v []byte) bool {
			var rec noteRecord
			if json.Unmarshal(v, &rec) != nil {
				return true
			}
			text, _ := r.Get(noteKey(prefixPrivate, caseID, rec.Note))
			out = append(out, PrivateNote{Note: rec.Note, Author: rec.Author, Time: rec.Time, Text: string(text), Hash: rec.Hash})
			return true
		})
		return nil
	})
	return out, err
}

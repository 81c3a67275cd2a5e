package state

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/polis-hub/polis/state/sanitize"
)

// Private moderator notes. Every member reads the log, parties included,
// so a note's text cannot be in it: the event carries only a salted
// SHA-256 of the text (a commitment every member can see exists, and
// nobody can later deny or alter), while the
// text and its salt are written to the private keyspace "p/" in the same
// transaction. The salt is 32 random bytes that never leave the private
// keyspace, so a short or predictable note ("no action", a member's name)
// cannot be found by hashing guesses. Private keys are outside the state
// digest and the export, and kept in the data dir and its backups. Only
// moderators who are not parties read them.

// CaseNoted commits to a private note.
type CaseNoted struct {
	Case uint64 `json:"case"`
	Note uint64 `json:"note"`
	Hash string `json:"hash"` // salted commitment to the note's text: see noteHash
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
	Salt   string `json:"salt"`
	Hash   string `json:"hash"`
}

// privateNote is a note's value in the private keyspace.
type privateNote struct {
	Salt string `json:"salt"` // 64 hex digits
	Text string `json:"text"`
}

type noteRecord struct {
	Note   uint64 `json:"note"`
	Author uint64 `json:"author"`
	Time   int64  `json:"time"`
	Hash   string `json:"hash"`
}

// AddPrivateNote adds a moderators-only note to a case. Salt is 32 random
// bytes in hex, made by the caller (Decide is pure): use NewPrivateNote.
type AddPrivateNote struct {
	ID   uint64
	Body string
	Salt string
}

// NewPrivateNote is the note command with a fresh random salt.
func NewPrivateNote(id uint64, body string) AddPrivateNote {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return AddPrivateNote{ID: id, Body: body, Salt: hex.EncodeToString(b[:])}
}

// noteHash is the commitment case.noted carries: hex SHA-256 of
// "polis-note\x00", the 32 salt bytes and the text.
func noteHash(salt []byte, text string) string {
	h := sha256.New()
	h.Write([]byte("polis-note\x00"))
	h.Write(salt)
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil))
}

// noteMatches reports whether a private value (privateNote JSON) is the
// note the commitment hash was made from.
func noteMatches(v []byte, hash string) bool {
	var n privateNote
	if json.Unmarshal(v, &n) != nil {
		return false
	}
	salt, err := hex.DecodeString(n.Salt)
	return err == nil && len(salt) == 32 && noteHash(salt, n.Text) == hash
}

func mayReadNotes(m Member, c Case) bool { return m.HasRole(RoleModerator) && !c.party(m.ID) }

func (c AddPrivateNote) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, cs, err := memberAndCase(r, env, c.ID)
	if err != nil {
		return 0, nil, err
	}
	if err := CaseRefusal(ActNote, m, cs, env.Time, lookupIn(r)); err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("note", c.Body, MaxCaseStatement, true, true); err != nil {
		return 0, nil, err
	}
	salt, err := hex.DecodeString(c.Salt)
	if err != nil || len(salt) != 32 {
		return 0, nil, fmt.Errorf("a note needs a salt of 32 random bytes in hex")
	}
	n := uint64(1)
	r.Scan(fmt.Sprintf("%s%012d/", prefixNoteHash, cs.ID), func(string, []byte) bool { n++; return true })
	return m.ID, []Body{&CaseNoted{Case: cs.ID, Note: n, Hash: noteHash(salt, c.Body)}}, nil
}

func (c AddPrivateNote) private(w Writer, _ Env, _ uint64, evs []Event) {
	b := evs[0].Body.(*CaseNoted)
	v, err := json.Marshal(privateNote{Salt: c.Salt, Text: c.Body})
	if err != nil {
		panic(err) // a plain struct of strings
	}
	w.Set(noteKey(prefixPrivate, b.Case, b.Note), v)
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
		if !MayRead(ReadNotes, Reading{Member: &m, Case: &c}) {
			return forbidden("private notes are for moderators who are not parties to the case")
		}
		r.Scan(fmt.Sprintf("%s%012d/", prefixNoteHash, caseID), func(k string, v []byte) bool {
			var rec noteRecord
			if json.Unmarshal(v, &rec) != nil {
				return true
			}
			var n privateNote
			if v, ok := r.Get(noteKey(prefixPrivate, caseID, rec.Note)); ok {
				_ = json.Unmarshal(v, &n) // verify --data names a bad one
			}
			out = append(out, PrivateNote{Note: rec.Note, Author: rec.Author, Time: rec.Time, Text: n.Text, Salt: n.Salt, Hash: rec.Hash})
			return true
		})
		return nil
	})
	return out, err
}

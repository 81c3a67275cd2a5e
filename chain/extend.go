package chain

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// A member keeps the last checkpoint they saw and checks that the next one
// extends it: same key, no lower height, no smaller log, and an RFC 6962
// consistency proof that the old tree is a prefix of the new. A hub that
// forks its history, or rolls it back below what it published, fails that
// check for every member who kept a checkpoint it dropped.

// ExtendError says that a checkpoint does not extend one a member kept.
type ExtendError struct {
	Old, New Checkpoint
	Why      string
}

func (e *ExtendError) Error() string {
	return fmt.Sprintf("the hub's checkpoint %d (size %d, root %s) does not extend the checkpoint %d you kept (size %d, root %s): %s",
		e.New.Height, e.New.Size, b64(e.New.Root[:]), e.Old.Height, e.Old.Size, b64(e.Old.Root[:]), e.Why)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// CheckExtends checks that next, a checkpoint of the same log as old (both
// already opened with the hub's key), extends it: p is the consistency
// proof from old's size to next's. Two checkpoints of one height must be
// the same checkpoint; the caller compares their notes.
func CheckExtends(old, next Checkpoint, p ConsistencyProof) error {
	fail := func(f string, a ...any) error { return &ExtendError{Old: old, New: next, Why: fmt.Sprintf(f, a...)} }
	switch {
	case old.Origin != next.Origin:
		return fail("they name different logs (%q, %q)", old.Origin, next.Origin)
	case next.Height < old.Height:
		return fail("its height is lower: the hub is behind what it published")
	case next.Size < old.Size:
		return fail("its log is shorter: the hub lost or dropped events it had published")
	case next.Time < old.Time:
		return fail("it is older (time %d, yours %d)", next.Time, old.Time)
	case next.Height == old.Height && next != old:
		return fail("two different checkpoints at one height: the hub signed two histories")
	}
	if err := CheckConsistency(p, next.Size, next.Root, old.Size, old.Root); err != nil {
		return fail("the consistency proof fails (%v): the events you saw are not a prefix of the hub's log", err)
	}
	return nil
}

// maxSaved bounds what FindSigned reads: a signed checkpoint is well under
// a kilobyte, with or without the text `chain head` prints around it.
const maxSaved = 64 << 10

// FindSigned finds a signed checkpoint, verified with v, in what a member
// saved: the note alone (as in a hub's HEAD file), or with text before it
// (what `ssh HUB chain head` prints). It returns the checkpoint and its
// note exactly as signed.
func FindSigned(b []byte, v note.Verifier) (Checkpoint, []byte, error) {
	if len(b) > maxSaved {
		return Checkpoint{}, nil, fmt.Errorf("%d bytes is too long for a saved checkpoint", len(b))
	}
	// A note ends in exactly one newline; a file may have more. (A new
	// slice: the caller's bytes are left alone.)
	t := bytes.TrimRight(b, "\n\r\t ")
	b = append(t[:len(t):len(t)], '\n')
	otherKey := false
	for i := 0; i < len(b); {
		c, err := Open(b[i:], v)
		if err == nil {
			return c, b[i:], nil
		}
		if c, signed, ok := openCosigned(b[i:], v); ok {
			return c, signed, nil
		}
		var unverified *note.UnverifiedNoteError
		otherKey = otherKey || errors.As(err, &unverified)
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	if otherKey {
		return Checkpoint{}, nil, fmt.Errorf("the checkpoint in it is not signed by %s (another hub's, or another key's)", v.Name())
	}
	return Checkpoint{}, nil, fmt.Errorf("no signed checkpoint of %s in it", v.Name())
}

// openCosigned opens a checkpoint that carries witnesses' cosignature
// lines besides the hub's signature (as 'chain head' prints it), and
// returns the note as the hub alone signed it.
func openCosigned(b []byte, v note.Verifier) (Checkpoint, []byte, bool) {
	n, err := note.Open(b, note.VerifierList(v))
	if err != nil || len(n.Sigs) != 1 {
		return Checkpoint{}, nil, false
	}
	signed := []byte(n.Text + "\n\u2014 " + n.Sigs[0].Name + " " + n.Sigs[0].Base64 + "\n")
	c, err := Open(signed, v)
	return c, signed, err == nil
}

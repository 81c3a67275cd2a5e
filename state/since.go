package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// Members keep the last checkpoint they saw (`ssh HUB chain head > head.txt`)
// and later check that the hub's chain extends it: with the whole log
// (`polis verify --file chain.polis --since head.txt`), or with only a
// consistency proof (`ssh HUB chain consistency OLD NEW --json`).

// ParseSaved reads a checkpoint a member saved: a signed note (a hub's HEAD
// file), what `ssh HUB chain head` prints, or its --json form. It returns
// the checkpoint, verified with v, and its note exactly as signed.
func ParseSaved(b []byte, v note.Verifier) (chain.Checkpoint, []byte, error) {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var h struct {
			Note string `json:"note"`
		}
		if err := json.Unmarshal(t, &h); err != nil || h.Note == "" {
			return chain.Checkpoint{}, nil, errors.New("saved checkpoint: JSON without a signed \"note\" (save 'ssh HUB chain head --json' after the first checkpoint)")
		}
		b = []byte(h.Note)
	}
	c, signed, err := chain.FindSigned(b, v)
	if err != nil {
		return c, nil, fmt.Errorf("saved checkpoint: %w", err)
	}
	return c, signed, nil
}

// Since is what checking a saved checkpoint against the hub's chain found.
type Since struct {
	Saved chain.Checkpoint
	Head  chain.Checkpoint // the checkpoint that extends it
	Proof int              // hashes in the consistency proof
	// Abandoned: the saved checkpoint's height lies in a rollback gap, yet
	// every event it covers is still in the log.
	Abandoned bool
}

// CheckSince checks that the chain rep verified extends the checkpoint
// saved, by an RFC 6962 consistency proof from its size to the head's,
// computed from the replayed events. An *chain.ExtendError means it does
// not: the hub forked or rolled back what the member saw.
func (rep VerifyReport) CheckSince(saved []byte) (Since, error) {
	rp := rep.rp
	if rp == nil {
		return Since{}, errors.New("nothing was verified")
	}
	old, oldNote, err := ParseSaved(saved, rp.cs.v)
	if err != nil {
		return Since{}, err
	}
	cs := rp.cs
	if len(cs.list) == 0 {
		return Since{Saved: old}, &chain.ExtendError{Old: old, Why: "the hub's chain has no checkpoint at all"}
	}
	head := cs.list[len(cs.list)-1]
	out := Since{Saved: old, Head: head}
	i := sort.Search(len(cs.list), func(i int) bool { return cs.list[i].Height >= old.Height })
	switch {
	case i < len(cs.list) && cs.list[i].Height == old.Height:
		if !bytes.Equal(cs.notes[i], oldNote) {
			return out, &chain.ExtendError{Old: old, New: cs.list[i], Why: "two different checkpoints at one height: the hub signed two histories"}
		}
	case i == len(cs.list):
		return out, &chain.ExtendError{Old: old, New: head, Why: "its height is lower: the hub is behind what it published"}
	default:
		out.Abandoned = true
	}
	if old.Size > head.Size {
		err = &chain.ExtendError{Old: old, New: head, Why: "its log is shorter: the hub lost or dropped events it had published"}
	} else {
		p, perr := chain.ProveConsistency(head.Size, old.Size, &rp.hashes)
		if perr != nil {
			return out, perr
		}
		out.Proof = len(p)
		err = chain.CheckExtends(old, head, p)
	}
	var ee *chain.ExtendError
	if out.Abandoned && errors.As(err, &ee) {
		ee.Why = fmt.Sprintf("the hub rolled back past it (height %d lies in an abandoned range): %s", old.Height, ee.Why)
	}
	return out, err
}

// Consistency is an RFC 6962 consistency proof between two sizes of the
// log, as `ssh HUB chain consistency OLD NEW` gives it.
type Consistency struct {
	OldSize int64    `json:"old_size"`
	NewSize int64    `json:"new_size"`
	OldRoot string   `json:"old_root"`
	NewRoot string   `json:"new_root"`
	Proof   []string `json:"proof"`
	// Checkpoint is the hub's latest signed checkpoint when NEW is its size,
	// so the proof checks offline against a signed root.
	Checkpoint string `json:"checkpoint,omitempty"`
}

// CheckConsistency checks offline, with only the hub's verifier key, that
// the hub's checkpoint in proof extends the checkpoint saved.
func CheckConsistency(proof Consistency, saved []byte, vkey string) (Since, error) {
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return Since{}, fmt.Errorf("verifier key: %w", err)
	}
	old, _, err := ParseSaved(saved, v)
	if err != nil {
		return Since{}, err
	}
	if proof.Checkpoint == "" {
		return Since{Saved: old}, errors.New("the proof holds no signed checkpoint: ask for NEW = the size in 'ssh HUB chain head'")
	}
	next, err := chain.Open([]byte(proof.Checkpoint), v)
	if err != nil {
		return Since{Saved: old}, fmt.Errorf("the proof's checkpoint: %w", err)
	}
	out := Since{Saved: old, Head: next, Proof: len(proof.Proof)}
	if proof.OldSize != old.Size || proof.NewSize != next.Size || proof.NewRoot != b64(next.Root[:]) {
		return out, fmt.Errorf("the proof is from size %d to %d, but your checkpoint has size %d and the hub's %d (root %s)", proof.OldSize, proof.NewSize, old.Size, next.Size, b64(next.Root[:]))
	}
	var p chain.ConsistencyProof
	for _, s := range proof.Proof {
		b, err := base64Std.DecodeString(s)
		if err != nil || len(b) != len(chain.Hash{}) {
			return out, errors.New("the proof holds a malformed hash")
		}
		p = append(p, chain.Hash(b))
	}
	return out, chain.CheckExtends(old, next, p)
}

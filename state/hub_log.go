package state

import (
	"fmt"
	"io"
	"slices"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// The log as the doors read it: its size and head, receipts and proofs, the
// export. Each reads the engine's published read model or a View, so it
// works on any Engine.

// Published is the read model of the latest commit: compare its numbers to
// tell what changed since an earlier one.
func (h *Hub) Published() *Published { return h.eng.Published() }

// Size is the number of events in the log.
func (h *Hub) Size() uint64 { return h.eng.Published().Size }

// Head returns the latest checkpoint, and false before the first.
func (h *Hub) Head() (Head, bool) {
	hd := h.eng.Published().Head
	return hd, hd.Height > 0
}

// StateDigest is the digest of the current state.
func (h *Hub) StateDigest() [32]byte { return h.eng.Published().Digest }

// LastCensus is the census at the latest checkpoint, nil if none was
// computed since start-up.
func (h *Hub) LastCensus() *CensusAt { return h.eng.Published().Census }

// VerifierKey is the note verifier key of this hub's checkpoints.
func (h *Hub) VerifierKey() string { return h.eng.VerifierKey() }

// WriteExport writes the log and its checkpoints, as of one snapshot, to
// w: the sealed log, up to the latest checkpoint, or with unsealed the
// events after it too (which no signature covers yet).
func (h *Hub) WriteExport(w io.Writer, unsealed bool) error {
	p := h.eng.Published()
	cos := h.exportCosignatures()
	if unsealed {
		return h.eng.WriteExportTo(w, p.Size, cos...)
	}
	return h.eng.WriteExportTo(w, uint64(p.Head.Size), cos...)
}

// exportCosignatures groups the witnesses' latest cosignatures by the
// checkpoint each cosigned, for the export.
func (h *Hub) exportCosignatures() []Cosignatures {
	by := map[int64][]byte{}
	var order []int64
	for _, c := range h.Cosignatures() {
		if c.Height < 1 || c.Line == "" {
			continue
		}
		if _, ok := by[c.Height]; !ok {
			order = append(order, c.Height)
		}
		by[c.Height] = append(by[c.Height], c.Line+"\n"...)
	}
	slices.Sort(order)
	out := make([]Cosignatures, len(order))
	for i, h := range order {
		out[i] = Cosignatures{Height: h, Lines: by[h]}
	}
	return out
}

// verifier opens the hub's checkpoints.
func (h *Hub) verifier() (note.Verifier, error) {
	h.vonce.Do(func() { h.v, h.verr = chain.NewVerifier(h.eng.VerifierKey()) })
	return h.v, h.verr
}

// Receipt returns the receipt for event seq against the latest checkpoint.
func (h *Hub) Receipt(seq uint64) (Receipt, error) {
	head := h.eng.Published().Head
	rc := Receipt{Seq: seq, Proof: []string{}}
	err := h.View(func(r Reader) error {
		ev, ok := r.Get(EventKey(seq))
		if !ok {
			return notFound("no event %d (the log has %d)", seq, h.Size())
		}
		lh := chain.LeafHash(ev)
		rc.Event, rc.LeafHash = string(ev), b64(lh[:])
		if e, err := Decode(ev); err == nil {
			rc.MemberSigned = IsMemberSigned(e.Body)
		}
		if head.Height == 0 || int64(seq) >= head.Size {
			return nil
		}
		p, err := chain.ProveInclusion(head.Size, int64(seq), HashReader(r))
		if err != nil {
			return err
		}
		for _, h := range p {
			rc.Proof = append(rc.Proof, b64(h[:]))
		}
		rc.Sealed, rc.TreeSize, rc.Checkpoint = true, head.Size, head.Note
		return nil
	})
	return rc, err
}

// Consistency proves that the log of size old is a prefix of the log of
// size new. Both must be sealed: 1 <= old <= new <= the latest checkpoint's
// size.
func (h *Hub) Consistency(old, new int64) (Consistency, error) {
	head, ok := h.Head()
	switch {
	case !ok:
		return Consistency{}, notFound("no checkpoint yet")
	case old < 1 || old > new:
		return Consistency{}, fmt.Errorf("want sizes 1 <= OLD <= NEW, not %d and %d", old, new)
	case new > head.Size:
		return Consistency{}, notFound("size %d is not sealed yet: the latest checkpoint (%d) covers %d events", new, head.Height, head.Size)
	}
	out := Consistency{OldSize: old, NewSize: new, Proof: []string{}}
	if new == head.Size {
		out.Checkpoint = head.Note
	}
	err := h.View(func(r Reader) error {
		hr := HashReader(r)
		oldRoot, err := chain.TreeRoot(old, hr)
		if err != nil {
			return err
		}
		newRoot, err := chain.TreeRoot(new, hr)
		if err != nil {
			return err
		}
		p, err := chain.ProveConsistency(new, old, hr)
		if err != nil {
			return err
		}
		out.OldRoot, out.NewRoot = b64(oldRoot[:]), b64(newRoot[:])
		for _, h := range p {
			out.Proof = append(out.Proof, b64(h[:]))
		}
		return nil
	})
	return out, err
}

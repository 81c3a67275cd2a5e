package state

import (
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// Head describes the latest sealed checkpoint.
type Head struct {
	Height int64  `json:"height"`
	Size   int64  `json:"size"`
	Root   string `json:"root"`
	State  string `json:"state"`
	Prev   string `json:"prev"`
	// Time is unix milliseconds, as every time polis prints in JSON; the
	// signed note's own time line counts seconds.
	Time   int64  `json:"time"`
	Origin string `json:"origin"`
	Note   string `json:"note"`
}

// HeadOf describes checkpoint c, signed as the note signed.
func HeadOf(c chain.Checkpoint, signed []byte) Head {
	return Head{Height: c.Height, Size: c.Size, Root: b64(c.Root[:]), State: b64(c.State[:]),
		Prev: b64(c.Prev[:]), Time: c.Time * 1000, Origin: c.Origin, Note: string(signed)}
}

// Seal signs the checkpoint after prev over the first size events of the
// log w holds, with state digest digest and time unix (seconds), and
// records it at its CheckpointKey in w. It reads O(log size) hashes and
// nothing else, so it costs the same at any log or state size. The time is
// the engine's to choose: never before prev's, nor before the events it
// covers.
func Seal(w Writer, signer note.Signer, size uint64, digest [32]byte, prev Head, unix int64) (chain.Checkpoint, []byte, error) {
	root, err := chain.TreeRoot(int64(size), HashReader(w))
	if err != nil {
		return chain.Checkpoint{}, nil, err
	}
	c := chain.Checkpoint{Origin: signer.Name(), Size: int64(size), Root: root, Height: prev.Height + 1,
		State: digest, Time: unix}
	if prev.Note != "" {
		c.Prev = chain.NoteHash([]byte(prev.Note))
	}
	signed, err := chain.Sign(c, signer)
	if err != nil {
		return c, nil, err
	}
	w.Set(CheckpointKey(c.Height), signed)
	return c, signed, nil
}

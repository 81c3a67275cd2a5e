package replica

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// noteSignerKey is the note signer key (golang.org/x/mod/sumdb/note's
// "PRIVATE+KEY+name+hash+key" form) of the Ed25519 key with seed: what
// lets a validator's CometBFT key, or the public log key, sign notes.
func noteSignerKey(name string, seed []byte) string {
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{1}) // note's algorithm byte for Ed25519
	h.Write(pub)
	hash := binary.BigEndian.Uint32(h.Sum(nil)[:4])
	return fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, hash,
		base64.StdEncoding.EncodeToString(append([]byte{1}, seed...)))
}

// LogSignerKey is the key a replicated hub's checkpoints are signed with:
// derived from the chain ID alone, so every node signs the same bytes and
// anyone could sign. A replicated checkpoint counts only with the
// cosignatures of more than two thirds of the validators.
func LogSignerKey(origin, chainID string) string {
	seed := sha256.Sum256([]byte("polis replicated log key\n" + chainID))
	return noteSignerKey(origin, seed[:])
}

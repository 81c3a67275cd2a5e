package chain

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is the body of one sealed checkpoint. Its text form is a C2SP
// tlog-checkpoint: origin, size and base64 root on the first three lines,
// followed by polis extension lines that link checkpoints into a chain and
// commit to the state the log produced.
type Checkpoint struct {
	Origin string // log identity, also the signing key name
	Size   int64  // number of records covered
	Root   Hash   // RFC 6962 root of the first Size records
	Height int64  // 1 for the first checkpoint, then +1 each
	State  [32]byte
	Prev   [32]byte // SHA-256 of the previous signed checkpoint; zero for height 1
	Time   int64    // unix seconds, hub clock when sealed
}

// Text renders the checkpoint body exactly as it is signed.
func (c Checkpoint) Text() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
	fmt.Fprintf(&b, "height %d\n", c.Height)
	fmt.Fprintf(&b, "state %s\n", base64.StdEncoding.EncodeToString(c.State[:]))
	fmt.Fprintf(&b, "prev %s\n", base64.StdEncoding.EncodeToString(c.Prev[:]))
	fmt.Fprintf(&b, "time %d\n", c.Time)
	return b.Bytes()
}

// ParseCheckpoint parses a checkpoint body. It is strict: the text must be
// exactly what Text would produce, so two encodings of one checkpoint can
// never both verify.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	var c Checkpoint
	if len(text) > 4096 {
		return c, errors.New("checkpoint: too long")
	}
	lines := strings.Split(string(text), "\n")
	if len(lines) != 8 || lines[7] != "" {
		return c, errors.New("checkpoint: want 7 lines")
	}
	c.Origin = lines[0]
	if c.Origin == "" {
		return c, errors.New("checkpoint: empty origin")
	}
	var err error
	if c.Size, err = parseInt(lines[1]); err != nil {
		return c, fmt.Errorf("checkpoint: size: %w", err)
	}
	if err := decode32(lines[2], (*[32]byte)(&c.Root)); err != nil {
		return c, fmt.Errorf("checkpoint: root: %w", err)
	}
	fields := []struct {
		name string
		set  func(string) error
	}{
		{"height", func(s string) (err error) { c.Height, err = parseInt(s); return }},
		{"state", func(s string) error { return decode32(s, &c.State) }},
		{"prev", func(s string) error { return decode32(s, &c.Prev) }},
		{"time", func(s string) (err error) { c.Time, err = parseInt(s); return }},
	}
	for i, f := range fields {
		v, ok := strings.CutPrefix(lines[3+i], f.name+" ")
		if !ok {
			return c, fmt.Errorf("checkpoint: line %d: want %q", 4+i, f.name)
		}
		if err := f.set(v); err != nil {
			return c, fmt.Errorf("checkpoint: %s: %w", f.name, err)
		}
	}
	if !bytes.Equal(c.Text(), text) {
		return c, errors.New("checkpoint: not in canonical form")
	}
	return c, nil
}

func parseInt(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return n, nil
}

func decode32(s string, out *[32]byte) error {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return fmt.Errorf("bad hash %q", s)
	}
	copy(out[:], b)
	return nil
}

// Sign seals a checkpoint as a signed note.
func Sign(c Checkpoint, s note.Signer) ([]byte, error) {
	if s.Name() != c.Origin {
		return nil, fmt.Errorf("checkpoint: signer %q is not origin %q", s.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: string(c.Text())}, s)
}

// Open verifies a signed checkpoint note against the hub's verifier key and
// parses it.
func Open(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	// note.Open skips signatures by other keys and repeated ones, and
	// base64 decoding ignores unused trailing bits: left alone, one
	// checkpoint would have many accepted encodings, each with its own
	// NoteHash, and the chain's links would not pin the bytes. Only the
	// one canonical form, the text and our one signature, is accepted.
	if len(n.Sigs) != 1 || len(n.UnverifiedSigs) != 0 {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: want exactly one signature, by %s", v.Name())
	}
	sig, err := base64.StdEncoding.DecodeString(n.Sigs[0].Base64)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	canonical := n.Text + "\n\u2014 " + n.Sigs[0].Name + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
	if string(signed) != canonical {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: the signed note is not in canonical form")
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return c, err
	}
	if c.Origin != v.Name() {
		return c, fmt.Errorf("checkpoint: origin %q is not key %q", c.Origin, v.Name())
	}
	return c, nil
}

// NoteHash is the hash a following checkpoint names as Prev: SHA-256 over the
// whole signed note, signature lines included.
func NoteHash(signed []byte) [32]byte { return sha256.Sum256(signed) }

// GenerateKey makes a new ed25519 note key pair for origin.
func GenerateKey(origin string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, origin)
}

// NewSigner and NewVerifier parse note keys.
func NewSigner(skey string) (note.Signer, error)     { return note.NewSigner(skey) }
func NewVerifier(vkey string) (note.Verifier, error) { return note.NewVerifier(vkey) }

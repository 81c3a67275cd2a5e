package chain

import (
	"bytes"
	"testing"
)

// A fixed key pair, so the seed corpus can hold notes it really signed.
// It protects nothing.
const (
	fuzzSkey = "PRIVATE+KEY+polis.test/hub+67ed2671+AQcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH"
	fuzzVkey = "polis.test/hub+67ed2671+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs"
)

// FuzzOpen: whatever bytes arrive as a signed checkpoint (from an export
// file, a receipt, another hub), Open either refuses them or returns a
// checkpoint whose canonical text is exactly the note's text, signed by
// the key: nothing unsigned or non-canonical in the text gets through.
//
// The signature block is not canonical yet: golang.org/x/mod's note.Open
// skips repeated signatures and ones by other keys, and base64 decoding
// ignores a signature's unused trailing bits, so one checkpoint has many
// accepted encodings, each with its own NoteHash (seeds two-signatures and
// foreign-sig-noncanonical-base64). Once Open refuses those, this should
// also require that Sign(c) gives back exactly the bytes opened.
func FuzzOpen(f *testing.F) {
	s, err := NewSigner(fuzzSkey)
	if err != nil {
		f.Fatal(err)
	}
	v, err := NewVerifier(fuzzVkey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, signed []byte) {
		c, err := Open(signed, v)
		if err != nil {
			if bytes.ContainsAny([]byte(err.Error()), "\n\r") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if c.Origin != v.Name() {
			t.Fatalf("opened a checkpoint of origin %q with key %q", c.Origin, v.Name())
		}
		again, err := Sign(c, s)
		if err != nil {
			t.Fatal(err)
		}
		text := append(c.Text(), '\n')
		name := again[len(text) : bytes.LastIndexByte(again, ' ')+1] // "— origin "
		if !bytes.HasPrefix(signed, text) || !bytes.Contains(signed[len(text):], name) {
			t.Fatalf("opened a note that is not the canonical text signed by the key:\n%q", signed)
		}
	})
}

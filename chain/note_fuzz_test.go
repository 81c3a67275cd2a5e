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
// The signature block is canonical too: Open refuses repeated signatures,
// other keys' signatures and non-canonical base64 (seeds two-signatures
// and foreign-sig-noncanonical-base64), so signing the opened checkpoint
// again gives back exactly the bytes opened (ed25519 is deterministic).
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
		if !bytes.Equal(again, signed) {
			t.Fatalf("opened a note that is not exactly the canonical signed checkpoint:\n%q", signed)
		}
	})
}

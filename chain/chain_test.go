package chain

import (
	"encoding/hex"
	"strings"
	"testing"
)

// RFC 6962 test vectors, as used by certificate-transparency and
// transparency-dev/merkle.
var rfcLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}

var rfcRoots = []string{
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func TestRFC6962Vectors(t *testing.T) {
	var m MemoryHashes
	for i, l := range rfcLeaves {
		b, _ := hex.DecodeString(l)
		if err := m.Append(int64(i), b); err != nil {
			t.Fatal(err)
		}
		root, err := TreeRoot(int64(i+1), &m)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(root[:]); got != rfcRoots[i] {
			t.Fatalf("root of %d leaves = %s, want %s", i+1, got, rfcRoots[i])
		}
	}
	// Every inclusion and consistency proof between every pair of sizes
	// checks, and fails against a wrong leaf.
	for n := int64(1); n <= 8; n++ {
		root, _ := TreeRoot(n, &m)
		for i := int64(0); i < n; i++ {
			p, err := ProveInclusion(n, i, &m)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := hex.DecodeString(rfcLeaves[i])
			if err := CheckInclusion(p, n, root, i, LeafHash(b)); err != nil {
				t.Fatalf("inclusion %d in %d: %v", i, n, err)
			}
			if CheckInclusion(p, n, root, i, LeafHash([]byte("x"))) == nil {
				t.Fatalf("wrong leaf included")
			}
		}
		for old := int64(1); old <= n; old++ {
			oldRoot, _ := TreeRoot(old, &m)
			p, err := ProveConsistency(n, old, &m)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckConsistency(p, n, root, old, oldRoot); err != nil {
				t.Fatalf("consistency %d->%d: %v", old, n, err)
			}
		}
	}
}

func TestCheckpointSignAndParse(t *testing.T) {
	skey, vkey, err := GenerateKey("polis.test/hub")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewSigner(skey)
	v, _ := NewVerifier(vkey)
	c := Checkpoint{Origin: "polis.test/hub", Size: 42, Height: 3, Time: 1764072000}
	c.Root[0], c.State[1], c.Prev[2] = 1, 2, 3
	signed, err := Sign(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(signed), "polis.test/hub\n42\nAQAA") {
		t.Fatalf("not a tlog checkpoint: %q", signed)
	}
	got, err := Open(signed, v)
	if err != nil || got != c {
		t.Fatalf("open: %+v %v", got, err)
	}
	for i := range signed {
		bad := append([]byte(nil), signed...)
		bad[i] ^= 0x20
		if c2, err := Open(bad, v); err == nil && c2 != c {
			t.Fatalf("flipping byte %d gave a different valid checkpoint", i)
		}
	}
	for _, text := range []string{"", "o\n1\n", "o\n01\nAAAA\n", string(c.Text()) + "extra\n", strings.Replace(string(c.Text()), "height 3", "height  3", 1)} {
		if _, err := ParseCheckpoint([]byte(text)); err == nil {
			t.Errorf("parsed bad checkpoint %q", text)
		}
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	c := Checkpoint{Origin: "polis.test/hub", Size: 1, Height: 1, Time: 1}
	f.Add(c.Text())
	f.Add([]byte("x\n1\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCheckpoint(b)
		if err == nil && string(c.Text()) != string(b) {
			t.Fatal("accepted a non-canonical checkpoint")
		}
	})
}

package state

import (
	"crypto/sha256"
	"encoding/binary"
)

// digestLanes is the width of the state accumulator in 64-bit lanes.
const digestLanes = 64

// Digest is an incremental multiset hash of the state's key/value pairs (an
// additive "LtHash"): each pair is hashed with SHA-256 and expanded in counter mode into 64 lanes that
// are added modulo 2^64 (4096 bits in all, well past the size AdHash needs
// against generalised-birthday attacks). Adding and removing a pair costs the same whatever
// the size of the state, which is what lets a checkpoint commit to the whole
// state without reading it; and the result depends only on which pairs are
// present, never on the order they were written in, so a replay from scratch
// reaches the same digest as the live hub.
type Digest struct{ lanes Lanes }

// Lanes are one pair's share of the digest: adding and taking them out are
// what Add and Remove do, for a caller that hashed the pair already (on
// another core, or before).
type Lanes = [digestLanes]uint64

// PairLanes hashes one key/value pair into its lanes.
func PairLanes(key string, val []byte) (out Lanes) {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(key)))
	h.Write([]byte("polis-state-v1\x00"))
	h.Write(n[:])
	h.Write([]byte(key))
	h.Write(val)
	var blk [40]byte
	h.Sum(blk[:0])
	// Expand the pair's hash to 64 lanes: block j is SHA-256(seed || j).
	for j := 0; j < digestLanes/4; j++ {
		binary.BigEndian.PutUint64(blk[32:], uint64(j))
		sum := sha256.Sum256(blk[:])
		for k := 0; k < 4; k++ {
			out[j*4+k] = binary.LittleEndian.Uint64(sum[k*8:])
		}
	}
	return out
}

// Add puts a key/value pair into the digest.
func (d *Digest) Add(key string, val []byte) {
	l := PairLanes(key, val)
	for i := range d.lanes {
		d.lanes[i] += l[i]
	}
}

// AddLanes puts a pair into the digest by its lanes.
func (d *Digest) AddLanes(l *Lanes) {
	for i := range d.lanes {
		d.lanes[i] += l[i]
	}
}

// SubLanes takes a pair out of the digest by its lanes.
func (d *Digest) SubLanes(l *Lanes) {
	for i := range d.lanes {
		d.lanes[i] -= l[i]
	}
}

// Remove takes a key/value pair out of the digest.
func (d *Digest) Remove(key string, val []byte) {
	l := PairLanes(key, val)
	for i := range d.lanes {
		d.lanes[i] -= l[i]
	}
}

// Sum is the 32-byte digest committed to in checkpoints: SHA-256 over the
// little-endian lanes.
func (d *Digest) Sum() [32]byte { return sha256.Sum256(d.Bytes()) }

// Bytes is the accumulator as stored between restarts.
func (d *Digest) Bytes() []byte {
	b := make([]byte, digestLanes*8)
	for i, v := range d.lanes {
		binary.LittleEndian.PutUint64(b[i*8:], v)
	}
	return b
}

// SetBytes restores a stored accumulator.
func (d *Digest) SetBytes(b []byte) bool {
	if len(b) != digestLanes*8 {
		return false
	}
	for i := range d.lanes {
		d.lanes[i] = binary.LittleEndian.Uint64(b[i*8:])
	}
	return true
}

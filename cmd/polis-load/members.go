package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

// benchKey is one bench member: a real ed25519 key and a name. Keys derive
// from a per-run seed so that the hub child admits exactly the keys the
// driver signs with, without private keys crossing a process boundary.
type benchKey struct {
	name   string
	signer gossh.Signer
}

// deriveKeys returns n keys for seed. Key 0 is the bench steward; the others
// are ordinary members named prefix plus their index.
func deriveKeys(seed []byte, n int, prefix string) ([]benchKey, error) {
	keys := make([]benchKey, n)
	for i := range keys {
		s, err := gossh.NewSignerFromKey(derivePrivate(seed, i))
		if err != nil {
			return nil, err
		}
		keys[i] = benchKey{name: fmt.Sprintf("%s%05d", prefix, i), signer: s}
	}
	if n > 0 {
		keys[0].name = "steward"
	}
	return keys, nil
}

func derivePrivate(seed []byte, i int) ed25519.PrivateKey {
	h := sha256.New()
	h.Write([]byte("polis-load\x00"))
	h.Write(seed)
	_ = binary.Write(h, binary.BigEndian, uint64(i))
	return ed25519.NewKeyFromSeed(h.Sum(nil))
}

func (k benchKey) actor() state.Actor {
	pk := k.signer.PublicKey()
	return state.Actor{Key: state.KeyString(pk), Fingerprint: state.Fingerprint(pk)}
}

// admitLocal makes keys[0] a steward (as `serve --admin-key` does) and has
// every other key redeem one unlimited invite, the way members join. Joins
// run concurrently so that group commit admits thousands in seconds.
func admitLocal(ctx context.Context, hub *state.Hub, keys []benchKey) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := hub.Submit(ctx, state.SystemActor, state.AdmitAdmin{Key: keys[0].actor().Key, Name: keys[0].name}); err != nil {
		return fmt.Errorf("admitting the bench steward: %w", err)
	}
	if len(keys) == 1 {
		return nil
	}
	code, _, err := hub.CreateInviteCode(ctx, keys[0].actor(), 0, time.Time{})
	if err != nil {
		return fmt.Errorf("bench invite: %w", err)
	}
	return parallel(64, len(keys)-1, func(i int) error {
		k := keys[i+1]
		if _, err := hub.Submit(ctx, k.actor(), state.Join{CodeHash: state.HashCode(code), Name: k.name}); err != nil {
			return fmt.Errorf("admitting %s: %w", k.name, err)
		}
		return nil
	})
}

// parallel runs fn(0..n-1) on at most workers goroutines and returns the
// first error; after an error no new items start.
func parallel(workers, n int, fn func(i int) error) error {
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
		failed  atomic.Bool
	)
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errOnce.Do(func() { first = err })
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return first
}

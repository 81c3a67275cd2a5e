package replica

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// A transaction is what one node puts before the others: a member's
// command (naming the member's key), a validator's cosignature of a
// checkpoint, or a tick that asks for a block because something fell due.
// The node that received it signs it with its validator key, so a node
// that writes an act in a member's name is named by the log it forged
// (member-signed acts, state/members_sig.go, go further: no node can make
// those at all).
//
// The wire form is the node's Ed25519 signature (64 bytes) followed by
// the payload, a JSON object; the signature covers the payload's bytes as
// sent.

// Kinds of transaction.
const (
	KindCmd    = "cmd"
	KindCosign = "cosign"
	KindTick   = "tick"
)

// MaxTxBytes bounds a transaction: well above any command the doors let
// through (text limits are a few KiB), well below a block.
const MaxTxBytes = 64 << 10

// Payload is a transaction's content.
type Payload struct {
	Kind string `json:"kind"`
	// Node is the validator address (hex) of the node that sent it.
	Node string `json:"node"`
	// Time is the sending node's clock (unix ms): a transaction is taken
	// only within ReplayWindow of its block's time, and only once.
	Time  int64  `json:"time"`
	Nonce uint64 `json:"nonce"`
	// Key is the member's key (authorized_keys form) for KindCmd.
	Key  string          `json:"key,omitempty"`
	Cmd  string          `json:"cmd,omitempty"`
	Body json.RawMessage `json:"body,omitempty"`
	// Height and Cosig are a KindCosign: the checkpoint's height and the
	// validator's cosignature/v1 line for it.
	Height int64  `json:"height,omitempty"`
	Cosig  string `json:"cosig,omitempty"`
}

// Tx is a decoded transaction.
type Tx struct {
	Payload
	Sig  []byte
	Hash [32]byte // SHA-256 of the whole transaction, as CometBFT names it
	raw  []byte   // the payload's bytes, as signed
}

// Seal signs p with the node's key into a transaction's bytes.
func Seal(p Payload, key ed25519.PrivateKey) ([]byte, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return append(ed25519.Sign(key, body), body...), nil
}

// Decode reads a transaction's bytes. It checks the form, not the
// signature: that needs the validator set (App.check).
func Decode(b []byte) (*Tx, error) {
	if len(b) > MaxTxBytes {
		return nil, fmt.Errorf("transaction of %d bytes is over the %d limit", len(b), MaxTxBytes)
	}
	if len(b) <= ed25519.SignatureSize {
		return nil, errors.New("transaction too short")
	}
	tx := &Tx{Sig: b[:ed25519.SignatureSize], raw: b[ed25519.SignatureSize:], Hash: sha256.Sum256(b)}
	dec := json.NewDecoder(bytes.NewReader(tx.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tx.Payload); err != nil {
		return nil, fmt.Errorf("transaction: %v", err)
	}
	if dec.More() {
		return nil, errors.New("transaction: trailing data")
	}
	switch tx.Kind {
	case KindCmd:
		if tx.Key == "" || tx.Cmd == "" {
			return nil, errors.New("transaction: a command names a key and a command")
		}
	case KindCosign:
		if tx.Height <= 0 || tx.Cosig == "" {
			return nil, errors.New("transaction: a cosignature names a height and a signature")
		}
	case KindTick:
	default:
		return nil, fmt.Errorf("transaction: unknown kind %q", tx.Kind)
	}
	return tx, nil
}

// HashHex names the transaction in logs and the seen set.
func (tx *Tx) HashHex() string { return hex.EncodeToString(tx.Hash[:]) }

package replica

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
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
// The wire form is the node's Ed25519 signature (64 bytes), the length of
// the payload (4 bytes, big-endian), the payload (a JSON object), then the
// command's body (its fields as JSON). The signature covers the payload's
// bytes as sent, and the payload names the body by its SHA-256, so the
// log can keep the signed part (node.relayed) without the body: what a
// private command carries (a case note, a draft) stays out of the log.

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
	Key string `json:"key,omitempty"`
	Cmd string `json:"cmd,omitempty"`
	// BodySHA256 is the hex SHA-256 of the command's body, which follows
	// the payload on the wire.
	BodySHA256 string `json:"body_sha256,omitempty"`
	// Height and Cosig are a KindCosign: the checkpoint's height and the
	// validator's cosignature/v1 line for it.
	Height int64  `json:"height,omitempty"`
	Cosig  string `json:"cosig,omitempty"`
}

// Tx is a decoded transaction.
type Tx struct {
	Payload
	Sig  []byte
	Body []byte   // the command's fields (KindCmd)
	Hash [32]byte // SHA-256 of the whole transaction, as CometBFT names it
	raw  []byte   // the payload's bytes, as signed
}

// Seal signs p, naming body (a command's fields; nil for the other kinds),
// with the node's key into a transaction's bytes.
func Seal(p Payload, body []byte, key ed25519.PrivateKey) ([]byte, error) {
	if body != nil {
		h := sha256.Sum256(body)
		p.BodySHA256 = hex.EncodeToString(h[:])
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	out := ed25519.Sign(key, payload)
	out = binary.BigEndian.AppendUint32(out, uint32(len(payload)))
	out = append(out, payload...)
	return append(out, body...), nil
}

// Signed is the signature and the payload it covers, without the body:
// what the log keeps of a transaction (node.relayed).
func (tx *Tx) Signed() []byte { return append(append([]byte(nil), tx.Sig...), tx.raw...) }

// Decode reads a transaction's bytes. It checks the form, not the
// signature: that needs the validator set (App.check).
func Decode(b []byte) (*Tx, error) {
	if len(b) > MaxTxBytes {
		return nil, fmt.Errorf("transaction of %d bytes is over the %d limit", len(b), MaxTxBytes)
	}
	const head = ed25519.SignatureSize + 4
	if len(b) <= head {
		return nil, errors.New("transaction too short")
	}
	n := binary.BigEndian.Uint32(b[ed25519.SignatureSize:head])
	if uint64(n) > uint64(len(b)-head) {
		return nil, errors.New("transaction: payload length beyond its end")
	}
	tx := &Tx{Sig: b[:ed25519.SignatureSize], raw: b[head : head+int(n)], Body: b[head+int(n):], Hash: sha256.Sum256(b)}
	dec := json.NewDecoder(bytes.NewReader(tx.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tx.Payload); err != nil {
		return nil, fmt.Errorf("transaction: %v", err)
	}
	if dec.More() {
		return nil, errors.New("transaction: trailing data")
	}
	h := sha256.Sum256(tx.Body)
	if tx.Kind == KindCmd && tx.BodySHA256 != hex.EncodeToString(h[:]) {
		return nil, errors.New("transaction: the body is not the one the payload names")
	}
	if tx.Kind != KindCmd && (len(tx.Body) > 0 || tx.BodySHA256 != "") {
		return nil, fmt.Errorf("transaction: a %s carries no body", tx.Kind)
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

package state

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Which node received a member's request, as the log records it. In a
// replicated hub any node's door takes a member's command, wraps it in a
// transaction that names the member's key and signs it with the node's
// validator key (package replica). The transaction goes into the log as a
// node.relayed event just before the events of the command it carried, so
// that whoever wrote an act in a member's name is named by the log: the
// node that signed the request. (A member-signed act goes further: no
// node can make one at all.)

// NodeRelayed is the signed part of the node's transaction that carried
// the command whose events follow it: the signature and the payload,
// which names the command's body by its hash; the body itself, which a
// private command fills with what the log must not hold, is not kept.
type NodeRelayed struct {
	Node string `json:"node"` // the validator's address
	Tx   string `json:"tx"`   // base64 of the signature and the payload
}

func (NodeRelayed) EventType() string { return "node.relayed" }

func init() { register(func() Body { return &NodeRelayed{} }) }

// ValidatorAddress is a validator's address, as CometBFT names it: the
// first 20 bytes of SHA-256 over its Ed25519 public key, in upper-case hex.
func ValidatorAddress(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return fmt.Sprintf("%X", h[:20])
}

// SeatKey is the Ed25519 public key of a seat's cosignature/v1 key.
func SeatKey(s ValidatorSeat) (ed25519.PublicKey, error) {
	_, enc, ok := strings.Cut(strings.TrimPrefix(s.Key, s.Name+"+"), "+")
	b, err := base64.StdEncoding.DecodeString(enc)
	if !ok || err != nil || len(b) != 1+ed25519.PublicKeySize || b[0] != 0x04 {
		return nil, fmt.Errorf("validator %q: not an Ed25519 cosignature/v1 key", s.Name)
	}
	return ed25519.PublicKey(b[1:]), nil
}

// RelayPayload is what a node's transaction says, as far as the log's
// rules read it; the rest (the command) is the node's to carry.
type RelayPayload struct {
	Node string `json:"node"`
	Key  string `json:"key"`
}

// CheckRelay is the rule for a relayed transaction's signed part: tx is a
// 64-byte Ed25519 signature followed by the JSON payload it covers, by the
// validator named node (a seat of set whose key's address is node), and
// the payload names that node. It returns the payload.
func CheckRelay(set ValidatorSet, node string, tx []byte) (RelayPayload, error) {
	var p RelayPayload
	var pub ed25519.PublicKey
	for _, s := range set.Seats {
		if k, err := SeatKey(s); err == nil && ValidatorAddress(k) == node {
			pub = k
		}
	}
	if pub == nil {
		return p, fmt.Errorf("node %s is not a validator", node)
	}
	if len(tx) <= ed25519.SignatureSize || !ed25519.Verify(pub, tx[ed25519.SignatureSize:], tx[:ed25519.SignatureSize]) {
		return p, fmt.Errorf("the transaction is not signed by node %s", node)
	}
	if err := json.NewDecoder(bytes.NewReader(tx[ed25519.SignatureSize:])).Decode(&p); err != nil {
		return p, fmt.Errorf("the transaction: %v", err)
	}
	if p.Node != node {
		return p, fmt.Errorf("the transaction names node %q, not %s", p.Node, node)
	}
	return p, nil
}

var relayAppliers = []applier{on(applyNodeRelayed)}

// applyNodeRelayed: the transaction is a validator's, and when the actor
// is a member, the key it names is one the member holds.
func applyNodeRelayed(w Writer, ev Event, b *NodeRelayed) error {
	set, ok := Validators(w)
	if !ok {
		return errors.New("node.relayed on a hub with no validators")
	}
	tx, err := base64.StdEncoding.DecodeString(b.Tx)
	if err != nil {
		return fmt.Errorf("node.relayed: tx is not base64")
	}
	p, err := CheckRelay(set, b.Node, tx)
	if err != nil {
		return fmt.Errorf("node.relayed: %v", err)
	}
	if ev.Actor != 0 {
		_, fp, _, err := ParseLoginKey(p.Key)
		m, ok := MemberByFingerprint(w, fp)
		if err != nil || !ok || m.ID != ev.Actor {
			return fmt.Errorf("node.relayed: the transaction's key is not member %d's", ev.Actor)
		}
	}
	return nil
}

// Relayed is a command as a node relayed it: it decides as Cmd does, and
// its events are led by the node.relayed event that names the node.
// Engines build it; it never travels.
type Relayed struct {
	Cmd  Command
	Node string
	Tx   []byte
}

func (c Relayed) Decide(r Reader, env Env) (uint64, []Body, error) {
	actor, bodies, err := c.Cmd.Decide(r, env)
	if err != nil || len(bodies) == 0 {
		return actor, bodies, err
	}
	rel := &NodeRelayed{Node: c.Node, Tx: base64.StdEncoding.EncodeToString(c.Tx)}
	return actor, append([]Body{rel}, bodies...), nil
}

// Unwrap is the command relayed: the rules that look at a command's kind
// (suspension, private writes) look at it.
func (c Relayed) Unwrap() Command { return c.Cmd }

// unwrap is c, or the command a wrapper carries.
func unwrap(c Command) Command {
	if u, ok := c.(interface{ Unwrap() Command }); ok {
		return u.Unwrap()
	}
	return c
}

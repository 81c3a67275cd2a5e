package replica

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// AppState is the polis part of a replicated hub's genesis: what every
// node creates the hub from, identically, before the first block.
type AppState struct {
	Name   string `json:"name"`
	Origin string `json:"origin"`
	// AdminKeys are admitted as stewards at genesis.
	AdminKeys []AdminKey `json:"admin_keys"`
	// FounderCodeHash, when there are no admin keys, is the hash of the
	// founder's invite code `polis replica init` printed.
	FounderCodeHash string      `json:"founder_code_hash,omitempty"`
	Validators      []Validator `json:"validators"`
}

// AdminKey is a steward's SSH key admitted at genesis.
type AdminKey struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Validator is one steward's node: its CometBFT validator key and the name
// its cosignatures carry.
type Validator struct {
	Name   string `json:"name"`
	PubKey []byte `json:"pub_key"` // Ed25519
	Power  int64  `json:"power"`
}

// CosignerKey is the cosignature/v1 verifier key of the validator's
// cosignatures.
func (v Validator) CosignerKey() (string, error) {
	vkey, err := note.NewEd25519VerifierKey(v.Name, ed25519.PublicKey(v.PubKey))
	if err != nil {
		return "", err
	}
	return fnote.VKeyToCosignatureV1(vkey)
}

func parseAppState(b []byte) (AppState, error) {
	var a AppState
	if err := json.Unmarshal(b, &a); err != nil {
		return a, fmt.Errorf("genesis app_state: %v", err)
	}
	if a.Origin == "" || len(a.Validators) == 0 {
		return a, fmt.Errorf("genesis app_state: an origin and validators are required")
	}
	for _, v := range a.Validators {
		if len(v.PubKey) != ed25519.PublicKeySize || v.Power <= 0 {
			return a, fmt.Errorf("genesis app_state: validator %q: a 32-byte Ed25519 key and a positive power", v.Name)
		}
		if _, err := v.CosignerKey(); err != nil {
			return a, fmt.Errorf("genesis app_state: validator %q: %v", v.Name, err)
		}
	}
	if len(a.AdminKeys) == 0 && len(a.FounderCodeHash) != 64 {
		return a, fmt.Errorf("genesis app_state: admin keys or a founder code hash are required")
	}
	if a.FounderCodeHash != "" {
		if _, err := hex.DecodeString(a.FounderCodeHash); err != nil {
			return a, fmt.Errorf("genesis app_state: founder code hash: %v", err)
		}
	}
	return a, nil
}

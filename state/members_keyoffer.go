package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Adding a key takes two steps, so that nobody can claim a key they do not
// hold (anyone's public key is on GitHub for the taking, and a key claimed
// by a squatter would lock its owner out): `keys add` offers the key with
// a one-time code, and the key is added only when a session that
// authenticated with that very key confirms the code. SSH authentication
// is the proof of possession; the code ties the two sessions to one person.

// KeyOfferMS is how long an offered key waits for its confirmation.
const KeyOfferMS = 24 * 3600 * 1000

// KeyOffer is a member's key waiting for its holder to confirm it. A member
// has at most one; a new offer replaces it.
type KeyOffer struct {
	Member      uint64 `json:"member"`
	Key         string `json:"key"`
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
	CodeHash    string `json:"code_hash"`
	Expires     int64  `json:"expires"` // unix ms
}

// KeyOffered records an offer: the key, its label, the hash of the code
// that confirms it and when the offer lapses.
type KeyOffered struct {
	Member   uint64 `json:"member"`
	Key      string `json:"key"`
	Name     string `json:"name"`
	CodeHash string `json:"code_hash"`
	Expires  int64  `json:"expires"`
}

func (KeyOffered) EventType() string { return "key.offered" }

func init() { register(func() Body { return &KeyOffered{} }) }

const (
	prefixKeyOffer = "s/keyoffer/" // by member
	prefixKeyCode  = "s/keycode/"  // code hash -> member
)

// HashKeyCode is the hash of a key confirmation code as the log holds it;
// codes compare like invite codes, in their own domain.
func HashKeyCode(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("polis-key\x00" + c))
	return hex.EncodeToString(sum[:])
}

// GetKeyOffer returns member id's pending key offer, if any.
func GetKeyOffer(r Reader, id uint64) (KeyOffer, bool) {
	var o KeyOffer
	ok := getJSON(r, idKey(prefixKeyOffer, id), &o)
	return o, ok
}

// ConfirmKey adds an offered key. It is run by the key itself: the asking
// key must be the offered one, and no member's yet.
type ConfirmKey struct{ CodeHash string }

func (c ConfirmKey) Decide(r Reader, env Env) (uint64, []Body, error) {
	if env.Actor.System || env.Actor.Key == "" {
		return 0, nil, fmt.Errorf("confirming a key needs that key")
	}
	if m, ok := MemberByFingerprint(r, env.Actor.Fingerprint); ok {
		return 0, nil, fmt.Errorf("this key already belongs to member %d", m.ID)
	}
	b, ok := r.Get(prefixKeyCode + c.CodeHash)
	if !ok {
		return 0, nil, notFound("no key is waiting for that code (run `keys add` again as the member)")
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: prefixKeyCode + c.CodeHash, err: err})
	}
	o, ok := GetKeyOffer(r, id)
	m, isMember := GetMember(r, id)
	switch {
	case !ok || !isMember:
		return 0, nil, notFound("no key is waiting for that code")
	case o.Fingerprint != env.Actor.Fingerprint:
		return 0, nil, forbidden("that code confirms key %s, and this session logged in with %s: log in with the key you added", o.Fingerprint, env.Actor.Fingerprint)
	case env.Time >= o.Expires:
		return 0, nil, fmt.Errorf("the code expired on %s: run `keys add` again", Day(o.Expires))
	case m.Gone():
		return 0, nil, forbidden("member %d is no longer a member", m.ID)
	}
	return m.ID, []Body{&KeyAdded{Member: m.ID, Key: o.Key, Name: o.Name}}, nil
}

// applyKeyOffered stores an offer, replacing the member's earlier one.
func applyKeyOffered(w Writer, ev Event, b *KeyOffered) error {
	if _, ok := GetMember(w, b.Member); !ok || b.Member != ev.Actor {
		return fmt.Errorf("member %d cannot offer a key", b.Member)
	}
	_, fp, _, err := ParseKey(b.Key)
	if err != nil {
		return err
	}
	if !hashRE.MatchString(b.CodeHash) || b.Expires <= ev.Time {
		return fmt.Errorf("bad key offer")
	}
	if _, taken := w.Get(prefixKeyCode + b.CodeHash); taken {
		return fmt.Errorf("key code already in use")
	}
	if old, ok := GetKeyOffer(w, b.Member); ok {
		w.Delete(prefixKeyCode + old.CodeHash)
	}
	putJSON(w, idKey(prefixKeyOffer, b.Member), KeyOffer{Member: b.Member, Key: b.Key, Fingerprint: fp,
		Name: b.Name, CodeHash: b.CodeHash, Expires: b.Expires})
	w.Set(prefixKeyCode+b.CodeHash, []byte(strconv.FormatUint(b.Member, 10)))
	return nil
}

// takeKeyOffer is key.added's check that the key was offered and is
// confirmed in time; it consumes the offer.
func takeKeyOffer(w Writer, ev Event, member uint64, fp string) error {
	o, ok := GetKeyOffer(w, member)
	if !ok || o.Fingerprint != fp || ev.Time >= o.Expires {
		return fmt.Errorf("key %s was not offered by member %d, or the offer lapsed", fp, member)
	}
	w.Delete(idKey(prefixKeyOffer, member))
	w.Delete(prefixKeyCode + o.CodeHash)
	return nil
}

// OfferKey offers key for the asking member and returns the one-time code
// that confirms it (`keys confirm CODE`, run with that key).
func (h *Hub) OfferKey(ctx context.Context, a Actor, key, name string) (string, KeyOffer, error) {
	code, _ := NewInviteCode()
	evs, err := h.Submit(ctx, a, AddKey{Key: key, Name: name, CodeHash: HashKeyCode(code)})
	if err != nil {
		return "", KeyOffer{}, err
	}
	b := evs[0].Body.(*KeyOffered)
	_, fp, _, _ := ParseKey(b.Key)
	return code, KeyOffer{Member: b.Member, Key: b.Key, Fingerprint: fp, Name: b.Name, CodeHash: b.CodeHash, Expires: b.Expires}, nil
}

// KeyOfferOf returns member id's pending key offer, if any.
func (h *Hub) KeyOfferOf(id uint64) (o KeyOffer, ok bool, err error) {
	err = h.View(func(r Reader) error { o, ok = GetKeyOffer(r, id); return nil })
	return o, ok, err
}

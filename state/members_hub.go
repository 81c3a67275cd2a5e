package state

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Whoami resolves a key fingerprint to a member.
// The result is shared with other callers until a member changes: do not
// modify its slices.
func (h *Hub) Whoami(fp string) (m Member, ok bool, err error) {
	// Every member change (keys, roles, joining, leaving) rewrites a member
	// record and so starts a new generation; the generation is read before
	// the snapshot, as in sharedMembers.
	gen := h.eng.Published().MemberGen
	if e, hit := h.cachedWhoami(gen, fp); hit {
		return e.m, e.ok, nil
	}
	err = h.View(func(r Reader) error {
		m, ok = MemberByFingerprint(r, fp)
		return nil
	})
	if err == nil {
		h.storeWhoami(gen, fp, whoamiEntry{m, ok})
	}
	return m, ok, err
}

// Members lists all members. The slice is shared between callers (it is
// read once per change for every open session): do not modify it.
func (h *Hub) Members() (ms []Member, err error) {
	ms, _, err = h.MembersGen()
	return ms, err
}

// MembersGen is Members with the member generation it belongs to (see
// Published.MemberGen): a caller that keeps what it derived from the list
// keeps it for as long as Published().MemberGen is gen.
func (h *Hub) MembersGen() (ms []Member, gen uint64, err error) {
	gen = h.eng.Published().MemberGen
	err = h.View(func(r Reader) error { ms, _ = h.sharedMembers(r, gen); return nil })
	return ms, gen, err
}

// MemberNamed finds a member by name, up to case and look-alike characters
// (the rule that keeps names unique), members who left under their name
// included.
func (h *Hub) MemberNamed(name string) (m Member, ok bool, err error) {
	err = h.View(func(r Reader) error { m, ok = MemberByName(r, name); return nil })
	return m, ok, err
}

// Invites lists all invites.
func (h *Hub) Invites() (is []Invite, err error) {
	err = h.View(func(r Reader) error { is = ListInvites(r); return nil })
	return is, err
}

// NewInviteCode returns a fresh random invite code and its hash. Codes are
// 16 base32 characters (80 bits) in four groups, easy to read aloud.
func NewInviteCode() (code, hash string) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
	code = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
	return code, HashCode(code)
}

// HashCode is the hash of an invite code as stored in the log. Codes are
// compared case-insensitively and without dashes or spaces.
func HashCode(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("polis-invite\x00" + c))
	return hex.EncodeToString(sum[:])
}

// CreateInviteCode makes a code for actor and returns it with its invite.
func (h *Hub) CreateInviteCode(ctx context.Context, a Actor, uses int64, expires time.Time) (string, Invite, error) {
	code, hash := NewInviteCode()
	var exp int64
	if !expires.IsZero() {
		exp = expires.UnixMilli()
	}
	evs, err := h.Submit(ctx, a, CreateInvite{CodeHash: hash, Uses: uses, Expires: exp})
	if err != nil {
		return "", Invite{}, err
	}
	id := evs[0].Body.(*InviteCreated).Invite
	var inv Invite
	err = h.View(func(r Reader) error { inv, _ = GetInvite(r, id); return nil })
	return code, inv, err
}

// IssueFounderCode revokes any unredeemed founder codes and makes a new one;
// the hub does this at start while it has no members.
func (h *Hub) IssueFounderCode(ctx context.Context) (string, error) {
	invs, err := h.Invites()
	if err != nil {
		return "", err
	}
	for _, inv := range invs {
		if inv.By == 0 && !inv.Revoked && InviteUsable(inv, time.Now().UnixMilli()) == nil {
			if _, err := h.Submit(ctx, SystemActor, RevokeInvite{ID: inv.ID}); err != nil {
				return "", err
			}
		}
	}
	code, hash := NewInviteCode()
	if _, err := h.Submit(ctx, SystemActor, CreateInvite{CodeHash: hash, Uses: 1, Founder: true}); err != nil {
		return "", err
	}
	return code, nil
}

// JoinedMember returns the member created by a join or approval's events.
func (h *Hub) JoinedMember(evs []Event) (Member, error) {
	for _, e := range evs {
		if j, ok := e.Body.(*MemberJoined); ok {
			var m Member
			err := h.View(func(r Reader) error {
				var ok bool
				if m, ok = GetMember(r, j.Member); !ok {
					return fmt.Errorf("member %d vanished", j.Member)
				}
				return nil
			})
			return m, err
		}
	}
	return Member{}, fmt.Errorf("no member joined")
}

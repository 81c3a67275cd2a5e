package state

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/witness"
)

// Hub is the one door to polis data for screens and commands: queries read a
// consistent snapshot, commands go through the sequencer. It sees its engine
// only through the Engine interface; nothing else touches storage.
type Hub struct {
	eng     Engine
	cache   shared
	ballots ballotCache
	budgets budgets

	vonce sync.Once // the checkpoints' verifier, made on first use
	v     note.Verifier
	verr  error

	witness atomic.Pointer[witness.Witness]            // see StartWitness
	cosigs  atomic.Pointer[func() []CosignatureStatus] // see SetCosignatures
}

// NewHub wraps an open engine.
func NewHub(e Engine) *Hub { return &Hub{eng: e} }

// Submit runs a command through the sequencer and waits until its events are
// durable. A member's write first passes their write budget (see
// WriteBudget): both doors submit here, so neither can go around it. The
// hub's own commands and visitors' (whose applications are capped in
// state) have none.
func (h *Hub) Submit(ctx context.Context, a Actor, c Command) ([]Event, error) {
	if a.System || a.Fingerprint == "" {
		return h.eng.Submit(ctx, a, c)
	}
	m, ok, err := h.Whoami(a.Fingerprint)
	if err != nil || !ok {
		return h.eng.Submit(ctx, a, c)
	}
	on, err := h.reserve(m.ID)
	if err != nil {
		return nil, err
	}
	evs, err := h.eng.Submit(ctx, a, c)
	if on {
		// A private write (a draft, a theme) costs the minimum too.
		_, private := c.(privateWriter)
		h.settle(m.ID, evs, err == nil && (len(evs) > 0 || private))
	}
	return evs, err
}

// View runs fn over one consistent snapshot of state.
func (h *Hub) View(fn func(r Reader) error) error { return h.eng.View(fn) }

// Subscribe returns a channel that receives the log size after every
// committed batch. Slow readers miss intermediate sizes but always get the
// latest: the channel holds one value and is overwritten.
func (h *Hub) Subscribe() (<-chan uint64, func()) { return h.eng.Subscribe() }

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

// Info returns the hub's own record.
func (h *Hub) Info() (hi HubInfo, err error) {
	err = h.View(func(r Reader) error { hi, _ = GetHub(r); return nil })
	return hi, err
}

// Day formats unix ms as a UTC calendar date.
func Day(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") }

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

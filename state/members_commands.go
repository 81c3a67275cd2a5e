package state

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/polis-hub/polis/state/sanitize"
)

// Text limits, in characters.
const (
	MaxNameLen    = 40
	MaxAppTextLen = 2000
	MaxKeyNameLen = 40
)

// CreateHub is the first command of every hub.
type CreateHub struct{ Name string }

func (c CreateHub) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("only the hub creates itself")
	}
	if _, ok := GetHub(r); ok {
		return 0, nil, fmt.Errorf("hub already exists")
	}
	if err := sanitize.Check("hub name", c.Name, MaxNameLen, false, true); err != nil {
		return 0, nil, err
	}
	return 0, []Body{&HubCreated{Name: c.Name}}, nil
}

// NameOrigin records the log's checkpoint origin in the log, once (the
// hub at start); naming the same origin again is a no-op.
type NameOrigin struct{ Origin string }

func (c NameOrigin) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("only the hub names its origin")
	}
	h, ok := GetHub(r)
	switch {
	case !ok:
		return 0, nil, fmt.Errorf("no hub yet")
	case h.Origin == c.Origin:
		return 0, nil, nil
	case h.Origin != "":
		return 0, nil, fmt.Errorf("this hub's log names origin %q, not %q", h.Origin, c.Origin)
	}
	if err := checkOrigin(c.Origin); err != nil {
		return 0, nil, err
	}
	return 0, []Body{&HubOrigin{Origin: c.Origin}}, nil
}

// checkOrigin holds an origin to what a checkpoint's first line can be
// and a signature namespace can carry: printable ASCII, no spaces.
func checkOrigin(o string) error {
	if o == "" || len(o) > 255 {
		return fmt.Errorf("origin %q: 1 to 255 characters", o)
	}
	for _, r := range o {
		if r <= ' ' || r > '~' {
			return fmt.Errorf("origin %q: printable ASCII without spaces", o)
		}
	}
	return nil
}

// AdmitAdmin makes an operator-supplied key a steward (serve --admin-key).
// It is a no-op, with no events, when the key is already a member's.
type AdmitAdmin struct{ Key, Name string }

func (c AdmitAdmin) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("only the hub admits admin keys")
	}
	canon, fp, _, err := ParseLoginKey(c.Key)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := MemberByFingerprint(r, fp); ok {
		return 0, nil, nil
	}
	name := c.Name
	if checkName(r, name, 0) != nil {
		name = fmt.Sprintf("steward-%d", nextID(r, "member"))
	}
	return 0, []Body{&MemberJoined{Member: nextID(r, "member"), Name: name, Key: canon,
		Roles: []string{RoleSteward}, Via: "admin-key"}}, nil
}

// CreateInvite issues an invite code. The caller generates the code and
// passes only its hash.
type CreateInvite struct {
	CodeHash string
	Uses     int64 // 0: unlimited
	Expires  int64 // unix ms, 0: never
	Founder  bool  // a founder code makes its redeemer a steward (hub only)
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (c CreateInvite) Decide(r Reader, env Env) (uint64, []Body, error) {
	var actor uint64
	roles := []string{RoleMember}
	if c.Founder {
		if !env.Actor.System {
			return 0, nil, forbidden("only the hub issues founder codes")
		}
		roles = append(roles, RoleSteward)
	} else {
		m, err := require(r, env, RightInvite, "create invites")
		if err != nil {
			return 0, nil, err
		}
		actor = m.ID
	}
	if !hashRE.MatchString(c.CodeHash) {
		return 0, nil, fmt.Errorf("invite code hash must be 64 hex digits")
	}
	if _, taken := r.Get(prefixCodeIndex + c.CodeHash); taken {
		return 0, nil, fmt.Errorf("invite code already exists")
	}
	if c.Uses < 0 || c.Uses > 1_000_000 {
		return 0, nil, fmt.Errorf("uses must be between 0 (unlimited) and 1000000")
	}
	if c.Expires != 0 && c.Expires <= env.Time {
		return 0, nil, fmt.Errorf("expiry must be in the future")
	}
	return actor, []Body{&InviteCreated{Invite: nextID(r, "invite"), CodeHash: c.CodeHash, Uses: c.Uses,
		Expires: c.Expires, Roles: roles}}, nil
}

// RevokeInvite stops an invite. The hub revokes stale founder codes.
type RevokeInvite struct{ ID uint64 }

func (c RevokeInvite) Decide(r Reader, env Env) (uint64, []Body, error) {
	var actor uint64
	if !env.Actor.System {
		m, err := require(r, env, RightInvite, "revoke invites")
		if err != nil {
			return 0, nil, err
		}
		actor = m.ID
	}
	inv, ok := GetInvite(r, c.ID)
	if !ok {
		return 0, nil, notFound("no invite %d", c.ID)
	}
	if inv.Revoked {
		return 0, nil, fmt.Errorf("invite %d is already revoked", c.ID)
	}
	return actor, []Body{&InviteRevoked{Invite: c.ID}}, nil
}

// InviteUsable says why an invite can or cannot be redeemed at time now.
func InviteUsable(inv Invite, now int64) error {
	switch {
	case inv.Revoked:
		return fmt.Errorf("invite code has been revoked")
	case inv.Expires != 0 && now >= inv.Expires:
		return fmt.Errorf("invite code has expired")
	case inv.Uses != 0 && inv.Used >= inv.Uses:
		return fmt.Errorf("invite code has been used up")
	}
	return nil
}

// newcomer checks that a key not yet a member's is asking.
func newcomer(r Reader, env Env, verb string) error {
	if env.Actor.System || env.Actor.Key == "" {
		return fmt.Errorf("%s needs a key", verb)
	}
	if m, ok := MemberByFingerprint(r, env.Actor.Fingerprint); ok {
		return fmt.Errorf("this key already belongs to member %d (%s)", m.ID, sanitize.Line(m.Name))
	}
	return nil
}

// Join redeems an invite code for the asking key.
// Consent is the charter version the newcomer was shown and agreed to; it
// must be the version in force when the hub has a charter.
type Join struct {
	CodeHash, Name string
	Consent        int
}

func (c Join) Decide(r Reader, env Env) (uint64, []Body, error) {
	if err := newcomer(r, env, "join"); err != nil {
		return 0, nil, err
	}
	b, ok := r.Get(prefixCodeIndex + c.CodeHash)
	if !ok {
		return 0, nil, notFound("no such invite code")
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	inv, ok := GetInvite(r, id)
	if !ok {
		return 0, nil, notFound("no such invite code")
	}
	if err := InviteUsable(inv, env.Time); err != nil {
		return 0, nil, err
	}
	if err := checkName(r, c.Name, 0); err != nil {
		return 0, nil, err
	}
	consent, err := joinConsent(r, c.Consent)
	if err != nil {
		return 0, nil, err
	}
	mid := nextID(r, "member")
	events := []Body{&MemberJoined{Member: mid, Name: c.Name, Key: env.Actor.Key,
		Roles: inv.Roles, Via: "invite", Invite: inv.ID}}
	if consent != 0 {
		events = append(events, &ConsentGiven{Member: mid, Version: consent})
	}
	return 0, events, nil
}

// Apply asks to join without an invite.
type ApplyToJoin struct {
	Name, Text string
	Consent    int // as in Join
}

func (c ApplyToJoin) Decide(r Reader, env Env) (uint64, []Body, error) {
	if err := newcomer(r, env, "apply"); err != nil {
		return 0, nil, err
	}
	if a, ok := ApplicationOf(r, env.Actor.Fingerprint); ok && a.Status == AppPending {
		return 0, nil, fmt.Errorf("this key already has application %d pending", a.ID)
	}
	if err := applicationRoom(r, env.Time); err != nil {
		return 0, nil, err
	}
	if err := checkName(r, c.Name, 0); err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("application text", c.Text, MaxAppTextLen, true, false); err != nil {
		return 0, nil, err
	}
	consent, err := joinConsent(r, c.Consent)
	if err != nil {
		return 0, nil, err
	}
	id := nextID(r, "application")
	events := []Body{&ApplicationSubmitted{Application: id, Name: c.Name, Text: c.Text, Key: env.Actor.Key}}
	if consent != 0 {
		events = append(events, &ConsentGiven{Application: id, Version: consent})
	}
	return 0, events, nil
}

// DecideApplication approves or rejects a pending application.
type DecideApplication struct {
	ID      uint64
	Approve bool
}

func (c DecideApplication) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightApprove, "decide applications")
	if err != nil {
		return 0, nil, err
	}
	a, ok := GetApplication(r, c.ID)
	if !ok {
		return 0, nil, notFound("no application %d", c.ID)
	}
	if a.Status != AppPending {
		return 0, nil, fmt.Errorf("application %d is already %s", a.ID, a.Status)
	}
	events := []Body{&ApplicationDecided{Application: a.ID, Approved: c.Approve}}
	if c.Approve {
		if other, ok := MemberByFingerprint(r, a.Fingerprint); ok {
			return 0, nil, fmt.Errorf("the applicant's key already belongs to member %d", other.ID)
		}
		if err := checkName(r, a.Name, 0); err != nil {
			return 0, nil, fmt.Errorf("cannot approve: %v", err)
		}
		id := nextID(r, "member")
		events = append(events, &MemberJoined{Member: id, Name: a.Name, Key: a.Key,
			Roles: []string{RoleMember}, Via: "application", Application: a.ID})
		// The applicant consented to the version in force when they
		// applied; if it has changed since, they are asked again at login.
		if v := applicationConsent(r, a.ID); v != 0 {
			events = append(events, &ConsentGiven{Member: id, Version: v})
		}
	}
	return m.ID, events, nil
}

// AddKey offers another key for the asking member; the key is added only
// when a session that logged in with it confirms the code whose hash this
// carries (ConfirmKey). The caller makes the code: see Hub.OfferKey.
type AddKey struct{ Key, Name, CodeHash string }

func (c AddKey) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	canon, fp, comment, err := ParseLoginKey(c.Key)
	if err != nil {
		return 0, nil, err
	}
	if other, ok := MemberByFingerprint(r, fp); ok {
		if other.ID == m.ID {
			return 0, nil, fmt.Errorf("you already have key %s", fp)
		}
		return 0, nil, fmt.Errorf("key %s belongs to another member", fp)
	}
	if !hashRE.MatchString(c.CodeHash) {
		return 0, nil, fmt.Errorf("key code hash must be 64 hex digits")
	}
	if _, taken := r.Get(prefixKeyCode + c.CodeHash); taken {
		return 0, nil, fmt.Errorf("key code already in use")
	}
	name := c.Name
	if name == "" {
		name = sanitize.Line(comment)
		if len([]rune(name)) > MaxKeyNameLen {
			name = string([]rune(name)[:MaxKeyNameLen])
		}
	}
	if err := sanitize.Check("key name", name, MaxKeyNameLen, false, false); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&KeyOffered{Member: m.ID, Key: canon, Name: name, CodeHash: c.CodeHash, Expires: env.Time + KeyOfferMS}}, nil
}

// findKey resolves a fingerprint, or an unambiguous prefix of one, or a key
// name, among m's keys.
func findKey(m Member, ref string) (Key, error) {
	var hits []Key
	for _, k := range m.Keys {
		if k.Fingerprint == ref || k.Name == ref && ref != "" {
			return k, nil
		}
		if len(ref) >= 12 && strings.HasPrefix(k.Fingerprint, ref) {
			hits = append(hits, k)
		}
	}
	if len(hits) == 1 {
		return hits[0], nil
	}
	return Key{}, notFound("you have no key %q (see `keys list`)", sanitize.Line(ref))
}

// RemoveKey takes one of the asking member's keys away.
type RemoveKey struct{ Ref string }

func (c RemoveKey) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	k, err := findKey(m, c.Ref)
	if err != nil {
		return 0, nil, err
	}
	if len(m.Keys) == 1 {
		return 0, nil, fmt.Errorf("cannot remove your only key: add another first")
	}
	return m.ID, []Body{&KeyRemoved{Member: m.ID, Fingerprint: k.Fingerprint}}, nil
}

// RenameKey names one of the asking member's keys.
type RenameKey struct{ Ref, Name string }

func (c RenameKey) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	k, err := findKey(m, c.Ref)
	if err != nil {
		return 0, nil, err
	}
	if err := sanitize.Check("key name", c.Name, MaxKeyNameLen, false, true); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&KeyRenamed{Member: m.ID, Fingerprint: k.Fingerprint, Name: c.Name}}, nil
}

// SetRole grants or revokes a role.
type SetRole struct {
	Member uint64
	Role   string
	Grant  bool
}

func (c SetRole) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "change roles")
	if err != nil {
		return 0, nil, err
	}
	if !IsRole(c.Role) || c.Role == RoleMember {
		return 0, nil, fmt.Errorf("role must be one of moderator, treasurer, steward")
	}
	target, ok := GetMember(r, c.Member)
	if !ok {
		return 0, nil, notFound("no member %d", c.Member)
	}
	if c.Grant {
		if target.HasRole(c.Role) {
			return 0, nil, fmt.Errorf("member %d is already a %s", target.ID, c.Role)
		}
		return m.ID, []Body{&RoleGranted{Member: target.ID, Role: c.Role}}, nil
	}
	if !target.HasRole(c.Role) {
		return 0, nil, fmt.Errorf("member %d is not a %s", target.ID, c.Role)
	}
	if c.Role == RoleSteward && lastSteward(r, target) {
		return 0, nil, fmt.Errorf("cannot revoke the last steward")
	}
	return m.ID, []Body{&RoleRevoked{Member: target.ID, Role: c.Role}}, nil
}

// lastSteward reports whether m is the only steward who still counts: an
// expelled or departed member's role is no steward at all, so it never
// lets the last active one go.
func lastSteward(r Reader, m Member) bool {
	if m.Gone() || !m.HasRole(RoleSteward) {
		return false
	}
	return len(holders(r, RoleSteward)) == 1
}

// Rename changes the asking member's display name.
type Rename struct{ Name string }

func (c Rename) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if err := checkName(r, c.Name, m.ID); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&MemberRenamed{Member: m.ID, Name: c.Name}}, nil
}

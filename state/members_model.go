package state

import (
	"encoding/json"
	"strconv"
)

// Roles a member can hold. Every member holds RoleMember.
const (
	RoleMember    = "member"
	RoleModerator = "moderator"
	RoleTreasurer = "treasurer"
	RoleSteward   = "steward"
)

// Roles lists the roles in display order.
var Roles = []string{RoleMember, RoleModerator, RoleTreasurer, RoleSteward}

// IsRole reports whether r is a known role.
func IsRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Member is a member as stored in state.
type Member struct {
	ID     uint64   `json:"id"`
	Name   string   `json:"name"`
	Roles  []string `json:"roles"`
	Keys   []Key    `json:"keys"`
	Joined int64    `json:"joined"` // unix ms
	Via    string   `json:"via"`
	// SuspendedUntil (unix ms) bars voting and booking until then; a
	// ruling sets it. Expelled members' keys no longer work.
	SuspendedUntil int64 `json:"suspended_until,omitempty"`
	Expelled       bool  `json:"expelled,omitempty"`
	// Consent is the charter version the member last consented to.
	Consent     int   `json:"consent,omitempty"`
	ConsentTime int64 `json:"consent_time,omitempty"`
	// Listed members appear by name in the census visitors see.
	Listed bool `json:"listed,omitempty"`
	// Country is self-declared (ISO 3166-1 alpha-2), counted in the census
	// only where enough members share it.
	Country string `json:"country,omitempty"`
	// Left is when the member left (unix ms); their keys no longer work.
	Left int64 `json:"left,omitempty"`
	// TreasurerSince is when the member last became a treasurer (unix
	// ms); they sign payouts only TreasurerWaitMS later.
	TreasurerSince int64 `json:"treasurer_since,omitempty"`
}

// Gone reports whether m no longer counts as a member: left or expelled.
func (m Member) Gone() bool { return m.Left != 0 || m.Expelled }

// Suspended reports whether m is suspended at time now.
func (m Member) Suspended(now int64) bool { return m.SuspendedUntil > now }

// Key is one SSH public key of a member.
type Key struct {
	Fingerprint string `json:"fingerprint"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Added       int64  `json:"added"`
}

// HasRole reports whether m holds role r.
func (m Member) HasRole(r string) bool {
	for _, x := range m.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Invite is an invite code's record; the code itself is never stored.
type Invite struct {
	ID       uint64   `json:"id"`
	CodeHash string   `json:"code_hash"`
	Uses     int64    `json:"uses"`
	Used     int64    `json:"used"`
	Expires  int64    `json:"expires"`
	Roles    []string `json:"roles"`
	By       uint64   `json:"by"`
	Created  int64    `json:"created"`
	Revoked  bool     `json:"revoked"`
}

// Application is a visitor's request to join.
type Application struct {
	ID          uint64 `json:"id"`
	Name        string `json:"name"`
	Text        string `json:"text"`
	Key         string `json:"key"`
	Fingerprint string `json:"fingerprint"`
	Status      string `json:"status"` // pending, approved, rejected
	Submitted   int64  `json:"submitted"`
	DecidedBy   uint64 `json:"decided_by,omitempty"`
	Decided     int64  `json:"decided,omitempty"`
	Member      uint64 `json:"member,omitempty"`
}

// Application statuses.
const (
	AppPending  = "pending"
	AppApproved = "approved"
	AppRejected = "rejected"
)

// Hub holds hub-wide facts.
type HubInfo struct {
	Name    string `json:"name"`
	Created int64  `json:"created"`
	Origin  string `json:"origin,omitempty"` // the log's checkpoint origin (hub.origin), which members' signatures name
}

// State keys. Numeric IDs are zero-padded so keys sort numerically.
const (
	keyHub          = "s/hub"
	prefixMember    = "s/member/"
	prefixKeyIndex  = "s/key/"
	prefixInvite    = "s/invite/"
	prefixCodeIndex = "s/code/"
	prefixApp       = "s/app/"
	prefixAppKey    = "s/appkey/"
	prefixNext      = "s/next/"
)

// GetMember returns member id.
func GetMember(r Reader, id uint64) (Member, bool) {
	var m Member
	ok := getJSON(r, idKey(prefixMember, id), &m)
	return m, ok
}

// MemberByFingerprint finds the member holding the key with this SHA256
// fingerprint.
func MemberByFingerprint(r Reader, fp string) (Member, bool) {
	b, ok := r.Get(prefixKeyIndex + fp)
	if !ok {
		return Member{}, false
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: prefixKeyIndex + fp, err: err})
	}
	return GetMember(r, id)
}

// ListMembers returns all members in ID order.
func ListMembers(r Reader) []Member {
	var out []Member
	r.Scan(prefixMember, func(k string, v []byte) bool {
		var m Member
		if err := json.Unmarshal(v, &m); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, m)
		return true
	})
	return out
}

// GetInvite returns invite id.
func GetInvite(r Reader, id uint64) (Invite, bool) {
	var i Invite
	ok := getJSON(r, idKey(prefixInvite, id), &i)
	return i, ok
}

// ListInvites returns all invites in ID order.
func ListInvites(r Reader) []Invite {
	var out []Invite
	r.Scan(prefixInvite, func(k string, v []byte) bool {
		var i Invite
		if err := json.Unmarshal(v, &i); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, i)
		return true
	})
	return out
}

// GetApplication returns application id.
func GetApplication(r Reader, id uint64) (Application, bool) {
	var a Application
	ok := getJSON(r, idKey(prefixApp, id), &a)
	return a, ok
}

// ListApplications returns all applications in ID order.
func ListApplications(r Reader) []Application {
	var out []Application
	r.Scan(prefixApp, func(k string, v []byte) bool {
		var a Application
		if err := json.Unmarshal(v, &a); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, a)
		return true
	})
	return out
}

// GetHub returns the hub's own record.
func GetHub(r Reader) (HubInfo, bool) {
	var h HubInfo
	ok := getJSON(r, keyHub, &h)
	return h, ok
}

// normRoles returns roles sorted in display order without duplicates, always
// including member.
func normRoles(in []string) []string {
	out := []string{RoleMember}
	for _, r := range Roles[1:] {
		for _, x := range in {
			if x == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

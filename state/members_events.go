package state

// Event bodies. Field order here is the canonical order on the wire; adding
// a field to a body is an encoding change (bump EncodingVersion). Every type
// is documented in docs/events.md.

// HubCreated is the first event of every log.
type HubCreated struct {
	Name string `json:"name"`
}

// HubOrigin names the log's checkpoint origin in the log itself, once, so
// that Apply can check members' signatures, which name it (hub.origin).
type HubOrigin struct {
	Origin string `json:"origin"`
}

// MemberJoined makes a key's holder a member.
type MemberJoined struct {
	Member      uint64   `json:"member"`
	Name        string   `json:"name"`
	Key         string   `json:"key"` // authorized_keys form, no comment
	Roles       []string `json:"roles"`
	Via         string   `json:"via"` // "admin-key", "invite", "application"
	Invite      uint64   `json:"invite"`
	Application uint64   `json:"application"`
}

// InviteCreated records a new invite. Only the SHA-256 of the code is in
// the log, which anyone may read.
type InviteCreated struct {
	Invite   uint64   `json:"invite"`
	CodeHash string   `json:"code_hash"`
	Uses     int64    `json:"uses"`    // 0: unlimited
	Expires  int64    `json:"expires"` // unix ms, 0: never
	Roles    []string `json:"roles"`   // roles granted on joining; founder codes carry steward
}

// InviteRevoked stops an invite from being redeemed.
type InviteRevoked struct {
	Invite uint64 `json:"invite"`
}

// ApplicationSubmitted is a visitor asking to join.
type ApplicationSubmitted struct {
	Application uint64 `json:"application"`
	Name        string `json:"name"`
	Text        string `json:"text"`
	Key         string `json:"key"`
}

// ApplicationDecided approves or rejects an application. An approval is
// followed, in the same command, by a MemberJoined.
type ApplicationDecided struct {
	Application uint64 `json:"application"`
	Approved    bool   `json:"approved"`
}

// KeyAdded gives a member another key.
type KeyAdded struct {
	Member uint64 `json:"member"`
	Key    string `json:"key"`
	Name   string `json:"name"`
}

// KeyRemoved takes a key from a member.
type KeyRemoved struct {
	Member      uint64 `json:"member"`
	Fingerprint string `json:"fingerprint"`
}

// KeyRenamed names one of a member's keys.
type KeyRenamed struct {
	Member      uint64 `json:"member"`
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
}

// RoleGranted and RoleRevoked change a member's roles: a steward's
// command (Proposal 0), or the effect of role proposal Proposal, right
// after its proposal.executed.
type RoleGranted struct {
	Member   uint64 `json:"member"`
	Role     string `json:"role"`
	Proposal uint64 `json:"proposal"`
}

type RoleRevoked struct {
	Member   uint64 `json:"member"`
	Role     string `json:"role"`
	Proposal uint64 `json:"proposal"`
}

// MemberExpelled is the effect of expel proposal Proposal, right after its
// proposal.executed, or of case Case's jury expelling, right after the
// jury.voted that reached it: the member stops counting, for good.
type MemberExpelled struct {
	Member   uint64 `json:"member"`
	Proposal uint64 `json:"proposal"`
	Case     uint64 `json:"case"`
}

// MemberSuspended is the effect of a ruling on case Case: the member may
// not vote, propose, delegate or book until Until (unix ms; 0 lifts a
// suspension the jury did not uphold). It follows the case.ruled or the
// jury.voted that decided it.
type MemberSuspended struct {
	Member uint64 `json:"member"`
	Case   uint64 `json:"case"`
	Until  int64  `json:"until"`
}

// MemberRenamed changes a member's display name.
type MemberRenamed struct {
	Member uint64 `json:"member"`
	Name   string `json:"name"`
}

func (HubCreated) EventType() string           { return "hub.created" }
func (HubOrigin) EventType() string            { return "hub.origin" }
func (MemberJoined) EventType() string         { return "member.joined" }
func (InviteCreated) EventType() string        { return "invite.created" }
func (InviteRevoked) EventType() string        { return "invite.revoked" }
func (ApplicationSubmitted) EventType() string { return "application.submitted" }
func (ApplicationDecided) EventType() string   { return "application.decided" }
func (KeyAdded) EventType() string             { return "key.added" }
func (KeyRemoved) EventType() string           { return "key.removed" }
func (KeyRenamed) EventType() string           { return "key.renamed" }
func (RoleGranted) EventType() string          { return "role.granted" }
func (RoleRevoked) EventType() string          { return "role.revoked" }
func (MemberSuspended) EventType() string      { return "member.suspended" }
func (MemberExpelled) EventType() string       { return "member.expelled" }
func (MemberRenamed) EventType() string        { return "member.renamed" }

func init() {
	register(func() Body { return &HubCreated{} })
	register(func() Body { return &HubOrigin{} })
	register(func() Body { return &MemberJoined{} })
	register(func() Body { return &InviteCreated{} })
	register(func() Body { return &InviteRevoked{} })
	register(func() Body { return &ApplicationSubmitted{} })
	register(func() Body { return &ApplicationDecided{} })
	register(func() Body { return &KeyAdded{} })
	register(func() Body { return &KeyRemoved{} })
	register(func() Body { return &KeyRenamed{} })
	register(func() Body { return &RoleGranted{} })
	register(func() Body { return &RoleRevoked{} })
	register(func() Body { return &MemberRenamed{} })
	register(func() Body { return &MemberExpelled{} })
	register(func() Body { return &MemberSuspended{} })
}

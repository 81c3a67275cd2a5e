package state

import (
	"errors"
	"fmt"
)

// Actor is who asks for a command: the SSH key that authenticated, or the
// hub itself. Which member that is, if any, is decided inside the sequencer
// against current state, so a key removed a moment ago is refused.
type Actor struct {
	Key         string // canonical authorized_keys form
	Fingerprint string
	System      bool // the hub's own actions (start-up, deadlines)
}

// SystemActor is the hub acting on its own behalf.
var SystemActor = Actor{System: true}

// Env is everything a command may know besides state: who asks and the
// time the sequencer assigned to it.
type Env struct {
	Time  int64 // unix ms
	Actor Actor
}

// Command is a request to change state. Decide validates it against the
// current state by pure code and returns the acting member's ID (0 for the
// hub or a visitor) and the events to append, or a clear one-line error, in
// which case nothing is written.
type Command interface {
	Decide(r Reader, env Env) (actor uint64, events []Body, err error)
}

// Errors callers can tell apart. Their text is shown to members as is.
var (
	ErrVisitor   = errors.New("members only: this key is not a member's (redeem an invite with `join CODE --name NAME`, or `apply --name NAME`)")
	ErrForbidden = errors.New("not allowed")
	ErrNotFound  = errors.New("not found")
	ErrClosed    = errors.New("hub is shutting down")
)

func forbidden(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrForbidden}, a...)...)
}

func notFound(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotFound}, a...)...)
}

// member resolves env's actor to a member or fails with ErrVisitor.
func member(r Reader, env Env) (Member, error) {
	if env.Actor.System {
		return Member{}, errors.New("the hub cannot act as a member")
	}
	m, ok := MemberByFingerprint(r, env.Actor.Fingerprint)
	if !ok {
		return Member{}, ErrVisitor
	}
	if m.Expelled {
		return Member{}, forbidden("member %d was expelled", m.ID)
	}
	return m, nil
}

// Rights name what a member may do beyond their own affairs. The table is
// the default policy; later the community changes it by proposal.
const (
	RightInvite  = "invite"
	RightApprove = "approve"
	RightRoles   = "roles"
)

var defaultRights = map[string][]string{
	RightInvite:  {RoleSteward},
	RightApprove: {RoleSteward},
	RightRoles:   {RoleSteward},
}

// Can reports whether m holds right.
func Can(m Member, right string) bool {
	for _, r := range defaultRights[right] {
		if m.HasRole(r) {
			return true
		}
	}
	return false
}

func require(r Reader, env Env, right, what string) (Member, error) {
	m, err := member(r, env)
	if err != nil {
		return m, err
	}
	if !Can(m, right) {
		return m, forbidden("only %s may %s", joinRoles(defaultRights[right]), what)
	}
	return m, nil
}

func joinRoles(rs []string) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += " or "
		}
		s += r + "s"
	}
	return s
}

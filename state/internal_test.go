package state

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// explodes is a command whose Decide breaks the domain code.
type explodes struct{}

func (explodes) Decide(Reader, Env) (uint64, []Body, error) { panic("boom") }

// A panic while deciding is refused as an internal error that changes
// nothing, and the log gets the stack it was raised on.
func TestPanicIsLoggedWithItsStack(t *testing.T) {
	var logged bytes.Buffer
	s := openTest(t, MemoryOptions{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	mustSubmit(t, s, SystemActor, CreateHub{Name: "h"})
	size, digest := s.Size(), s.StateDigest()
	_, err := s.Submit(context.Background(), SystemActor, explodes{})
	var ie *InternalError
	if err == nil || err.Error() != "internal error: boom" || !errors.As(err, &ie) {
		t.Fatalf("err %v", err)
	}
	if s.Size() != size || s.StateDigest() != digest {
		t.Fatal("a command that panicked changed state")
	}
	if !strings.Contains(logged.String(), "state.explodes.Decide") || !strings.Contains(logged.String(), "internal_test.go") {
		t.Fatalf("the log has no stack:\n%s", logged.String())
	}
}

// Apply recovers a panic over a corrupt record into an error that keeps
// its message and the stack, for the sequencer to log.
func TestApplyPanicKeepsItsStack(t *testing.T) {
	st := NewMemState()
	for i, b := range []Body{&HubCreated{Name: "h"}, &MemberJoined{Member: 1, Name: "ann", Key: testActor(t, "ann").Key, Via: "admin-key"}} {
		if err := Apply(st, Event{Seq: uint64(i), Time: 1, Body: b}); err != nil {
			t.Fatal(err)
		}
	}
	st.Set(idKey(prefixMember, 1), []byte("{not json"))
	err := Apply(st, Event{Seq: 2, Time: 1, Body: &RoleGranted{Member: 1, Role: RoleModerator}})
	var ce corruptError
	if err == nil || !strings.Contains(err.Error(), "is corrupt") || !errors.As(err, &ce) {
		t.Fatalf("err %v", err)
	}
	if ie := internal(err); !bytes.Contains(ie.Stack, []byte("applyRoleGranted")) {
		t.Fatalf("no stack: %q", ie.Stack)
	}
}

package state

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestInviteRules(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	s := openTest(t, MemoryOptions{Clock: clk.now})
	h := NewHub(s)
	ctx := context.Background()
	alice, bob := testActor(t, "alice"), testActor(t, "bob")
	mustSubmit(t, s, SystemActor, CreateHub{Name: "hub"})
	mustSubmit(t, s, SystemActor, AdmitAdmin{Key: alice.Key, Name: "alice"})

	code, _, err := h.CreateInviteCode(ctx, alice, 0, clk.t.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(2 * time.Hour)
	if _, err := s.Submit(ctx, bob, Join{CodeHash: HashCode(code), Name: "bob"}); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired code: %v", err)
	}
	// Codes are read case-insensitively, with or without dashes.
	code2, inv2, _ := h.CreateInviteCode(ctx, alice, 2, time.Time{})
	loose := strings.ToUpper(strings.ReplaceAll(code2, "-", ""))
	mustSubmit(t, s, bob, Join{CodeHash: HashCode(loose), Name: "bob"})
	// A member may not join again, and names stay unique.
	if _, err := s.Submit(ctx, bob, Join{CodeHash: HashCode(code2), Name: "bob2"}); err == nil {
		t.Fatal("a member joined twice")
	}
	carol := testActor(t, "carol")
	if _, err := s.Submit(ctx, carol, Join{CodeHash: HashCode(code2), Name: "BOB"}); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Fatalf("duplicate name: %v", err)
	}
	// Revoked codes are refused; only stewards create or revoke.
	if _, err := s.Submit(ctx, bob, RevokeInvite{ID: inv2.ID}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("member revoking: %v", err)
	}
	if _, _, err := h.CreateInviteCode(ctx, bob, 1, time.Time{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("member inviting: %v", err)
	}
	if _, _, err := h.CreateInviteCode(ctx, carol, 1, time.Time{}); !errors.Is(err, ErrVisitor) {
		t.Fatalf("visitor inviting: %v", err)
	}
	mustSubmit(t, s, alice, RevokeInvite{ID: inv2.ID})
	if _, err := s.Submit(ctx, carol, Join{CodeHash: HashCode(code2), Name: "carol"}); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked code: %v", err)
	}
}

func TestRolesAndKeys(t *testing.T) {
	s := openTest(t, MemoryOptions{})
	ctx := context.Background()
	alice, bob, spare := testActor(t, "alice"), testActor(t, "bob"), testActor(t, "spare")
	mustSubmit(t, s, SystemActor, CreateHub{Name: "hub"})
	mustSubmit(t, s, SystemActor, AdmitAdmin{Key: alice.Key, Name: "alice"})
	h := NewHub(s)
	code, _, _ := h.CreateInviteCode(ctx, alice, 1, time.Time{})
	mustSubmit(t, s, bob, Join{CodeHash: HashCode(code), Name: "bob"})

	if _, err := s.Submit(ctx, alice, SetRole{Member: 1, Role: RoleSteward}); err == nil || !strings.Contains(err.Error(), "last steward") {
		t.Fatalf("revoking the last steward: %v", err)
	}
	if _, err := s.Submit(ctx, bob, SetRole{Member: 2, Role: RoleSteward, Grant: true}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("self-promotion: %v", err)
	}
	mustSubmit(t, s, alice, SetRole{Member: 2, Role: RoleModerator, Grant: true})

	// Keys: one member each; the last one cannot go; removal works at once.
	if _, err := s.Submit(ctx, bob, AddKey{Key: alice.Key, CodeHash: HashKeyCode("x")}); err == nil || !strings.Contains(err.Error(), "another member") {
		t.Fatalf("stealing a key: %v", err)
	}
	if _, err := s.Submit(ctx, bob, RemoveKey{Ref: bob.Fingerprint}); err == nil || !strings.Contains(err.Error(), "only key") {
		t.Fatalf("removing the last key: %v", err)
	}
	mustSubmit(t, s, bob, AddKey{Key: spare.Key, Name: "laptop", CodeHash: HashKeyCode("spare")})
	mustSubmit(t, s, spare, ConfirmKey{CodeHash: HashKeyCode("spare")})
	mustSubmit(t, s, spare, RenameKey{Ref: "laptop", Name: "old laptop"})
	mustSubmit(t, s, spare, RemoveKey{Ref: bob.Fingerprint})
	if _, err := s.Submit(ctx, bob, Rename{Name: "robert"}); !errors.Is(err, ErrVisitor) {
		t.Fatalf("removed key still works: %v", err)
	}
	m, ok, _ := h.Whoami(spare.Fingerprint)
	if !ok || m.Name != "bob" || !m.HasRole(RoleModerator) || len(m.Keys) != 1 || m.Keys[0].Name != "old laptop" {
		t.Fatalf("bob after key changes: %+v", m)
	}
}

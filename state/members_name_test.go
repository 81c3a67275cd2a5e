package state

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// join brings a newcomer in by invite code, or says why not.
func (f *govFixture) join(who, name string) error {
	f.t.Helper()
	f.ppl[who] = testActor(f.t, who)
	code, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 1, time.Time{})
	if err != nil {
		f.t.Fatal(err)
	}
	_, err = f.s.Submit(f.ctx, f.ppl[who], Join{CodeHash: HashCode(code), Name: name})
	return err
}

func TestInvisibleAndZalgoNamesRefused(t *testing.T) {
	f := newGov(t)
	zalgo := "e" + strings.Repeat("\u0301\u0300\u0302", 13)
	for i, c := range []struct{ name, want string }{
		{"\u3164", "invisible character (U+3164)"},
		{"\u115F\u1160", "invisible character (U+115F)"},
		{"\uFFA0", "invisible character (U+FFA0)"},
		{"\u200D", "joins nothing"},
		{"eve\u200D", "joins nothing"},
		{zalgo, "more than 4 combining marks"},
		{"🦊", "at least one letter or digit"},
		{"\uA7CB", "not a character of Unicode 13.0"},
	} {
		if err := f.join(fmt.Sprint("eve", i), c.name); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("join as %+q: %v, want %q", c.name, err, c.want)
		}
		f.refuse("bob", Rename{Name: c.name}, c.want)
		f.refuse("bob", ApplyToJoin{Name: c.name, Text: "hi"}, "already belongs")
	}
	visitor := testActor(t, "visitor")
	if _, err := f.s.Submit(f.ctx, visitor, ApplyToJoin{Name: "\u3164", Text: "hi"}); err == nil || !strings.Contains(err.Error(), "U+3164") {
		t.Fatalf("application with a filler name: %v", err)
	}
}

func TestLookAlikeNamesRefused(t *testing.T) {
	f := newGov(t)
	f.do("bob", SetListed{Listed: true})
	// bob is listed: the clash names him.
	for i, name := range []string{"BOB", "b\u043Eb", "Bob", "b0b", "\u13CFob"} {
		if err := f.join(fmt.Sprint("eve", i), name); err == nil || !strings.Contains(err.Error(), `is taken: it looks like member 2's name "bob"`) {
			t.Errorf("join as %+q: %v", name, err)
		}
	}
	// carol is not: the clash says only that someone has it.
	if err := f.join("erin", "c\u0430rol"); err == nil || !strings.Contains(err.Error(), "looks like the name of a member who is not listed") || strings.Contains(err.Error(), "carol") {
		t.Errorf("join as Cyrillic carol: %v", err)
	}
	f.refuse("dave", Rename{Name: "CAROL"}, "is taken")
	f.refuse("dave", Rename{Name: "\u0441arol"}, "is taken")
	// A member may change the case of their own name, and others see it.
	f.do("carol", Rename{Name: "Carol"})
	if err := f.join("eve", "Eve"); err != nil {
		t.Fatal(err)
	}
	if m, ok := MemberByNameFrom(t, f, "EVE"); !ok || m.Name != "Eve" {
		t.Fatalf("lookup by name: %+v %v", m, ok)
	}
	// An anonymous leaver's name is free again; a named leaver's is not.
	f.do("dave", Leave{Anonymous: true})
	f.do("bob", Leave{})
	if err := f.join("dave2", "Dave"); err != nil {
		t.Fatalf("dave's name after anonymous leave: %v", err)
	}
	if err := f.join("bob2", "bob"); err == nil || !strings.Contains(err.Error(), "is taken") {
		t.Fatalf("bob's name after leaving: %v", err)
	}
	f.verifies()
}

func MemberByNameFrom(t *testing.T, f *govFixture, name string) (m Member, ok bool) {
	t.Helper()
	if err := f.h.View(func(r Reader) error { m, ok = MemberByName(r, name); return nil }); err != nil {
		t.Fatal(err)
	}
	return m, ok
}

// Apply holds a forged log to the same rule: an invisible name or one that
// looks like another member's is refused on replay.
func TestApplyRefusesForgedNames(t *testing.T) {
	key := func(n string) string { return testActor(t, n).Key }
	base := func() *MemState {
		st := NewMemState()
		for i, b := range []Body{&HubCreated{Name: "hub"},
			&MemberJoined{Member: 1, Name: "alice", Key: key("alice"), Via: "admin-key"},
			&MemberJoined{Member: 2, Name: "Bill", Key: key("bill"), Via: "admin-key"}} {
			if err := Apply(st, Event{Seq: uint64(i), Time: 1, Body: b}); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	for _, c := range []struct {
		body Body
		want string
	}{
		{&MemberJoined{Member: 3, Name: "\u3164", Key: key("eve"), Via: "admin-key"}, "invisible character"},
		{&MemberJoined{Member: 3, Name: "\u0430lice", Key: key("eve"), Via: "admin-key"}, "looks like member 1's"},
		{&MemberJoined{Member: 3, Name: "BiII", Key: key("eve"), Via: "admin-key"}, "looks like member 2's"},
		{&MemberJoined{Member: 3, Name: strings.Repeat("x", 41), Key: key("eve"), Via: "admin-key"}, "too long"},
		{&MemberRenamed{Member: 2, Name: "ALICE"}, "looks like member 1's"},
		{&MemberRenamed{Member: 2, Name: "bill\u200D"}, "joins nothing"},
		{&ApplicationSubmitted{Application: 1, Name: "\uFFA0", Text: "hi", Key: key("eve")}, "invisible character"},
	} {
		if err := Apply(base(), Event{Seq: 3, Time: 2, Actor: 2, Body: c.body}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.body.EventType(), err, c.want)
		}
	}
	// Renaming to one's own name in another case is fine, and moves the keys.
	st := base()
	if err := Apply(st, Event{Seq: 3, Time: 2, Actor: 2, Body: &MemberRenamed{Member: 2, Name: "BILL"}}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	st.Scan(prefixName, func(k string, v []byte) bool { keys = append(keys, k+"="+string(v)); return true })
	// Keys are skeletons from the pinned data: "BILL" folds to "bill" and
	// its own skeleton reads capital I as l.
	if got, want := strings.Join(keys, " "), "s/name/BlLL=2 s/name/alice=1 s/name/bill=2"; got != want {
		t.Fatalf("name keys %q, want %q", got, want)
	}
}

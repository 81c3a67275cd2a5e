package state

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/polis-hub/polis/state/names"
	"github.com/polis-hub/polis/state/sanitize"
)

// prefixName indexes member names by their names.Keys: each key is held by
// exactly one member, so two names that look alike cannot both exist.
const prefixName = "s/name/"

func nameKeys(name string) []string {
	ks := names.Keys(name)
	for i := range ks {
		ks[i] = prefixName + ks[i]
	}
	return ks
}

// nameRule is the part of the name rule Apply re-checks. It reads only
// pinned data (state/names), never the toolchain's Unicode tables, so
// replay gives the same answer under any Go.
func nameRule(name string) error {
	if name == "" {
		return fmt.Errorf("name is empty")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return fmt.Errorf("name is too long (%d characters, at most %d)", n, MaxNameLen)
	}
	return names.Check(name)
}

// checkName decides whether name may be taken by member self (0 for a
// newcomer): the sanitiser's check, the visible-name rule, and no other
// member's name that looks the same.
func checkName(r Reader, name string, self uint64) error {
	if err := sanitize.Check("name", name, MaxNameLen, false, true); err != nil {
		return err
	}
	if err := nameRule(name); err != nil {
		return err
	}
	if other, ok := nameHolder(r, name, self); ok {
		if m, ok := GetMember(r, other); ok && m.Listed {
			return fmt.Errorf("name %q is taken: it looks like member %d's name %q", name, m.ID, sanitize.Line(m.Name))
		}
		// An unlisted member's name is not shown to whoever asks.
		return fmt.Errorf("name %q is taken: it looks like the name of a member who is not listed", name)
	}
	return nil
}

// nameHolder is the member other than self holding one of name's keys.
func nameHolder(r Reader, name string, self uint64) (uint64, bool) {
	for _, k := range nameKeys(name) {
		if b, ok := r.Get(k); ok {
			if id, _ := strconv.ParseUint(string(b), 10, 64); id != self {
				return id, true
			}
		}
	}
	return 0, false
}

// holdName indexes m's name; Apply refuses a name the rule refuses or one
// that looks like another member's, so a forged log cannot hold either.
func holdName(w Writer, m Member) error {
	if err := nameRule(m.Name); err != nil {
		return fmt.Errorf("member %d: %v", m.ID, err)
	}
	if other, ok := nameHolder(w, m.Name, m.ID); ok {
		return fmt.Errorf("member %d's name %q looks like member %d's", m.ID, m.Name, other)
	}
	for _, k := range nameKeys(m.Name) {
		w.Set(k, []byte(strconv.FormatUint(m.ID, 10)))
	}
	return nil
}

// releaseName frees m's name keys.
func releaseName(w Writer, m Member) {
	for _, k := range nameKeys(m.Name) {
		w.Delete(k)
	}
}

// MemberByName finds the member whose name is name up to case and
// look-alike characters ("alice" finds "Alice"), including members who
// left under their name.
func MemberByName(r Reader, name string) (Member, bool) {
	b, ok := r.Get(prefixName + names.Keys(name)[0])
	if !ok {
		return Member{}, false
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return GetMember(r, id)
}

// SameName reports whether two names are one name up to case and
// look-alike characters, by the rule that keeps names unique.
func SameName(a, b string) bool { return names.Keys(a)[0] == names.Keys(b)[0] }

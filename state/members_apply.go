package state

import (
	"fmt"
	"strconv"
)

// memberAppliers fold the hub's, members', keys', invites' and applications'
// events.
var memberAppliers = []applier{
	on(applyHubCreated),
	on(applyHubOrigin),
	on(applyMemberJoined),
	on(applyInviteCreated),
	on(applyInviteRevoked),
	on(applyApplicationSubmitted),
	on(applyApplicationDecided),
	on(applyKeyAdded),
	on(applyKeyOffered),
	on(applyKeyRemoved),
	on(applyKeyRenamed),
	on(applyRoleGranted),
	on(applyRoleRevoked),
	on(applyMemberRenamed),
	on(applyMemberExpelled),
	on(applyMemberSuspended),
}

func applyHubCreated(w Writer, ev Event, b *HubCreated) error {
	if _, ok := GetHub(w); ok {
		return fmt.Errorf("hub already created")
	}
	putJSON(w, keyHub, HubInfo{Name: b.Name, Created: ev.Time})
	return nil
}

func applyHubOrigin(w Writer, ev Event, b *HubOrigin) error {
	h, ok := GetHub(w)
	if !ok || h.Origin != "" {
		return fmt.Errorf("hub.origin: no hub, or its origin is already named")
	}
	if err := checkOrigin(b.Origin); err != nil {
		return err
	}
	h.Origin = b.Origin
	putJSON(w, keyHub, h)
	return nil
}

func applyMemberJoined(w Writer, ev Event, b *MemberJoined) error {
	if _, ok := GetMember(w, b.Member); ok {
		return fmt.Errorf("member %d already exists", b.Member)
	}
	canon, fp, _, err := ParseKey(b.Key)
	if err != nil {
		return err
	}
	if _, taken := w.Get(prefixKeyIndex + fp); taken {
		return fmt.Errorf("key %s already belongs to a member", fp)
	}
	m := Member{ID: b.Member, Name: b.Name, Roles: normRoles(b.Roles), Joined: ev.Time, Via: b.Via,
		Keys: []Key{{Fingerprint: fp, Key: canon, Name: "first key", Added: ev.Time}}}
	if err := holdName(w, m); err != nil {
		return err
	}
	putJSON(w, idKey(prefixMember, m.ID), m)
	w.Set(prefixKeyIndex+fp, []byte(strconv.FormatUint(m.ID, 10)))
	useID(w, "member", m.ID)
	if b.Invite != 0 {
		inv, ok := GetInvite(w, b.Invite)
		if !ok {
			return fmt.Errorf("unknown invite %d", b.Invite)
		}
		inv.Used++
		putJSON(w, idKey(prefixInvite, inv.ID), inv)
	}
	return nil
}

func applyInviteCreated(w Writer, ev Event, b *InviteCreated) error {
	if _, ok := GetInvite(w, b.Invite); ok {
		return fmt.Errorf("invite %d already exists", b.Invite)
	}
	putJSON(w, idKey(prefixInvite, b.Invite), Invite{ID: b.Invite, CodeHash: b.CodeHash, Uses: b.Uses,
		Expires: b.Expires, Roles: normRoles(b.Roles), By: ev.Actor, Created: ev.Time})
	w.Set(prefixCodeIndex+b.CodeHash, []byte(strconv.FormatUint(b.Invite, 10)))
	useID(w, "invite", b.Invite)
	return nil
}

func applyInviteRevoked(w Writer, ev Event, b *InviteRevoked) error {
	inv, ok := GetInvite(w, b.Invite)
	if !ok {
		return fmt.Errorf("unknown invite %d", b.Invite)
	}
	inv.Revoked = true
	putJSON(w, idKey(prefixInvite, inv.ID), inv)
	return nil
}

func applyApplicationSubmitted(w Writer, ev Event, b *ApplicationSubmitted) error {
	if err := nameRule(b.Name); err != nil {
		return fmt.Errorf("application %d: %v", b.Application, err)
	}
	canon, fp, _, err := ParseKey(b.Key)
	if err != nil {
		return err
	}
	if a, ok := ApplicationOf(w, fp); ok && a.Status == AppPending {
		return fmt.Errorf("key %s already has application %d pending", fp, a.ID)
	}
	id := []byte(strconv.FormatUint(b.Application, 10))
	putJSON(w, idKey(prefixApp, b.Application), Application{ID: b.Application, Name: b.Name, Text: b.Text,
		Key: canon, Fingerprint: fp, Status: AppPending, Submitted: ev.Time})
	w.Set(prefixAppKey+fp, id)
	w.Set(idKey(prefixAppPending, b.Application), id)
	useID(w, "application", b.Application)
	return nil
}

func applyApplicationDecided(w Writer, ev Event, b *ApplicationDecided) error {
	a, ok := GetApplication(w, b.Application)
	if !ok || a.Status != AppPending {
		return fmt.Errorf("application %d is not pending", b.Application)
	}
	a.Status, a.DecidedBy, a.Decided = AppRejected, ev.Actor, ev.Time
	if b.Approved {
		a.Status = AppApproved
		a.Member = nextID(w, "member")
	}
	putJSON(w, idKey(prefixApp, a.ID), a)
	w.Delete(idKey(prefixAppPending, a.ID))
	return nil
}

func applyKeyAdded(w Writer, ev Event, b *KeyAdded) error {
	m, ok := GetMember(w, b.Member)
	if !ok {
		return fmt.Errorf("unknown member %d", b.Member)
	}
	canon, fp, _, err := ParseKey(b.Key)
	if err != nil {
		return err
	}
	if _, taken := w.Get(prefixKeyIndex + fp); taken {
		return fmt.Errorf("key %s already belongs to a member", fp)
	}
	if m.Gone() {
		return fmt.Errorf("member %d is gone", m.ID)
	}
	if err := takeKeyOffer(w, ev, m.ID, fp); err != nil {
		return err
	}
	m.Keys = append(m.Keys, Key{Fingerprint: fp, Key: canon, Name: b.Name, Added: ev.Time})
	putJSON(w, idKey(prefixMember, m.ID), m)
	w.Set(prefixKeyIndex+fp, []byte(strconv.FormatUint(m.ID, 10)))
	return nil
}

func applyKeyRemoved(w Writer, ev Event, b *KeyRemoved) error {
	m, ok := GetMember(w, b.Member)
	if !ok {
		return fmt.Errorf("unknown member %d", b.Member)
	}
	kept := m.Keys[:0:0]
	for _, k := range m.Keys {
		if k.Fingerprint != b.Fingerprint {
			kept = append(kept, k)
		}
	}
	if len(kept) == len(m.Keys) {
		return fmt.Errorf("member %d has no key %s", m.ID, b.Fingerprint)
	}
	m.Keys = kept
	putJSON(w, idKey(prefixMember, m.ID), m)
	w.Delete(prefixKeyIndex + b.Fingerprint)
	return nil
}

func applyKeyRenamed(w Writer, ev Event, b *KeyRenamed) error {
	m, ok := GetMember(w, b.Member)
	if !ok {
		return fmt.Errorf("unknown member %d", b.Member)
	}
	found := false
	for i := range m.Keys {
		if m.Keys[i].Fingerprint == b.Fingerprint {
			m.Keys[i].Name, found = b.Name, true
		}
	}
	if !found {
		return fmt.Errorf("member %d has no key %s", m.ID, b.Fingerprint)
	}
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

func applyRoleGranted(w Writer, ev Event, b *RoleGranted) error {
	m, ok := GetMember(w, b.Member)
	if !ok || !IsRole(b.Role) {
		return fmt.Errorf("cannot grant %q to member %d", b.Role, b.Member)
	}
	if b.Proposal != 0 {
		if _, err := takeEffect(w, ev, b.Proposal, KindRole, func(a Action) bool {
			return a.Grant && a.Member == b.Member && a.Role == b.Role
		}); err != nil {
			return err
		}
	} else if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not grant roles", ev.Actor)
	}
	if b.Role == RoleTreasurer && !m.HasRole(RoleTreasurer) {
		m.TreasurerSince = ev.Time // signs only after TreasurerWaitMS
	}
	m.Roles = normRoles(append(m.Roles, b.Role))
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

func applyRoleRevoked(w Writer, ev Event, b *RoleRevoked) error {
	m, ok := GetMember(w, b.Member)
	if !ok || !IsRole(b.Role) || b.Role == RoleMember {
		return fmt.Errorf("cannot revoke %q from member %d", b.Role, b.Member)
	}
	if b.Proposal != 0 {
		if _, err := takeEffect(w, ev, b.Proposal, KindRole, func(a Action) bool {
			return !a.Grant && a.Member == b.Member && a.Role == b.Role
		}); err != nil {
			return err
		}
	} else if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not revoke roles", ev.Actor)
	}
	var kept []string
	for _, r := range m.Roles {
		if r != b.Role {
			kept = append(kept, r)
		}
	}
	m.Roles = normRoles(kept)
	if b.Role == RoleTreasurer {
		m.TreasurerSince = 0
	}
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

func applyMemberRenamed(w Writer, ev Event, b *MemberRenamed) error {
	m, ok := GetMember(w, b.Member)
	if !ok {
		return fmt.Errorf("unknown member %d", b.Member)
	}
	releaseName(w, m)
	m.Name = b.Name
	if err := holdName(w, m); err != nil {
		return err
	}
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

// applyMemberExpelled expels by the members' decision (an expel proposal)
// or a jury's (a case).
func applyMemberExpelled(w Writer, ev Event, b *MemberExpelled) error {
	m, ok := GetMember(w, b.Member)
	if !ok || m.Gone() {
		return fmt.Errorf("member %d cannot be expelled", b.Member)
	}
	var err error
	switch {
	case (b.Proposal == 0) == (b.Case == 0):
		err = fmt.Errorf("member.expelled names one proposal or one case")
	case b.Proposal != 0:
		_, err = takeEffect(w, ev, b.Proposal, KindExpel, func(a Action) bool { return a.Member == b.Member })
	default:
		_, err = takeCaseEffect(w, ev, b.Case, func(c Case, jury bool) bool {
			return jury && c.Outcome == OutcomeExpulsion && c.Respondent == b.Member
		})
	}
	if err != nil {
		return err
	}
	expel(w, m, b.Case, ev.Time)
	return nil
}

package state

import (
	"fmt"
	"strconv"
)

// charterAppliers fold the charter's adoption and members' consent.
var charterAppliers = []applier{
	on(applyCharterAdopted),
	on(applyConsentGiven),
}

func applyCharterAdopted(w Writer, ev Event, b *CharterAdopted) error {
	if b.Version != CharterVersion(w)+1 {
		return fmt.Errorf("charter version %d out of order", b.Version)
	}
	if b.Version > 1 || b.Proposal != 0 {
		// Amendments come only from the charter proposal that
		// just executed, carrying exactly its body.
		p, ok := GetProposal(w, b.Proposal)
		if !ok || p.Kind != KindCharter || p.State != PropExecuted || p.Body != b.Text {
			return fmt.Errorf("charter version %d does not match an executed charter proposal", b.Version)
		}
		if _, done := w.Get(prefixCharterBy + strconv.FormatUint(p.ID, 10)); done {
			return fmt.Errorf("proposal %d already adopted a charter", p.ID)
		}
		w.Set(prefixCharterBy+strconv.FormatUint(p.ID, 10), []byte(strconv.Itoa(b.Version)))
	}
	c := Charter{Version: b.Version, Text: b.Text, Adopted: ev.Time, By: ev.Actor, Proposal: b.Proposal, Seq: ev.Seq}
	putJSON(w, idKey(prefixCharter, uint64(c.Version)), c)
	w.Set(keyCharterHead, []byte(strconv.Itoa(c.Version)))
	return nil
}

func applyConsentGiven(w Writer, ev Event, b *ConsentGiven) error {
	if b.Version < 1 || b.Version > CharterVersion(w) {
		return fmt.Errorf("consent to unknown charter version %d", b.Version)
	}
	if b.Application != 0 {
		if _, ok := GetApplication(w, b.Application); !ok {
			return fmt.Errorf("consent for unknown application %d", b.Application)
		}
		w.Set(idKey(prefixConsent, b.Application), []byte(strconv.Itoa(b.Version)))
		return nil
	}
	m, ok := GetMember(w, b.Member)
	if !ok {
		return fmt.Errorf("consent for unknown member %d", b.Member)
	}
	m.Consent, m.ConsentTime = b.Version, ev.Time
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

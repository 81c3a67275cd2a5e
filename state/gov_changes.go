package state

import (
	"encoding/json"
	"fmt"
)

// Scheduled changes: a steward's change that weakens a guarded kind's
// rules or the treasury's controls is recorded at once, for everyone to
// see, and takes effect only when the hub applies it TimeLockMS later, by
// an event of its own (replay never reads the clock). A later change to
// the same thing, by a steward or by a passed proposal, cancels it.

// Change is a scheduled change. Exactly one of Rules, Signers and Cap is
// set.
type Change struct {
	ID        uint64          `json:"id"`
	By        uint64          `json:"by"`
	Scheduled int64           `json:"scheduled"`
	Due       int64           `json:"due"`
	Rules     *KindRules      `json:"rules,omitempty"`
	Signers   int             `json:"signers,omitempty"`
	Cap       *RestitutionCap `json:"cap,omitempty"`
	Applied   int64           `json:"applied,omitempty"` // set by change.applied, for its effect right after
}

// Target names what a change changes; one change per target waits at a
// time.
func (c Change) Target() string {
	switch {
	case c.Rules != nil:
		return "rules/" + c.Rules.Kind
	case c.Cap != nil:
		return "cap/" + c.Cap.Asset
	}
	return "signers"
}

// ChangeScheduled records a steward's weakening change and when it is due.
type ChangeScheduled struct {
	Change  uint64          `json:"change"`
	Due     int64           `json:"due"`
	Rules   *KindRules      `json:"rules,omitempty"`
	Signers int             `json:"signers,omitempty"`
	Cap     *RestitutionCap `json:"cap,omitempty"`
}

// ChangeApplied is the hub applying a scheduled change at or after its due
// time. Its effect follows in the same command as the changed thing's own
// event (rules.set, treasury.policy, restitution.cap) naming the change.
type ChangeApplied struct {
	Change uint64 `json:"change"`
}

// ChangeCancelled drops a scheduled change that a later change to the same
// target replaces; it is followed in the same command by that change.
type ChangeCancelled struct {
	Change uint64 `json:"change"`
}

func (ChangeScheduled) EventType() string { return "change.scheduled" }
func (ChangeApplied) EventType() string   { return "change.applied" }
func (ChangeCancelled) EventType() string { return "change.cancelled" }

func init() {
	register(func() Body { return &ChangeScheduled{} })
	register(func() Body { return &ChangeApplied{} })
	register(func() Body { return &ChangeCancelled{} })
}

const prefixChange = "s/change/"

// ScheduledChanges lists the changes waiting for their time, oldest first.
func ScheduledChanges(r Reader) []Change {
	var out []Change
	r.Scan(prefixChange, func(k string, v []byte) bool {
		var c Change
		if err := json.Unmarshal(v, &c); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, c)
		return true
	})
	return out
}

// GetChange returns scheduled change id.
func GetChange(r Reader, id uint64) (Change, bool) {
	var c Change
	ok := getJSON(r, idKey(prefixChange, id), &c)
	return c, ok
}

// pendingFor returns the change waiting on target, if any.
func pendingFor(r Reader, target string) (Change, bool) {
	for _, c := range ScheduledChanges(r) {
		if c.Target() == target {
			return c, true
		}
	}
	return Change{}, false
}

// supersede is the events that cancel the change waiting on target, if
// any: a later change to the same thing replaces it.
func supersede(r Reader, target string) []Body {
	if c, ok := pendingFor(r, target); ok {
		return []Body{&ChangeCancelled{Change: c.ID}}
	}
	return nil
}

// schedule is the events of a steward's weakening change c: the change it
// replaces, if any, is cancelled first.
func schedule(r Reader, env Env, c Change) []Body {
	return append(supersede(r, c.Target()), &ChangeScheduled{Change: nextID(r, "change"), Due: env.Time + TimeLockMS,
		Rules: c.Rules, Signers: c.Signers, Cap: c.Cap})
}

// checkChange validates a change's content, as the direct change would be.
func checkChange(r Reader, c Change) error {
	n := 0
	if c.Rules != nil {
		n++
		if err := checkRules(*c.Rules); err != nil {
			return err
		}
	}
	if c.Signers != 0 {
		n++
		if c.Signers < 1 || c.Signers > MaxSigners {
			return fmt.Errorf("signers must be between 1 and %d", MaxSigners)
		}
	}
	if c.Cap != nil {
		n++
		if err := checkCap(r, *c.Cap); err != nil {
			return err
		}
	}
	if n != 1 {
		return fmt.Errorf("a change changes one thing")
	}
	return nil
}

// ApplyChange is the hub applying a scheduled change once it is due.
type ApplyChange struct{ ID uint64 }

func (c ApplyChange) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("scheduled changes take effect at their time")
	}
	ch, ok := GetChange(r, c.ID)
	if !ok {
		return 0, nil, notFound("no scheduled change %d", c.ID)
	}
	if env.Time < ch.Due {
		return 0, nil, fmt.Errorf("change %d is due on %s", ch.ID, Day(ch.Due))
	}
	return 0, []Body{&ChangeApplied{Change: ch.ID}, changeEffect(ch)}, nil
}

// changeEffect is the event that makes change c: the same event a direct
// change makes, naming c.
func changeEffect(c Change) Body {
	switch {
	case c.Rules != nil:
		return &RulesSet{Rules: *c.Rules, Change: c.ID}
	case c.Cap != nil:
		return &RestitutionCapSet{Asset: c.Cap.Asset, Amount: c.Cap.Amount, Change: c.ID}
	}
	return &PolicySet{Signers: c.Signers, Change: c.ID}
}

// takeChange is the check an applier makes of the scheduled change its
// event names: one that change.applied marked at this event's time, that
// the event matches (as the applier judges). Its record goes, so it takes
// effect once.
func takeChange(w Writer, ev Event, id uint64, matches func(Change) bool) error {
	c, ok := GetChange(w, id)
	if !ok || c.Applied == 0 || c.Applied != ev.Time {
		return fmt.Errorf("%s: change %d is not being applied now", ev.Body.EventType(), id)
	}
	if !matches(c) {
		return fmt.Errorf("%s is not what change %d scheduled", ev.Body.EventType(), id)
	}
	w.Delete(idKey(prefixChange, c.ID))
	return nil
}

// changeAppliers fold the scheduled-change events.
var changeAppliers = []applier{
	on(applyChangeScheduled),
	on(applyChangeApplied),
	on(applyChangeCancelled),
}

func applyChangeScheduled(w Writer, ev Event, b *ChangeScheduled) error {
	m, ok := GetMember(w, ev.Actor)
	if !ok || !Can(m, RightRoles) || b.Change != nextID(w, "change") || b.Due != ev.Time+TimeLockMS {
		return fmt.Errorf("change %d cannot be scheduled", b.Change)
	}
	c := Change{ID: b.Change, By: ev.Actor, Scheduled: ev.Time, Due: b.Due, Rules: b.Rules, Signers: b.Signers, Cap: b.Cap}
	if err := checkChange(w, c); err != nil {
		return err
	}
	if _, ok := pendingFor(w, c.Target()); ok {
		return fmt.Errorf("a change to %s is already scheduled", c.Target())
	}
	putJSON(w, idKey(prefixChange, c.ID), c)
	useID(w, "change", c.ID)
	setDue(w, c.Due, DueChange, c.ID)
	return nil
}

func applyChangeApplied(w Writer, ev Event, b *ChangeApplied) error {
	c, ok := GetChange(w, b.Change)
	if !ok || ev.Time < c.Due || c.Applied != 0 {
		return fmt.Errorf("change %d is not due", b.Change)
	}
	// The effect that follows (see changeEffect) takes the record.
	c.Applied = ev.Time
	putJSON(w, idKey(prefixChange, c.ID), c)
	clearDue(w, c.Due, DueChange, c.ID)
	return nil
}

func applyChangeCancelled(w Writer, ev Event, b *ChangeCancelled) error {
	c, ok := GetChange(w, b.Change)
	if !ok {
		return fmt.Errorf("no scheduled change %d", b.Change)
	}
	w.Delete(idKey(prefixChange, c.ID))
	clearDue(w, c.Due, DueChange, c.ID)
	return nil
}

// ScheduledChanges lists the changes waiting for their time.
func (h *Hub) ScheduledChanges() (cs []Change, err error) {
	err = h.View(func(r Reader) error { cs = ScheduledChanges(r); return nil })
	return cs, err
}

// RulesView is a kind's rules in force, with its floor if it is guarded
// and the change waiting on it, if any.
type RulesView struct {
	KindRules
	Floor     *KindRules `json:"floor,omitempty"`
	Scheduled *Change    `json:"scheduled,omitempty"`
}

// RulesInForce lists every kind's rules, in Kinds order.
func (h *Hub) RulesInForce() (out []RulesView, err error) {
	err = h.View(func(r Reader) error {
		waiting := map[string]Change{}
		for _, c := range ScheduledChanges(r) {
			waiting[c.Target()] = c
		}
		for _, k := range Kinds {
			kr, _ := RulesFor(r, k)
			v := RulesView{KindRules: kr}
			if f, ok := ruleFloors[k]; ok {
				v.Floor = &f
			}
			if c, ok := waiting["rules/"+k]; ok {
				v.Scheduled = &c
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// PolicyView is the treasury's controls: signatures per payout, the
// restitution caps, the new treasurer's wait, and the changes to them
// waiting for their time.
type PolicyView struct {
	Signers         int              `json:"signers"`
	RestitutionCaps []RestitutionCap `json:"restitution_caps"`
	TreasurerWaitMS int64            `json:"treasurer_wait_ms"`
	Scheduled       []Change         `json:"scheduled"`
}

// Policy returns the treasury's controls.
func (h *Hub) Policy() (v PolicyView, err error) {
	err = h.View(func(r Reader) error {
		v = PolicyView{Signers: Policy(r).Signers, TreasurerWaitMS: TreasurerWaitMS, RestitutionCaps: []RestitutionCap{}, Scheduled: []Change{}}
		for _, a := range ListAssets(r) {
			v.RestitutionCaps = append(v.RestitutionCaps, RestitutionCapOf(r, a.Code))
		}
		for _, c := range ScheduledChanges(r) {
			if c.Rules == nil {
				v.Scheduled = append(v.Scheduled, c)
			}
		}
		return nil
	})
	return v, err
}

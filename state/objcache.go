package state

import "slices"

// ObjCache is an optional side table of decoded state values. Replaying a
// long log decodes the same few records (a member who votes every day)
// over and over; keeping the decoded struct next to its bytes makes apply
// cost what the change costs, not what JSON decoding costs. Values go in
// and out as deep copies, so the cache can never be changed behind the
// bytes' back.
//
// An engine's Reader implements it to offer such a table; domain code reaches
// it only through loadObj and storeObj, which do the copying.
type ObjCache interface {
	// Obj returns the decoded value kept for key's current bytes.
	Obj(key string) (any, bool)
	// SetObj keeps v as the decoded form of key's current bytes.
	SetObj(key string, v any)
}

func cloneObj(v any) (any, bool) {
	switch x := v.(type) {
	case Member:
		x.Roles = slices.Clone(x.Roles)
		x.Keys = slices.Clone(x.Keys)
		return x, true
	case *Member:
		return cloneObj(*x)
	case Invite:
		x.Roles = slices.Clone(x.Roles)
		return x, true
	case *Invite:
		return cloneObj(*x)
	case Application:
		return x, true
	case *Application:
		return *x, true
	case Proposal:
		x.Options = slices.Clone(x.Options)
		if x.Action.Rules != nil {
			r := *x.Action.Rules
			x.Action.Rules = &r
		}
		if x.Outcome != nil {
			o := *x.Outcome
			x.Outcome = &o
		}
		if x.Action.Space != nil {
			sp := *x.Action.Space
			sp.Blackouts = slices.Clone(sp.Blackouts)
			x.Action.Space = &sp
		}
		return x, true
	case *Proposal:
		return cloneObj(*x)
	}
	return nil, false
}

// loadObj fills v (a pointer) from the cache.
func loadObj(r Reader, key string, v any) bool {
	oc, ok := r.(ObjCache)
	if !ok {
		return false
	}
	o, ok := oc.Obj(key)
	if !ok {
		return false
	}
	c, ok := cloneObj(o)
	if !ok {
		return false
	}
	switch p := v.(type) {
	case *Member:
		m, ok := c.(Member)
		if ok {
			*p = m
		}
		return ok
	case *Invite:
		i, ok := c.(Invite)
		if ok {
			*p = i
		}
		return ok
	case *Application:
		a, ok := c.(Application)
		if ok {
			*p = a
		}
		return ok
	case *Proposal:
		pr, ok := c.(Proposal)
		if ok {
			*p = pr
		}
		return ok
	}
	return false
}

func storeObj(r Reader, key string, v any) {
	if oc, ok := r.(ObjCache); ok {
		if c, ok := cloneObj(v); ok {
			oc.SetObj(key, c)
		}
	}
}

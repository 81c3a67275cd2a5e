package state

import "fmt"

// SetCharter adopts the hub's first charter. Stewards only, and only once.
type SetCharter struct{ Text string }

func (c SetCharter) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "set the first charter")
	if err != nil {
		return 0, nil, err
	}
	if cur, ok := CurrentCharter(r); ok {
		return 0, nil, fmt.Errorf("the hub already has charter version %d: amend it with a charter proposal (`proposal new --kind charter`)", cur.Version)
	}
	if err := checkCharterText(c.Text); err != nil {
		return 0, nil, err
	}
	return m.ID, []Body{&CharterAdopted{Version: 1, Text: c.Text}, &ConsentGiven{Member: m.ID, Version: 1}}, nil
}

// Consent records the asking member's consent to the charter in force.
// Version must name it, so a member never consents to text they were not
// shown (the charter may change between reading and agreeing).
type Consent struct {
	Version int
	Sig     string // the member's armoured SSHSIG over ActToSign's bytes, or ""
}

func (c Consent) Decide(r Reader, env Env) (uint64, []Body, error) {
	id, b, err := decideSigned(r, env, c, c.Sig)
	if err != nil {
		return 0, nil, err
	}
	return id, []Body{b}, nil
}

// unsignedAct is the consent Decide makes, before its signature.
func (c Consent) unsignedAct(r Reader, env Env) (uint64, Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	cur, ok := CurrentCharter(r)
	if !ok {
		return 0, nil, notFound("this hub has no charter to consent to")
	}
	if c.Version != cur.Version {
		return 0, nil, fmt.Errorf("the charter in force is version %d, not %d: read it again with `charter`", cur.Version, c.Version)
	}
	if m.Consent == cur.Version {
		return 0, nil, fmt.Errorf("you have already consented to charter version %d", cur.Version)
	}
	return m.ID, &ConsentGiven{Member: m.ID, Version: cur.Version}, nil
}

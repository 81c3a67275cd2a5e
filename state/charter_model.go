package state

import (
	"fmt"
	"strconv"

	"github.com/polis-hub/polis/state/markdown"
	"github.com/polis-hub/polis/state/sanitize"
)

// A charter is the text members consent to when they join. A fresh hub has
// none; a steward adopts the first, and after that only a passed charter
// proposal changes it, so the rules people agreed to cannot be rewritten by
// whoever runs the machine.

// MaxCharterLen bounds a charter, in characters (proposal bodies share it).
const MaxCharterLen = MaxBodyLen

// KindCharter proposals carry a new charter version in their body.
const KindCharter = "charter"

// Charter is one adopted version of the charter.
type Charter struct {
	Version  int    `json:"version"`
	Text     string `json:"text"`
	Adopted  int64  `json:"adopted"`
	By       uint64 `json:"by"`                 // the steward who set the first one, or the proposal's author
	Proposal uint64 `json:"proposal,omitempty"` // the proposal that adopted it
	Seq      uint64 `json:"seq"`
}

const (
	keyCharterHead = "s/charter"
	prefixCharter  = "s/charter/"
	prefixConsent  = "s/consent/" // s/consent/<application>: version the applicant consented to
	// prefixCharterBy marks proposals that adopted a charter, so one
	// passed proposal cannot be replayed into two versions.
	prefixCharterBy = "s/charterby/"
)

// CurrentCharter returns the charter in force, if any.
func CurrentCharter(r Reader) (Charter, bool) {
	b, ok := r.Get(keyCharterHead)
	if !ok {
		return Charter{}, false
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		panic(corruptError{key: keyCharterHead, err: err})
	}
	return GetCharter(r, v)
}

// GetCharter returns charter version v.
func GetCharter(r Reader, v int) (c Charter, ok bool) {
	ok = getJSON(r, idKey(prefixCharter, uint64(v)), &c)
	return c, ok
}

// CharterVersion is the version in force, 0 when there is none.
func CharterVersion(r Reader) int {
	c, _ := CurrentCharter(r)
	return c.Version
}

// ListCharters returns every version, oldest first.
func ListCharters(r Reader) (out []Charter) {
	r.Scan(prefixCharter, func(k string, _ []byte) bool {
		var c Charter
		getJSON(r, k, &c)
		out = append(out, c)
		return true
	})
	return out
}

// checkCharterText is shared by SetCharter and charter proposals.
func checkCharterText(text string) error {
	if err := sanitize.Check("charter", text, MaxCharterLen, true, false); err != nil {
		return err
	}
	if err := markdown.Check("charter", text); err != nil {
		return err
	}
	if len(text) == 0 {
		return fmt.Errorf("the charter is empty")
	}
	return nil
}

// joinConsent checks a newcomer's consent: none needed without a charter,
// otherwise exactly the version in force.
func joinConsent(r Reader, version int) (int, error) {
	cur, ok := CurrentCharter(r)
	switch {
	case !ok && version == 0:
		return 0, nil
	case !ok:
		return 0, fmt.Errorf("this hub has no charter; join without consent")
	case version == 0:
		return 0, fmt.Errorf("this hub has a charter (version %d): read it with `charter`, then join again with --consent", cur.Version)
	case version != cur.Version:
		return 0, fmt.Errorf("the charter in force is version %d, not %d: read it again with `charter`", cur.Version, version)
	}
	return cur.Version, nil
}

// applicationConsent is the version an applicant consented to, 0 if none.
func applicationConsent(r Reader, app uint64) int {
	b, ok := r.Get(idKey(prefixConsent, app))
	if !ok {
		return 0
	}
	v, _ := strconv.Atoi(string(b))
	return v
}

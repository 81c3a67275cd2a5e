package tui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

// proposal is the form as the command `proposal new` would send it: the
// same fields, read the same way, so that a proposal opened here and one
// opened with the command are the same event (see the parity tests). It
// refuses what the command refuses before the hub sees it, with a
// one-line reason, and changes nothing in the form.
func (f *propForm) proposal(hub *state.Hub) (state.NewProposal, error) {
	kind := f.v("kind")
	np := state.NewProposal{Kind: kind, Title: f.v("title"), Body: strings.TrimSpace(strings.ReplaceAll(f.body.Value(), "\r\n", "\n"))}
	if np.Title == "" {
		return np, errors.New("a proposal needs a title")
	}
	var err error
	switch kind {
	case state.KindText:
		if m := f.v("method"); m != state.MethodYesNo {
			np.Method = m
			raw := f.v("options")
			if raw == "" {
				return np, fmt.Errorf("%s voting needs options, separated by commas", m)
			}
			for i, o := range strings.Split(raw, ",") {
				if o = strings.TrimSpace(o); o == "" {
					return np, fmt.Errorf("option %d is empty", i+1)
				}
				np.Options = append(np.Options, o)
			}
		}
	case state.KindRole:
		id, err := memberRef(hub, f.v("member"))
		if err != nil {
			return np, err
		}
		np.Action = state.Action{Member: id, Role: f.v("role"), Grant: f.v("grant") == "grant"}
	case state.KindExpel:
		id, err := memberRef(hub, f.v("member"))
		if err != nil {
			return np, err
		}
		np.Action = state.Action{Member: id}
	case state.KindSpend:
		np.Action, err = f.spend(hub)
	case state.KindRuleset:
		np.Action, err = f.rulesAction(hub)
	case state.KindSpace:
		np.Action, err = f.space()
	}
	return np, err
}

// memberRef reads a member as every command takes one: a number is an
// ID (a leading # is allowed here), anything else a name.
func memberRef(hub *state.Hub, s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("name the member, by name or #ID")
	}
	if id, err := parseCount(strings.TrimPrefix(s, "#")); err == nil {
		if id == 0 {
			return 0, fmt.Errorf("member %q is not a valid ID (a whole number from 1)", clip(s, 40))
		}
		return id, nil
	}
	m, ok, err := hub.MemberNamed(s)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("no member named %q", clip(s, 40))
	}
	return m.ID, nil
}

func (f *propForm) spend(hub *state.Hub) (state.Action, error) {
	to, err := memberRef(hub, f.v("to"))
	if err != nil {
		return state.Action{}, err
	}
	code, amount := f.v("asset"), f.v("amount")
	if code == "" {
		return state.Action{}, errors.New("the treasury has no asset to pay in yet")
	}
	if amount == "" {
		return state.Action{}, errors.New("a spend proposal needs an amount, like 100.00")
	}
	if strings.HasPrefix(amount, "-") {
		return state.Action{}, fmt.Errorf("amount %q is negative: it must be more than zero", clip(amount, 24))
	}
	dec := 0
	if as, err := hub.Assets(); err == nil {
		for _, a := range as {
			if a.Code == code {
				dec = a.Decimals
			}
		}
	}
	n, err := money.Parse(amount, dec)
	if err != nil {
		return state.Action{}, err
	}
	return state.Action{Member: to, Asset: code, Amount: n, Memo: f.v("memo"), Period: f.v("every")}, nil
}

func (f *propForm) rulesAction(hub *state.Hub) (state.Action, error) {
	if f.v("rfor") == "signers" {
		n, err := parseCount(f.v("signers"))
		if err != nil || n == 0 {
			return state.Action{}, fmt.Errorf("signers %q is not a whole number from 1", clip(f.v("signers"), 24))
		}
		return state.Action{Signers: int(min(n, 1<<20))}, nil
	}
	kind := f.v("rfor")
	var k state.KindRules
	var ok bool
	if err := hub.View(func(r state.Reader) error { k, ok = state.RulesFor(r, kind); return nil }); err != nil {
		return state.Action{}, err
	}
	if !ok {
		return state.Action{}, fmt.Errorf("unknown kind %q", kind)
	}
	var err error
	if s := f.v("period"); s != "" {
		if k.PeriodMS, err = parsePeriod(s); err != nil {
			return state.Action{}, err
		}
	}
	if s := f.v("quorum"); s != "" {
		if k.QuorumBP, err = parsePercent("quorum", s); err != nil {
			return state.Action{}, err
		}
	}
	if s := f.v("threshold"); s != "" {
		if k.ThresholdBP, err = parsePercent("threshold", s); err != nil {
			return state.Action{}, err
		}
	}
	return state.Action{Rules: &k}, nil
}

func (f *propForm) space() (state.Action, error) {
	if f.v("spaceop") == "retire" {
		id, err := parseCount(f.v("retire"))
		if err != nil || id == 0 {
			return state.Action{}, fmt.Errorf("space %q is not a valid ID (a whole number from 1)", clip(f.v("retire"), 24))
		}
		return state.Action{Retire: id}, nil
	}
	if f.v("sname") == "" || f.v("beds") == "" {
		return state.Action{}, errors.New("a space needs a name and a number of beds")
	}
	beds, err := parseCount(f.v("beds"))
	if err != nil || beds < 1 {
		return state.Action{}, fmt.Errorf("beds %q is not a whole number from 1", clip(f.v("beds"), 24))
	}
	s := state.Space{Name: f.v("sname"), City: f.v("city"), Country: strings.ToUpper(f.v("country")), TZ: f.v("tz"),
		NeedsApproval: f.v("approval") == "yes", Beds: int(min(beds, 1<<20))}
	return state.Action{Space: &s}, nil
}

// parseCount reads a whole number of ASCII digits only, as the commands
// do: "+1", " 1" and "0x1" are refused.
func parseCount(s string) (uint64, error) {
	if s == "" || len(s) > 20 {
		return 0, errors.New("bad number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("bad number")
		}
	}
	return strconv.ParseUint(s, 10, 64)
}

// maxPeriodDays is the longest voting period the commands take.
const maxPeriodDays = 90

// parsePeriod reads a voting period as `proposal new --period` does: a
// Go duration ("72h") or whole days ("7d").
func parsePeriod(s string) (int64, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := parseCount(days)
		if err != nil {
			return 0, fmt.Errorf("period %q is not a duration like 72h or 7d", clip(s, 24))
		}
		d = time.Duration(min(n, maxPeriodDays+1)) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("period %q is not a duration like 72h or 7d", clip(s, 24))
		}
	}
	switch {
	case d <= 0:
		return 0, fmt.Errorf("period %s is not a voting period: it must be longer than zero", clip(s, 24))
	case d > maxPeriodDays*24*time.Hour:
		return 0, fmt.Errorf("period %s is too long: at most %dd", clip(s, 24), maxPeriodDays)
	}
	return d.Milliseconds(), nil
}

// parsePercent reads a share as `--quorum` and `--threshold` do, in basis
// points: "20", "20%", "66.67".
func parsePercent(what, s string) (int, error) {
	bad := fmt.Errorf("%s %q is not a percentage from 0 to 100 like 20, 20%% or 66.67", what, clip(s, 24))
	whole, frac, dot := strings.Cut(strings.TrimSuffix(s, "%"), ".")
	if whole == "" || len(whole) > 3 || (dot && (frac == "" || len(frac) > 2)) {
		return 0, bad
	}
	w, err := parseCount(whole)
	if err != nil {
		return 0, bad
	}
	fr := uint64(0)
	if dot {
		if fr, err = parseCount(frac); err != nil {
			return 0, bad
		}
		if len(frac) == 1 {
			fr *= 10
		}
	}
	if bp := w*100 + fr; bp <= 10000 {
		return int(bp), nil
	}
	return 0, bad
}

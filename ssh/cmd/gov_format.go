package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

// Parsing and formatting shared by the governance commands.

const maxPeriodDays = 90

// parsePercent reads a share as a member types it ("20", "20%", "66.67")
// and returns it in basis points, exactly: at most two decimals, no floats.
func parsePercent(what, s string) (int, error) {
	bad := fmt.Errorf("%s %q is not a percentage from 0 to 100 like 20, 20%% or 66.67", what, truncate(s, 24))
	num := strings.TrimSuffix(s, "%")
	whole, frac, dot := strings.Cut(num, ".")
	if whole == "" || len(whole) > 3 || (dot && (frac == "" || len(frac) > 2)) {
		return 0, bad
	}
	w, err := parseSeq(whole)
	if err != nil {
		return 0, bad
	}
	f := uint64(0)
	if dot {
		if f, err = parseSeq(frac); err != nil {
			return 0, bad
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	bp := w*100 + f
	if bp > 10000 {
		return 0, bad
	}
	return int(bp), nil
}

// parsePeriod reads a voting period: a Go duration ("72h") or whole days
// ("7d"). The hub checks the allowed range for each kind.
func parsePeriod(s string) (int64, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := parseSeq(days)
		if err != nil {
			return 0, fmt.Errorf("period %q is not a duration like 72h or 7d", truncate(s, 24))
		}
		d = time.Duration(min(n, maxPeriodDays+1)) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("period %q is not a duration like 72h or 7d", truncate(s, 24))
		}
	}
	switch {
	case d <= 0:
		return 0, fmt.Errorf("period %s is not a voting period: it must be longer than zero", truncate(s, 24))
	case d > maxPeriodDays*24*time.Hour:
		return 0, fmt.Errorf("period %s is too long: at most %dd", truncate(s, 24), maxPeriodDays)
	}
	return d.Milliseconds(), nil
}

func fmtPercent(bp int) string {
	switch w, f := bp/100, bp%100; {
	case f == 0:
		return fmt.Sprintf("%d%%", w)
	case f%10 == 0:
		return fmt.Sprintf("%d.%d%%", w, f/10)
	default:
		return fmt.Sprintf("%d.%02d%%", w, f)
	}
}

func fmtPeriod(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := strings.TrimSuffix(d.String(), "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func fmtTime(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") }

// timeLeft is how long an active proposal has until its deadline.
func timeLeft(deadline, now int64) string {
	d := time.Duration(deadline-now) * time.Millisecond
	switch {
	case d <= 0:
		return "closing"
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return "<1m"
}

func rulesText(k state.KindRules) string {
	s := fmt.Sprintf("period %s, quorum %s, threshold %s", fmtPeriod(k.PeriodMS), fmtPercent(k.QuorumBP), fmtPercent(k.ThresholdBP))
	if k.Hidden {
		s += ", counts hidden until close"
	}
	if k.SignedVotes {
		s += ", votes must be member-signed"
	}
	if k.SignedCosigns {
		s += ", payout co-signatures must be member-signed"
	}
	return s
}

func kindText(k string) string {
	if k == "*" || k == "" {
		return "all kinds"
	}
	return k + " proposals"
}

// actionText says what a proposal does if it passes; decimals are those
// of a spend proposal's asset.
func actionText(p state.Proposal, decimals int) string {
	a := p.Action
	switch {
	case p.Kind == state.KindRole && a.Grant:
		return fmt.Sprintf("grant %s to member %d", a.Role, a.Member)
	case p.Kind == state.KindRole:
		return fmt.Sprintf("revoke %s from member %d", a.Role, a.Member)
	case p.Kind == state.KindRuleset && a.Rules != nil:
		return fmt.Sprintf("set %s rules: %s", a.Rules.Kind, rulesText(*a.Rules))
	case p.Kind == state.KindExpel:
		return fmt.Sprintf("expel member %d", a.Member)
	case p.Kind == state.KindValidator && a.Validator != nil && a.Validator.Power == 0:
		return "unseat validator " + line(a.Validator.Name)
	case p.Kind == state.KindValidator && a.Validator != nil:
		return fmt.Sprintf("seat validator %s with power %d (key %s)", line(a.Validator.Name), a.Validator.Power, line(a.Validator.Key))
	case p.Kind == state.KindRuleset && a.Signers > 0:
		return "payouts need " + signatures(a.Signers)
	case p.Kind == state.KindSpend && a.Period != "":
		who := fmt.Sprintf("member %d", a.Member)
		if a.Member == 0 {
			who = "every " + a.Role
		}
		return fmt.Sprintf("allowance of %s %s a %s for %s", money.Format(a.Amount, decimals), a.Asset, a.Period, who)
	case p.Kind == state.KindSpend && a.Memo != "":
		return fmt.Sprintf("pay %s %s to member %d; memo: %s", money.Format(a.Amount, decimals), a.Asset, a.Member, line(a.Memo))
	case p.Kind == state.KindSpend:
		return fmt.Sprintf("pay %s %s to member %d", money.Format(a.Amount, decimals), a.Asset, a.Member)
	case p.Kind == state.KindSpace && a.Space != nil:
		return fmt.Sprintf("open space %s with %s", line(a.Space.Name), bedsText(a.Space.Beds))
	case p.Kind == state.KindSpace && a.Retire != 0:
		return fmt.Sprintf("retire space %d", a.Retire)
	}
	return ""
}

func option(opts []string, i int) string {
	if i < 0 || i >= len(opts) {
		return "?"
	}
	return line(opts[i])
}

// shortTally is one line of a proposal's count for a list.
func shortTally(v state.ProposalView) string {
	t := v.Tally
	if v.State == state.PropDraft || v.State == state.PropCancelled {
		return "-"
	}
	s := fmt.Sprintf("%d/%d voted", t.Participants, t.Eligible)
	switch {
	case t.Hidden:
		return s + ", counts hidden"
	case v.Method == state.MethodYesNo:
		return fmt.Sprintf("%s: yes %d, no %d, abstain %d", s, t.Yes, t.No, t.Abstain)
	case t.Winner >= 0:
		return fmt.Sprintf("%s, leading: %s", s, option(v.Options, t.Winner))
	}
	return s
}

// indented writes member-written Markdown as plain, safe text.
func indented(cmd *cobra.Command, prefix, text string) {
	for _, l := range strings.Split(strings.TrimRight(sanitize.Text(text), "\n"), "\n") {
		out(cmd, "%s%s\n", prefix, l)
	}
}

// rulesFlags are the flags that set a kind's rules; unset ones keep the
// kind's current value.
type rulesFlags struct {
	period, quorum, threshold *string
	hidden, signedVotes       *bool
	signedCosigns             *bool
}

func addRulesFlags(cmd *cobra.Command) rulesFlags {
	f := cmd.Flags()
	return rulesFlags{
		period:        f.String("period", "", "voting period, like 72h or 7d"),
		quorum:        f.String("quorum", "", "share of members who must take part, like 20 or 20%"),
		threshold:     f.String("threshold", "", "share of yes among yes+no needed to pass, like 50 or 66.67"),
		hidden:        f.Bool("hidden", false, "hide the counts until the proposal closes"),
		signedVotes:   f.Bool("signed-votes", false, "accept only votes signed with the member's own SSH key (--signed-votes=false to drop)"),
		signedCosigns: f.Bool("signed-cosigns", false, "spend: accept only treasurers' co-signatures signed with their own SSH key (--signed-cosigns=false to drop)"),
	}
}

func (rf rulesFlags) changed(cmd *cobra.Command) bool {
	for _, n := range []string{"period", "quorum", "threshold", "hidden", "signed-votes", "signed-cosigns"} {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}

// rules is kind's current rules with the given flags applied.
func (c *cli) rules(cmd *cobra.Command, rf rulesFlags, kind string) (state.KindRules, error) {
	var k state.KindRules
	var ok bool
	if err := c.hub.View(func(r state.Reader) error { k, ok = state.RulesFor(r, kind); return nil }); err != nil {
		return k, err
	}
	if !ok {
		return k, usage(cmd, "unknown kind %q (kinds: %s)", truncate(kind, 24), strings.Join(state.Kinds, ", "))
	}
	var err error
	if cmd.Flags().Changed("period") {
		if k.PeriodMS, err = parsePeriod(*rf.period); err != nil {
			return k, usage(cmd, "%v", err)
		}
	}
	if cmd.Flags().Changed("quorum") {
		if k.QuorumBP, err = parsePercent("quorum", *rf.quorum); err != nil {
			return k, usage(cmd, "%v", err)
		}
	}
	if cmd.Flags().Changed("threshold") {
		if k.ThresholdBP, err = parsePercent("threshold", *rf.threshold); err != nil {
			return k, usage(cmd, "%v", err)
		}
	}
	if cmd.Flags().Changed("hidden") {
		k.Hidden = *rf.hidden
	}
	if cmd.Flags().Changed("signed-votes") {
		k.SignedVotes = *rf.signedVotes
	}
	if cmd.Flags().Changed("signed-cosigns") {
		k.SignedCosigns = *rf.signedCosigns
	}
	return k, nil
}

func stateNames() string {
	return strings.Join([]string{state.PropDraft, state.PropActive, state.PropPassed, state.PropRejected,
		state.PropExpired, state.PropExecuted, state.PropCancelled}, ", ")
}

func isState(s string) bool {
	for _, n := range strings.Split(stateNames(), ", ") {
		if s == n {
			return true
		}
	}
	return false
}

func idText(id uint64) string { return strconv.FormatUint(id, 10) }

// spendFlags say what a spend proposal pays, and to whom.
type spendFlags struct {
	to, amount, asset, memo, period, toRole *string
}

func addSpendFlags(cmd *cobra.Command) spendFlags {
	f := cmd.Flags()
	return spendFlags{
		to:     f.String("to", "", "spend proposals: the member to pay"),
		amount: f.String("amount", "", "spend proposals: how much, like 100.00"),
		asset:  f.String("asset", "", "spend proposals: the asset, like EUR"),
		memo:   f.String("memo", "", "spend proposals: what the payout is for"),
		period: f.String("every", "", "spend proposals: week or month, to grant an allowance of --amount every period instead of one payout"),
		toRole: f.String("to-role", "", "allowances: grant it to every holder of this role instead of --to"),
	}
}

func (sf spendFlags) changed(cmd *cobra.Command) bool {
	for _, n := range []string{"to", "amount", "asset", "memo", "every", "to-role"} {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}

// spendAction reads the spend flags, the amount in the asset's minor units.
func (c *cli) spendAction(cmd *cobra.Command, sf spendFlags) (state.Action, error) {
	if *sf.period != "" && *sf.toRole != "" && *sf.to == "" {
		n, a, err := c.amount(*sf.amount, *sf.asset)
		if err != nil {
			return state.Action{}, err
		}
		return state.Action{Role: *sf.toRole, Asset: a.Code, Amount: n, Memo: *sf.memo, Period: *sf.period}, nil
	}
	if *sf.toRole != "" {
		return state.Action{}, usage(cmd, "--to-role is for allowances (with --every), instead of --to")
	}
	if *sf.to == "" || *sf.amount == "" || *sf.asset == "" {
		return state.Action{}, usage(cmd, "a spend proposal needs --to MEMBER-ID (or --to-role ROLE with --every) --amount AMOUNT --asset CODE")
	}
	to, err := c.memberRef(cmd, *sf.to)
	if err != nil {
		return state.Action{}, err
	}
	n, a, err := c.amount(*sf.amount, *sf.asset)
	if err != nil {
		return state.Action{}, err
	}
	return state.Action{Member: to, Asset: a.Code, Amount: n, Memo: *sf.memo, Period: *sf.period}, nil
}

// scheduled finds the change.scheduled among a command's events.
func scheduled(evs []state.Event) (*state.ChangeScheduled, bool) {
	for _, e := range evs {
		if ch, ok := e.Body.(*state.ChangeScheduled); ok {
			return ch, true
		}
	}
	return nil, false
}

// changeText says what a scheduled change will do, and when.
func (c *cli) changeText(ch state.Change, names map[uint64]string) string {
	var what string
	switch {
	case ch.Rules != nil:
		what = fmt.Sprintf("rules for %s: %s", kindText(ch.Rules.Kind), rulesText(*ch.Rules))
	case ch.Cap != nil:
		what = fmt.Sprintf("restitution without a vote up to %s", money.Format(ch.Cap.Amount, c.assetDecimals(ch.Cap.Asset))+" "+ch.Cap.Asset)
	default:
		what = "payouts need " + signatures(ch.Signers)
	}
	return fmt.Sprintf("change %d, set by %s on %s: %s, from %s", ch.ID, nameText(names, ch.By), state.Day(ch.Scheduled), what, fmtTime(ch.Due))
}

// floorsText lists the guarded kinds' floors.
func floorsText(list []state.RulesView) string {
	var parts []string
	for _, k := range list {
		if k.Floor != nil {
			parts = append(parts, fmt.Sprintf("%s %s, %s, %s", k.Kind, fmtPeriod(k.Floor.PeriodMS), fmtPercent(k.Floor.QuorumBP), fmtPercent(k.Floor.ThresholdBP)))
		}
	}
	return strings.Join(parts, "; ")
}

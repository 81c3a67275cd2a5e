package state

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// What falls due. Deadlines close by events the hub submits (replay never
// reads the clock); to find them the hub reads an index Apply keeps, not
// every proposal, allowance, campaign and case ever made: one key per
// thing waiting for its time, s/due/<time>/<kind>/<id>, present exactly
// while it waits. The time is unix ms, zero-padded to 16 digits so the
// keys sort by it, and a scan stops at the first key not yet due.

const prefixDue = "s/due/"

// The kinds of due things, in the order the hub acts on them: a scheduled
// change due now is in force for whatever closes now.
const (
	DueChange    = "change"    // a scheduled change: its due time
	DueProposal  = "proposal"  // an active proposal: its deadline
	DueAllowance = "allowance" // an allowance: the start of its next period
	DueCampaign  = "campaign"  // an open campaign: its deadline
	DueJury      = "jury"      // an appealed case without a jury: at once (time 0); the draw waits on a checkpoint
)

func dueKey(at int64, kind string, id uint64) string {
	return fmt.Sprintf("%s%016d/%s/%012d", prefixDue, at, kind, id)
}

func setDue(w Writer, at int64, kind string, id uint64) { w.Set(dueKey(at, kind, id), []byte{}) }

func clearDue(w Writer, at int64, kind string, id uint64) { w.Delete(dueKey(at, kind, id)) }

// DueBy lists the IDs of kind whose time is at or before now, in ID order.
// It reads only the index, and only up to now.
func DueBy(r Reader, kind string, now int64) []uint64 {
	var out []uint64
	r.Scan(prefixDue, func(k string, _ []byte) bool {
		rest := k[len(prefixDue):]
		at, err := strconv.ParseInt(rest[:16], 10, 64)
		if err != nil {
			panic(corruptError{key: k, err: err})
		}
		if at > now {
			return false
		}
		if kd, id, ok := strings.Cut(rest[17:], "/"); ok && kd == kind {
			n, err := strconv.ParseUint(id, 10, 64)
			if err != nil {
				panic(corruptError{key: k, err: err})
			}
			out = append(out, n)
		}
		return true
	})
	slices.Sort(out)
	return out
}

// nextPeriod is the start of the allowance period after the one that
// starts at start: when the hub resets it.
func nextPeriod(period string, start int64) int64 {
	t := time.UnixMilli(start).UTC()
	if period == PeriodWeek {
		return t.AddDate(0, 0, 7).UnixMilli()
	}
	return t.AddDate(0, 1, 0).UnixMilli()
}

// DueCommands are the hub's own commands that fall due by now, in the
// order they must run: scheduled changes first (a change due now is in
// force for anything that closes now), then proposals, allowance periods,
// campaigns, and the juries whose seed checkpoint is sealed (v opens the
// checkpoints). A single hub submits them from its deadline loop; a
// replicated hub runs them at the start of each block, at the block's time.
func DueCommands(r Reader, now int64, v note.Verifier) []Command {
	var cmds []Command
	for _, id := range DueBy(r, DueChange, now) {
		cmds = append(cmds, ApplyChange{ID: id})
	}
	for _, id := range DueBy(r, DueProposal, now) {
		cmds = append(cmds, CloseProposal{ID: id})
	}
	for _, id := range DueBy(r, DueAllowance, now) {
		cmds = append(cmds, ResetAllowance{ID: id})
	}
	for _, id := range DueBy(r, DueCampaign, now) {
		cmds = append(cmds, CloseCampaign{ID: id})
	}
	return append(cmds, juryDraws(r, v)...)
}

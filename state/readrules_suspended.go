package state

import "slices"

// What a suspended member may still do is this one list. The command tree
// derives from it which commands the SSH door lets a suspended member run
// (ssh/cmd MayRunSuspended, and the app stays closed to them), and the
// sequencer refuses every other write of theirs (suspendedRefusal), so no
// door and no second engine can let one through that another refuses. The
// README's prose repeats it.
//
// They may read what anyone may, their own record and the disputes (the
// case against them above all), and write only to answer or appeal it,
// withdraw their own, or leave: a suspension can be read, answered and
// appealed within the appeal window, and nothing else.

// SuspendedMay lists, by command (as `help` names them), what a suspended
// member may still run.
var SuspendedMay = []string{
	"help", "whoami", "census", "charter", "charter history",
	"chain head", "chain key", "chain consistency", "chain receipt", "chain export", "chain tile",
	"witness key", "witness list", "witness add-checkpoint",
	"record", "leave", "moderation log",
	"dispute list", "dispute show", "dispute evidence", "dispute appeal", "dispute withdraw",
}

// SuspendedSummary names SuspendedMay in words, for the refusal a
// suspended member reads.
const SuspendedSummary = "help, whoami, census, chain, charter, witness key/list/add-checkpoint, record, leave, moderation log and dispute list/show/evidence/appeal/withdraw"

// MayWhileSuspended reports whether a suspended member may run the
// command at path ("dispute appeal").
func MayWhileSuspended(path string) bool { return slices.Contains(SuspendedMay, path) }

// commandPath is the command that submits c, for the commands a suspended
// member may write with; any other is "", which the list never holds.
func commandPath(c Command) string {
	switch c := c.(type) {
	case Leave:
		return "leave"
	case AddStatement:
		return "dispute evidence"
	case CaseAction:
		return "dispute " + c.Action
	}
	return ""
}

// suspendedRefusal is the sequencer's check, before any Decide: a
// suspended member's command is refused unless the list lets them run the
// command that submits it. A former member's key is not checked: what it
// may do (apply again, join) is the command's to decide.
func suspendedRefusal(r Reader, a Actor, c Command, now int64) error {
	if a.System {
		return nil
	}
	m, ok := MemberByFingerprint(r, a.Fingerprint)
	if !ok || m.Gone() || !m.Suspended(now) || MayWhileSuspended(commandPath(c)) {
		return nil
	}
	return forbidden("you are suspended until %s", Day(m.SuspendedUntil))
}

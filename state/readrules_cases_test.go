package state

import (
	"fmt"
	"slices"
	"testing"
)

// What each member may do on each case, by the rules alone: no hub.
func TestCaseActionsTable(t *testing.T) {
	const day = 24 * 3600 * 1000
	now := int64(100 * day)
	mod := func(id uint64) Member { return Member{ID: id, Roles: []string{RoleMember, RoleModerator}} }
	filer, resp, dave, erin := Member{ID: 1, Roles: []string{RoleMember}}, Member{ID: 2, Roles: []string{RoleMember}}, mod(3), mod(4)
	exMod := Member{ID: 5, Roles: []string{RoleMember}} // held a case, then lost the role
	juror := Member{ID: 6, Roles: []string{RoleMember}}
	suspended := mod(7)
	suspended.SuspendedUntil = now + day
	who := MembersByID([]Member{filer, resp, dave, erin, exMod, juror, suspended})
	open := Case{ID: 1, Filer: 1, Respondent: 2, State: CaseStateOpen, Recused: []uint64{4}}
	held := Case{ID: 2, Filer: 1, Respondent: 2, State: CaseStateClaimed, Moderator: 3}
	orphan := Case{ID: 3, Filer: 1, Respondent: 2, State: CaseStateClaimed, Moderator: 5}
	ruled := Case{ID: 4, Filer: 1, Respondent: 2, State: CaseStateRuled, Moderator: 3, Ruled: now - day}
	late := Case{ID: 5, Filer: 1, Respondent: 2, State: CaseStateRuled, Moderator: 3, Ruled: now - AppealWindowMS - 1}
	appealed := Case{ID: 6, Filer: 1, Respondent: 2, State: CaseStateAppealed, Jury: []uint64{6}, JuryHeight: 9}
	for _, tc := range []struct {
		me    Member
		c     Case
		want  []CaseAct
		queue bool
	}{
		{filer, open, []CaseAct{ActWithdraw, ActEvidence}, false},
		{resp, open, []CaseAct{ActEvidence}, false},
		{dave, open, []CaseAct{ActClaim, ActEvidence, ActNote}, true},
		{erin, open, []CaseAct{ActEvidence, ActNote}, false}, // stepped aside
		{dave, held, []CaseAct{ActRule, ActRecuse, ActEvidence, ActNote}, true},
		{erin, held, []CaseAct{ActEvidence, ActNote}, false}, // dave holds it
		{erin, orphan, []CaseAct{ActClaim, ActEvidence, ActNote}, true},
		{exMod, orphan, []CaseAct{ActRecuse}, false},
		{resp, ruled, []CaseAct{ActAppeal, ActEvidence}, false},
		{resp, late, []CaseAct{ActEvidence}, false},
		{juror, appealed, []CaseAct{ActJuryVote, ActEvidence}, false},
		{suspended, open, []CaseAct{ActEvidence}, false}, // not claim or note while suspended
	} {
		name := fmt.Sprintf("member %d on case %d", tc.me.ID, tc.c.ID)
		if got := CaseActions(tc.me, tc.c, now, who); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
		if InQueue(tc.me, tc.c, now, who) != tc.queue {
			t.Errorf("%s: in the queue %v, want %v", name, !tc.queue, tc.queue)
		}
	}
	q := ModerationQueue(erin, []Case{held, orphan, open, {ID: 7, State: CaseStateOpen, Filer: 1, Respondent: 2, Created: -1}}, now, who)
	if ids := []uint64{q[0].ID, q[1].ID}; len(q) != 2 || !slices.Equal(ids, []uint64{7, 3}) {
		t.Errorf("erin's queue %v: unclaimed first", q)
	}
}

// A suspension is the sequencer's to check, never Apply's: a suspended
// moderator's claim is refused, but a log holding one still applies.
func TestSuspendedClaimReplays(t *testing.T) {
	f := newGov(t)
	for _, n := range []string{"carol", "dave"} {
		f.do("alice", SetRole{Member: f.ids[n], Role: RoleModerator, Grant: true})
	}
	f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise", Statement: "Loud."})
	f.do("carol", CaseAction{ID: 1, Action: "claim"})
	f.do("carol", Rule{ID: 1, Outcome: OutcomeSuspension, SuspendDays: 14})
	f.do("bob", FileCase{Against: f.ids["alice"], Title: "Mess", Statement: "Dishes."})
	f.refuse("dave", CaseAction{ID: 2, Action: "claim"}, "suspended until")
	err := f.s.View(func(r Reader) error {
		return Apply(newOverlay(r), Event{Seq: f.s.Size(), Time: f.clk.now().UnixMilli(), Actor: f.ids["dave"], Body: &CaseClaimed{Case: 2}})
	})
	if err != nil {
		t.Fatalf("a suspended moderator's claim does not replay: %v", err)
	}
}

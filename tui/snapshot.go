package tui

import (
	"slices"

	"github.com/polis-hub/polis/state"
)

// snapshot is everything the screens show, read in one consistent view.
// A visitor's snapshot holds only public data and their own application.
// Most of it is shared with every other session at the same log size (see
// sharedRead), so nothing may modify it once built.
type snapshot struct {
	info     state.HubInfo
	member   bool
	me       state.Member
	prefs    state.Prefs         // members only: their own preferences (theme)
	members  []state.Member      // members only; everyone who ever joined, for names
	roster   []state.Member      // members only; those who still count (not left or expelled)
	pending  []state.Application // for those who may decide them
	census   []state.CensusMember
	unlisted int                // members a visitor may not see by name
	count    int                // members who still count
	ownApp   *state.Application // a visitor's own application
	// charter is the one in force, nil when the hub has none. Public:
	// visitors read it before they join.
	charter *state.Charter
	// figures is the census at the latest checkpoint, nil until one is
	// sealed after start-up. Public, and shared by every session.
	figures  *state.CensusAt
	head     state.Head
	hasHead  bool
	size     uint64
	verifier string
	cosigs   []state.CosignatureStatus // the witnesses the hub asks
	err      error
	// Members only: every proposal with its live tally, then their own
	// drafts (ID 0, see draftKey), and the open one (see common.openProp)
	// with its thread and their receipt.
	proposals []state.ProposalView
	open      *state.ProposalView
	receipt   *state.Receipt
	// Members only: the treasury, housing, every case and the campaigns,
	// each shared read-only by every session; nil when it could not be
	// read.
	treasury  *treasuryData
	housing   *housingData
	cases     []state.Case
	campaigns *campaignData
}

// loadSnapshot reads what the screens show; open is the proposal on screen
// (0: none), read with its thread. prev is the snapshot on screen (nil:
// none), whose votes on closed proposals are kept.
func loadSnapshot(hub *state.Hub, who Identity, open uint64, prev *snapshot) *snapshot {
	s := &snapshot{}
	d := sharedRead(hub)
	if d.err != nil {
		s.err = d.err
		return s
	}
	s.info, s.charter, s.count = d.info, d.charter, len(d.roster)
	if who.Fingerprint != "" {
		s.me, s.member, s.err = hub.Whoami(who.Fingerprint)
	}
	if s.err == nil && s.member {
		s.members, s.roster = d.members, d.roster
		if state.MaySeeApplications(s.me) {
			s.pending = d.pending
		}
		s.treasury, s.housing, s.cases, s.campaigns = d.treasury, d.housing, d.cases, d.campaigns
		if d.memberErr != nil {
			s.err = d.memberErr
		} else {
			var old []state.ProposalView
			if prev != nil && prev.member && prev.me.ID == s.me.ID {
				old = prev.proposals
			}
			s.proposals, s.err = withOwnVotes(hub, d.proposals, s.me.ID, old)
		}
		if s.err == nil {
			s.loadOwn(hub)
		}
		if s.err == nil && open != 0 {
			s.loadOpen(hub, open)
		}
	} else if s.err == nil {
		s.census, s.unlisted = d.census, d.unlisted
		if a, ok, err := hub.ApplicationOf(who.Fingerprint); err == nil && ok {
			s.ownApp = &a
		}
	}
	pub := hub.Published()
	s.head, s.hasHead = pub.Head, pub.Head.Height > 0
	s.size = pub.Size
	s.verifier = hub.VerifierKey()
	s.cosigs = hub.Cosignatures()
	s.figures = pub.Census
	return s
}

// withOwnVotes is the shared list ps with member me's own votes filled
// in: ps itself when they voted on none, else a copy. Votes on a closed
// proposal cannot change, so where old (the member's last list) had it
// closed too, their vote is taken from there; the others are read.
func withOwnVotes(hub *state.Hub, ps []state.ProposalView, me uint64, old []state.ProposalView) ([]state.ProposalView, error) {
	votes := make([]*state.Vote, len(ps))
	var unread []int
	j := 0
	for i := range ps {
		// Both lists are in id order, as the hub lists them.
		for j < len(old) && old[j].ID < ps[i].ID {
			j++
		}
		if ps[i].State != state.PropActive && j < len(old) && old[j].ID == ps[i].ID && old[j].State != state.PropActive {
			votes[i] = old[j].MyVote
		} else {
			unread = append(unread, i)
		}
	}
	if len(unread) > 0 {
		err := hub.View(func(r state.Reader) error {
			for _, i := range unread {
				if v, ok := state.GetVote(r, ps[i].ID, me); ok {
					votes[i] = &v
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if !slices.ContainsFunc(votes, func(v *state.Vote) bool { return v != nil }) {
		return ps, nil
	}
	out := slices.Clone(ps)
	for i, v := range votes {
		out[i].MyVote = v
	}
	return out, nil
}

// loadOwn reads what is the member's alone, outside the log: their
// preferences and their drafts, which follow the proposals.
func (s *snapshot) loadOwn(hub *state.Hub) {
	rd := state.Reading{Member: &s.me}
	if s.prefs, s.err = hub.Preferences(rd); s.err != nil {
		return
	}
	drafts, err := hub.Drafts(rd)
	if err != nil {
		s.err = err
		return
	}
	if len(drafts) > 0 {
		// The proposals may be every session's shared list: never append
		// into it.
		s.proposals = append(slices.Clip(s.proposals), drafts...)
	}
}

// loadOpen reads the proposal on screen with its thread, and the member's
// receipt for their vote on it. A draft has neither: the list holds it.
func (s *snapshot) loadOpen(hub *state.Hub, open uint64) {
	if open&draftKey != 0 {
		for i := range s.proposals {
			if keyOf(&s.proposals[i]) == open {
				v := s.proposals[i]
				s.open = &v
			}
		}
		return
	}
	// A proposal that vanished is simply not open.
	v, err := hub.ProposalFor(open, s.me.ID)
	if err != nil {
		return
	}
	s.open = &v
	if v.MyVote != nil {
		if rc, err := hub.VoteReceipt(open, s.me.ID); err == nil {
			s.receipt = &rc
		}
	}
}

package state

import (
	"context"
	"time"
)

// ProposalView is a proposal with everything a member reads about it.
// A draft (only its author's) has ID 0 and its own number in Draft.
type ProposalView struct {
	Proposal
	Draft      uint64    `json:"draft,omitempty"`
	AuthorName string    `json:"author_name"`
	Tally      Tally     `json:"tally"`
	MyVote     *Vote     `json:"my_vote,omitempty"`
	Comments   []Comment `json:"thread,omitempty"`
}

// ProposalsFor lists every proposal, as member me sees them: live tallies
// (withheld for secret ballots still open) and me's own vote. Drafts are
// not proposals yet: see Drafts.
func (h *Hub) ProposalsFor(me uint64) (out []ProposalView, err error) {
	pub := h.eng.Published()
	size, gen := pub.Size, pub.MemberGen
	err = h.View(func(r Reader) error {
		_, names := h.sharedMembers(r, gen)
		for _, p := range ListProposals(r) {
			out = append(out, h.proposalView(r, size, p, me, names, false))
		}
		return nil
	})
	return out, err
}

// ProposalFor returns one proposal with its thread, as member me sees it.
func (h *Hub) ProposalFor(id, me uint64) (v ProposalView, err error) {
	pub := h.eng.Published()
	size, gen := pub.Size, pub.MemberGen
	err = h.View(func(r Reader) error {
		p, ok := GetProposal(r, id)
		if !ok {
			return notFound("no proposal %d", id)
		}
		_, names := h.sharedMembers(r, gen)
		v = h.proposalView(r, size, p, me, names, true)
		return nil
	})
	return v, err
}

func (h *Hub) proposalView(r Reader, size uint64, p Proposal, me uint64, names map[uint64]string, thread bool) ProposalView {
	v := ProposalView{Proposal: p, AuthorName: names[p.Author]}
	if p.State == PropCancelled {
		v.Tally = Tally{Method: p.Method, Options: p.Options, Winner: -1, State: p.State,
			QuorumBP: p.Rules.QuorumBP, ThresholdBP: p.Rules.ThresholdBP}
	} else {
		var t Tally
		if p.Outcome != nil {
			// Closed: the count recorded at the close is the result,
			// whatever has been delegated, joined or left since. Only the
			// state moves on (passed, then executed).
			t = *p.Outcome
			t.State = p.State
		} else {
			t = h.sharedTally(r, size, p)
		}
		if p.Rules.Hidden && p.State == PropActive {
			t = withheld(t)
		}
		v.Tally = t
	}
	if vt, ok := GetVote(r, p.ID, me); ok {
		v.MyVote = &vt
	}
	if thread {
		v.Comments = ListComments(r, p.ID)
	}
	return v
}

// Delegations lists every standing delegation.
func (h *Hub) Delegations() (ds []DelegationEntry, err error) {
	err = h.View(func(r Reader) error { ds = ListDelegations(r); return nil })
	return ds, err
}

// RunDeadlines closes proposals as their deadlines pass, by submitting a
// CloseProposal as the hub. The check is cheap (it reads the index of what
// is due, up to now: see due.go) and the close itself is decided inside
// the sequencer against the event's own time, so replay never reads the
// clock.
func (h *Hub) RunDeadlines(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.CloseDue(ctx)
		}
	}
}

// CloseDue submits, as the hub, whatever falls due by now (DueCommands),
// in order; each is decided inside the sequencer against its own time.
func (h *Hub) CloseDue(ctx context.Context) {
	v, err := h.verifier()
	if err != nil {
		return
	}
	var cmds []Command
	_ = h.View(func(r Reader) error { cmds = DueCommands(r, h.eng.Now().UnixMilli(), v); return nil })
	for _, c := range cmds {
		_, _ = h.Submit(ctx, SystemActor, c)
	}
}

// VoteReceipt returns the receipt of member me's current vote on a
// proposal.
func (h *Hub) VoteReceipt(proposal, me uint64) (Receipt, error) {
	var seq uint64
	err := h.View(func(r Reader) error {
		v, ok := GetVote(r, proposal, me)
		if !ok {
			return notFound("you have not voted on proposal %d", proposal)
		}
		seq = v.Seq
		return nil
	})
	if err != nil {
		return Receipt{}, err
	}
	return h.Receipt(seq)
}

// Proposal returns one proposal's record alone: no tally, no names. Voting
// needs only its state, method and options, and must not pay for a count.
func (h *Hub) Proposal(id uint64) (p Proposal, err error) {
	err = h.View(func(r Reader) error {
		var ok bool
		if p, ok = GetProposal(r, id); !ok {
			return notFound("no proposal %d", id)
		}
		return nil
	})
	return p, err
}

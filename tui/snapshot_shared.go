package tui

import (
	"sync"

	"github.com/polis-hub/polis/state"
)

// hubData is what every session reads alike at one log size. After each
// commit every open session reloads at once: reading this once for all of
// them, rather than once each, is what keeps a vote cheap with a thousand
// screens open. Nothing in it may be modified.
type hubData struct {
	info    state.HubInfo
	charter *state.Charter
	members []state.Member // hub.Members' shared list
	// memberGen is the member generation members belongs to.
	memberGen uint64
	// Derived from members, and kept while the hub hands out the same list.
	roster   []state.Member
	census   []state.CensusMember // listed members, as visitors see them
	unlisted int
	pending  []state.Application // never more than state.MaxPendingApplications
	// proposals is every proposal as any member sees it, with live
	// tallies and no one's vote: the hub's list for member 0, which is no
	// one (IDs start at 1). Drafts are each member's own (loadOwn).
	proposals []state.ProposalView
	treasury  *treasuryData
	housing   *housingData
	cases     []state.Case
	campaigns *campaignData
	// err is set when nothing could be read, memberErr when only what
	// members see could not (proposals and on).
	err, memberErr error
}

// shared holds the data of the newest log size read. One entry is enough:
// every session chases the newest size.
var shared struct {
	mu  sync.Mutex
	hub *state.Hub
	cur *sharedEntry
}

type sharedEntry struct {
	size uint64
	once sync.Once
	data *hubData
}

// sharedRead returns the hub's data at its current log size. The first
// session to ask reads it; sessions asking meanwhile wait for that read
// instead of making their own.
func sharedRead(hub *state.Hub) *hubData {
	// The size is read before the data, so the data is at least as new as
	// the size it is filed under (as hub.Members does).
	size := hub.Size()
	sh := &shared
	sh.mu.Lock()
	e := sh.cur
	// A session that read the size just before a commit takes the newer
	// data another session is reading: newer than asked for is fine.
	if sh.hub != hub || e == nil || e.size < size {
		e = &sharedEntry{size: size}
		sh.hub, sh.cur = hub, e
	}
	sh.mu.Unlock()
	e.once.Do(func() { e.data = readHubData(hub) })
	if e.data.err != nil || e.data.memberErr != nil {
		// A failed read is not kept: the next session tries again.
		sh.mu.Lock()
		if sh.cur == e {
			sh.cur = nil
		}
		sh.mu.Unlock()
	}
	return e.data
}

func readHubData(hub *state.Hub) *hubData {
	d := &hubData{}
	var err error
	if d.members, d.memberGen, err = hub.MembersGen(); err != nil {
		d.err = err
		return d
	}
	d.roster, d.census, d.unlisted = memberLists(hub, d.members, d.memberGen)
	err = hub.View(func(r state.Reader) error {
		d.info, _ = state.GetHub(r)
		if c, ok := state.CurrentCharter(r); ok {
			d.charter = &c
		}
		d.pending = state.PendingApplications(r)
		return nil
	})
	if err != nil {
		d.err = err
		return d
	}
	d.proposals, err = hub.ProposalsFor(0)
	if err == nil {
		d.treasury, err = readTreasury(hub)
	}
	if err == nil {
		d.housing, err = readHousing(hub)
	}
	if err == nil {
		d.cases, err = readDisputes(hub)
	}
	if err == nil {
		d.campaigns, err = readCampaigns(hub)
	}
	d.memberErr = err
	return d
}

// memberListsOf holds the lists last derived from hub.Members, for one
// member generation: most commits (votes above all) change no member and
// derive nothing.
var memberListsOf struct {
	mu       sync.Mutex
	hub      *state.Hub
	gen      uint64 // of hub's members; 0: nothing derived yet
	roster   []state.Member
	census   []state.CensusMember
	unlisted int
}

// memberLists is who still counts (not left or expelled), in id order,
// and of those, the names visitors may see and how many they may not, as
// in hub.Census(false).
func memberLists(hub *state.Hub, all []state.Member, gen uint64) (roster []state.Member, census []state.CensusMember, unlisted int) {
	if len(all) == 0 {
		return nil, nil, 0
	}
	ml := &memberListsOf
	ml.mu.Lock()
	defer ml.mu.Unlock()
	if ml.hub == hub && ml.gen == gen {
		return ml.roster, ml.census, ml.unlisted
	}
	roster = make([]state.Member, 0, len(all))
	for _, m := range all {
		switch {
		case m.Gone():
			continue
		case !m.Listed:
			unlisted++
		default:
			census = append(census, state.CensusMember{ID: m.ID, Name: m.Name, Joined: state.Day(m.Joined)})
		}
		roster = append(roster, m)
	}
	ml.hub, ml.gen = hub, gen
	ml.roster, ml.census, ml.unlisted = roster, census, unlisted
	return roster, census, unlisted
}

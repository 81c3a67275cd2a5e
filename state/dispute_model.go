package state

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
)

// Case categories and outcomes.
var (
	Categories = []string{"conduct", "housing", "treasury", "governance", "other"}
	Outcomes   = []string{OutcomeDismissed, OutcomeWarning, OutcomeRestitution, OutcomeSuspension, OutcomeExpulsion}
)

const (
	OutcomeDismissed   = "dismissed"
	OutcomeWarning     = "warning"
	OutcomeRestitution = "restitution"
	OutcomeSuspension  = "suspension"
	OutcomeExpulsion   = "expulsion" // by jury (or proposal) only
)

// Case states.
const (
	CaseStateOpen      = "open"
	CaseStateClaimed   = "claimed"
	CaseStateRuled     = "ruled"
	CaseStateAppealed  = "appealed"
	CaseStateJuryRuled = "jury_ruled"
	CaseStateWithdrawn = "withdrawn"
)

// Dispute settings.
const (
	AppealWindowMS = 7 * 24 * 3600 * 1000
	JurySize       = 5
	MaxSuspendDays = 365
	// JurySuspendDays is a jury's suspension when the ruling it replaces
	// set no length.
	JurySuspendDays = 30
)

// Case is a dispute between a filer and a respondent.
type Case struct {
	ID          uint64     `json:"id"`
	Filer       uint64     `json:"filer"`
	Respondent  uint64     `json:"respondent"`
	Category    string     `json:"category"`
	Title       string     `json:"title"`
	Statement   string     `json:"statement"`
	State       string     `json:"state"`
	Moderator   uint64     `json:"moderator,omitempty"`
	Recused     []uint64   `json:"recused,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	SuspendDays int        `json:"suspend_days,omitempty"`
	Ruled       int64      `json:"ruled,omitempty"`
	AppealSeq   uint64     `json:"appeal_seq,omitempty"` // the appeal event's position
	Jury        []uint64   `json:"jury,omitempty"`
	JuryHeight  int64      `json:"jury_height,omitempty"` // checkpoint whose hash seeded the draw
	JurySeed    string     `json:"jury_seed,omitempty"`   // hex SHA-256 of that signed checkpoint
	JuryVotes   []JuryVote `json:"jury_votes,omitempty"`
	JuryRuled   int64      `json:"jury_ruled,omitempty"` // when the jury's majority was reached
	Asset       string     `json:"asset,omitempty"`      // restitution ordered by the ruling, paid
	Amount      int64      `json:"amount,omitempty"`     // without a vote (within the cap)
	Evidence    uint64     `json:"evidence"`             // number of statements
	Created     int64      `json:"created"`
}

// JuryVote is one juror's verdict.
type JuryVote struct {
	Juror   uint64 `json:"juror"`
	Outcome string `json:"outcome"`
}

// Statement is one entry of a case's evidence thread.
type Statement struct {
	ID     uint64 `json:"id"`
	Author uint64 `json:"author"`
	Body   string `json:"body"`
	Time   int64  `json:"time"`
}

const (
	prefixCase     = "s/case/"
	prefixEvidence = "s/evidence/"
	prefixExpelled = "s/expelled/"
)

func evidenceKey(c, n uint64) string { return fmt.Sprintf("%s%012d/%06d", prefixEvidence, c, n) }

// party reports whether m is the filer or the respondent of c.
func (c Case) party(m uint64) bool { return m == c.Filer || m == c.Respondent }

// GetCase returns case id.
func GetCase(r Reader, id uint64) (Case, bool) {
	var c Case
	ok := getJSON(r, idKey(prefixCase, id), &c)
	return c, ok
}

// ListCases returns every case.
func ListCases(r Reader) []Case {
	var out []Case
	r.Scan(prefixCase, func(k string, v []byte) bool {
		var c Case
		if err := json.Unmarshal(v, &c); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, c)
		return true
	})
	return out
}

// ListEvidence returns a case's thread.
func ListEvidence(r Reader, id uint64) []Statement {
	var out []Statement
	r.Scan(fmt.Sprintf("%s%012d/", prefixEvidence, id), func(k string, v []byte) bool {
		var s Statement
		if err := json.Unmarshal(v, &s); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, s)
		return true
	})
	return out
}

// JuryPool is who may sit on a case's jury: current members (not departed,
// not expelled) who are not parties, not its ruling moderator and not
// suspended at now, in ID order. A seat drawn for someone who cannot vote
// would leave the jury short for good.
func JuryPool(r Reader, c Case, now int64) []uint64 {
	var pool []uint64
	for _, m := range ListMembers(r) {
		if c.party(m.ID) || m.ID == c.Moderator || m.Suspended(now) || m.Gone() {
			continue
		}
		pool = append(pool, m.ID)
	}
	return pool
}

// DrawJury is the lottery: a pure function of the seed and the pool, so
// anyone can recompute it. It is a Fisher-Yates shuffle driven by
// SHA-256(seed || round), keeping the first k.
func DrawJury(seed [32]byte, pool []uint64, k int) []uint64 {
	p := slices.Clone(pool)
	slices.Sort(p)
	k = min(k, len(p))
	for i := 0; i < k; i++ {
		var buf [40]byte
		copy(buf[:], seed[:])
		binary.BigEndian.PutUint64(buf[32:], uint64(i))
		h := sha256.Sum256(buf[:])
		j := i + int(binary.BigEndian.Uint64(h[:8])%uint64(len(p)-i))
		p[i], p[j] = p[j], p[i]
	}
	out := p[:k]
	slices.Sort(out)
	return out
}

// juryMajority is the outcome a strict majority of the jury chose, if any.
func juryMajority(c Case) string {
	counts := map[string]int{}
	for _, v := range c.JuryVotes {
		counts[v.Outcome]++
	}
	for _, o := range Outcomes {
		if counts[o]*2 > len(c.Jury) {
			return o
		}
	}
	return ""
}

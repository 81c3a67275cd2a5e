package main

import (
	"fmt"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

type screenStats struct {
	Opened int      `json:"opened"`
	Open   *latency `json:"open_ms"` // client side: dial to the tally on the Proposals tab
	// Hub CPU to open one session and switch it to the Proposals tab.
	OpenCPUMS float64 `json:"open_cpu_ms"`
	// Hub CPU over an idle window with every session open, as a share of
	// the whole machine (all cores).
	IdleCPUShare float64 `json:"idle_cpu_share"`
	// The same before any session was open: the hub's own tickers.
	IdleCPUShareEmpty float64 `json:"idle_cpu_share_empty"`
	IdleSeconds       float64 `json:"idle_s"`
	// Growth per open session, from before the first to after the last.
	RSSPerSessionKiB   float64 `json:"rss_per_session_kib"`
	HeapPerSessionKiB  float64 `json:"heap_per_session_kib"`
	StackPerSessionKiB float64 `json:"stack_per_session_kib"`
	GoroutinesPerSess  float64 `json:"goroutines_per_session"`
	RSSBeforeMiB       float64 `json:"rss_before_mib"`
	RSSAfterMiB        float64 `json:"rss_after_mib"`
	// The same after the timed votes: every screen redrawn that often
	// leaves garbage the collector has not returned yet.
	RSSPerSessionAfterVotesKiB float64 `json:"rss_per_session_after_votes_kib"`
	// Votes timed from the ack (the vote command's exit status reaching the
	// voter) to the first, each and the last screen showing the new tally.
	Rounds       int      `json:"rounds"`
	Missed       int      `json:"missed"` // screen-votes never seen in time
	AckToFirst   *latency `json:"ack_to_first_ms"`
	AckToEach    *latency `json:"ack_to_each_ms"`
	AckToLast    *latency `json:"ack_to_last_ms"`
	VoteRTT      *latency `json:"vote_rtt_ms"`
	CPUPerVoteMS float64  `json:"cpu_per_vote_ms"` // hub CPU per vote, every screen's redraw included
}

// The yes/no proposal's tally as the Proposals list shows it; the bench
// writer alternates between the two.
var tallyText = map[bool]string{true: "1 yes 0 no", false: "0 yes 1 no"}

// screenWait bounds how long any one screen may take to show something;
// hitting it is reported, never waited out silently.
const screenWait = 30 * time.Second

// sessions: M members sit idle in the app on the Proposals tab while one
// more member votes through the SSH command interface.
func (r *runner) sessions(m int) (res result, err error) {
	h, err := r.openHub(m + 1)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := h.close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	wc, err := h.door.dial(h.members[0])
	if err != nil {
		return res, err
	}
	defer wc.Close()
	id, err := newProposal(wc, "Load test: paint the door")
	if err != nil {
		return res, err
	}
	if _, err := run(wc, "vote "+id+" yes", ""); err != nil {
		return res, err
	}
	ss := &screenStats{}
	res = result{Scenario: "sessions", Sessions: m, Members: h.total, Load1: loadavg(), Screens: ss}
	p := h.proc // nil against --target: only the latencies are measured
	var before hubMark
	if p != nil {
		if ss.IdleCPUShareEmpty, _, err = r.idleShare(p); err != nil {
			return res, err
		}
		if before, err = markHub(p); err != nil {
			return res, err
		}
	}
	screens, err := r.openScreens(h, m, ss)
	defer func() {
		for _, s := range screens {
			if s != nil {
				_ = s.close()
			}
		}
	}()
	if err != nil {
		return res, err
	}
	if p != nil {
		if err := r.weighSessions(h, m, before, ss); err != nil {
			return res, err
		}
	}
	var t voteTimes
	r.measure(h, &res, fmt.Sprintf("sessions-%d", m), func() {
		t, err = r.timeVotes(wc, id, screens)
		res.Ops = int64(len(t.rtt)) // before measure divides the hub's CPU by it
	})
	if err != nil {
		return res, err
	}
	ss.Rounds, ss.Missed = len(t.rtt), t.missed
	if res.Hub != nil && ss.Rounds > 0 {
		ss.CPUPerVoteMS = res.Hub.CPUSeconds * 1000 / float64(ss.Rounds)
		ss.RSSPerSessionAfterVotesKiB = (res.Hub.RSSMiB*1024 - float64(before.rss)/1024) / float64(m)
	}
	ss.AckToFirst, ss.AckToEach, ss.AckToLast, ss.VoteRTT = summarize(t.toFirst), summarize(t.toEach), summarize(t.toLast), summarize(t.rtt)
	r.prog.say("sessions, %d: %.0f KiB RSS/session, idle CPU %s, open %.2f ms CPU, ack to all screens p50 %.0f ms p99 %.0f ms, %d missed",
		m, ss.RSSPerSessionKiB, pctText(ss.IdleCPUShare), ss.OpenCPUMS, ss.AckToLast.P50, ss.AckToLast.P99, ss.Missed)
	return res, nil
}

// hubMark is the hub child's memory and CPU at one moment.
type hubMark struct {
	mem memMsg
	rss int64
	cpu time.Duration
}

func markHub(p *hubProc) (hubMark, error) {
	var m hubMark
	var err error
	if m.mem, err = p.mem(); err != nil {
		return m, err
	}
	if m.rss, err = p.rss(); err != nil {
		return m, err
	}
	m.cpu, err = p.cpu()
	return m, err
}

// openScreens opens m app sessions, 16 at a time, each waiting for the
// Home tab and then switching to Proposals and its tally. The screens are
// returned even on error, for closing.
func (r *runner) openScreens(h *benchHub, m int, ss *screenStats) ([]*screen, error) {
	screens := make([]*screen, m)
	opens := make([]time.Duration, m)
	var opened atomic.Int64
	stopTrack := r.prog.track(fmt.Sprintf("opening %d sessions", m), &opened, int64(m), 0)
	defer stopTrack()
	stopProf := r.profileStart(h, fmt.Sprintf("sessions-%d-open", m))
	defer stopProf()
	err := parallel(16, m, func(i int) error {
		t := time.Now()
		s, err := openScreen(h.door, h.members[i+1], 80, 24)
		if err != nil {
			return fmt.Errorf("session %d: %w", i, err)
		}
		screens[i] = s
		if err := s.expect("Good to see you", screenWait); err != nil {
			return fmt.Errorf("session %d: %w", i, err)
		}
		if err := s.send("2"); err != nil {
			return fmt.Errorf("session %d: %w", i, err)
		}
		if err := s.expect(tallyText[true], screenWait); err != nil {
			return fmt.Errorf("session %d: %w", i, err)
		}
		opens[i] = time.Since(t)
		opened.Add(1)
		return nil
	})
	if err == nil {
		ss.Opened, ss.Open = m, summarize(opens)
	}
	return screens, err
}

// weighSessions reads what the open sessions cost the hub: CPU to open
// them, CPU while they idle, and memory.
func (r *runner) weighSessions(h *benchHub, m int, before hubMark, ss *screenStats) error {
	p := h.proc
	opened, err := p.cpu()
	if err != nil {
		return err
	}
	ss.OpenCPUMS = ms(opened-before.cpu) / float64(m)
	// Let the last sessions' first frames and the runtime settle.
	time.Sleep(time.Second)
	r.prog.say("%d sessions open; %s idle", m, r.cfg.idle)
	stopProf := r.profileStart(h, fmt.Sprintf("sessions-%d-idle", m))
	ss.IdleCPUShare, ss.IdleSeconds, err = r.idleShare(p)
	stopProf()
	if err != nil {
		return err
	}
	after, err := markHub(p)
	if err != nil {
		return err
	}
	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / 1024 / float64(m) }
	ss.RSSBeforeMiB, ss.RSSAfterMiB = mib(before.rss), mib(after.rss)
	ss.RSSPerSessionKiB = float64(after.rss-before.rss) / 1024 / float64(m)
	ss.HeapPerSessionKiB = per(after.mem.HeapInuse, before.mem.HeapInuse)
	ss.StackPerSessionKiB = per(after.mem.StackInuse, before.mem.StackInuse)
	ss.GoroutinesPerSess = float64(after.mem.Goroutines-before.mem.Goroutines) / float64(m)
	if r.cfg.profile != "" {
		return p.call(fmt.Sprintf("heapprofile %s-sessions-%d.heap.pprof", r.cfg.profile, m), nil)
	}
	return nil
}

// voteTimes are the timed votes: from each vote's ack to the first, each
// and the last screen showing it, and the votes' own round trips.
type voteTimes struct {
	toFirst, toEach, toLast, rtt []time.Duration
	missed                       int
}

// timeVotes has the writer on wc change its vote on proposal id, --rounds
// times within --duration, and times each until every screen shows it.
// The screens show the writer's yes when it starts.
func (r *runner) timeVotes(wc *gossh.Client, id string, screens []*screen) (voteTimes, error) {
	var t voteTimes
	var done atomic.Int64
	rounds := min(r.cfg.rounds, r.cfg.count)
	stopTrack := r.prog.track(fmt.Sprintf("votes to %d screens", len(screens)), &done, int64(rounds), r.cfg.duration)
	defer stopTrack()
	deadline := time.Now().Add(r.cfg.duration)
	yes := true
	for range rounds {
		if time.Now().After(deadline) || r.ctx.Err() != nil {
			break
		}
		yes = !yes
		// Watches start before the vote: a screen may change before the
		// ack reaches the voter.
		seen := make([]time.Time, len(screens))
		var left atomic.Int64
		left.Store(int64(len(screens)))
		all := make(chan struct{})
		for i, s := range screens {
			s.watch(tallyText[yes], func(at time.Time) {
				seen[i] = at
				if left.Add(-1) == 0 {
					close(all)
				}
			})
		}
		choice := map[bool]string{true: "yes", false: "no"}[yes]
		start := time.Now()
		if _, err := run(wc, "vote "+id+" "+choice, ""); err != nil {
			return t, err
		}
		ack := time.Now()
		select {
		case <-all:
		case <-time.After(screenWait):
			for _, s := range screens {
				s.unwatch()
			}
		}
		t.rtt = append(t.rtt, ack.Sub(start))
		var first, last time.Time
		for _, at := range seen {
			if at.IsZero() {
				t.missed++
				continue
			}
			t.toEach = append(t.toEach, at.Sub(ack))
			if first.IsZero() || at.Before(first) {
				first = at
			}
			if at.After(last) {
				last = at
			}
		}
		if !first.IsZero() {
			t.toFirst = append(t.toFirst, first.Sub(ack))
			t.toLast = append(t.toLast, last.Sub(ack))
		}
		done.Add(1)
	}
	return t, nil
}

// idleShare is the hub's CPU over an idle window of --idle, as a share of
// the whole machine, and the window's length in seconds.
func (r *runner) idleShare(p *hubProc) (float64, float64, error) {
	a, err := p.cpu()
	if err != nil {
		return 0, 0, err
	}
	t := time.Now()
	select {
	case <-time.After(r.cfg.idle):
	case <-r.ctx.Done():
		return 0, 0, r.ctx.Err()
	}
	b, err := p.cpu()
	if err != nil {
		return 0, 0, err
	}
	secs := time.Since(t).Seconds()
	return (b - a).Seconds() / secs / float64(numCPU()), secs, nil
}

package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

// webPages are what the readers fetch, in turn: every page and a few
// twins, as a crawler or a curious visitor would.
var webPages = []string{"/", "/census", "/charter", "/dossier", "/decisions", "/treasury", "/chain", "/verify",
	"/census.json", "/chain.json", "/checkpoint"}

// webStats is what the web scenario measured.
type webStats struct {
	Readers int `json:"readers"`
	Pairs   int `json:"pairs"`
	// ViewRate is the pace the readers were held to (0: as fast as the
	// site answers): a member's write is measured against that much
	// traffic, not against readers that take every spare cycle.
	ViewRate float64 `json:"view_rate"`
	// CeilingPerSec is views/s with the votes running and the readers
	// unpaced, one run after the pairs.
	CeilingPerSec float64 `json:"ceiling_views_per_sec"`
	// VoteRate is the pace of the votes in all (0: every client as fast
	// as its acks come back, which saturates the machine).
	VoteRate float64 `json:"vote_rate"`
	// Views is pages served with 200 while the votes ran, ViewsPerSec
	// their rate; ViewErrors anything else.
	Views       int64    `json:"views"`
	ViewErrors  int64    `json:"view_errors"`
	ViewsPerSec float64  `json:"views_per_sec"`
	ViewLatency *latency `json:"view_latency_ms"`
	// The votes' acknowledged latency alone and with the readers, over
	// all pairs, and the rates.
	VotesAlone      *latency  `json:"votes_alone_ms"`
	VotesWith       *latency  `json:"votes_with_readers_ms"`
	VotesAlonePerS  float64   `json:"votes_alone_per_sec"`
	VotesWithPerS   float64   `json:"votes_with_readers_per_sec"`
	SlowdownP50     float64   `json:"slowdown_p50"`       // with/alone - 1
	SlowdownMean    float64   `json:"slowdown_mean"`      // with/alone - 1
	PairSlowdownP50 []float64 `json:"pair_slowdowns_p50"` // each pair's
	// The hub child's CPU, as a share of the machine, in the runs alone
	// and in the runs with readers.
	HubCPUAlone float64 `json:"hub_cpu_share_alone"`
	HubCPUWith  float64 `json:"hub_cpu_share_with_readers"`
}

// web: the public page under vote load. Each pair runs the votes alone,
// then again while --readers fetch pages as fast as they come back; pairs
// alternate so that a shared machine's drift falls on both sides.
func (r *runner) web(clients int) (res result, err error) {
	h, err := r.openHub(clients)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := h.close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if h.proc == nil || h.proc.ready.Web == "" {
		return res, fmt.Errorf("the hub child serves no web page")
	}
	conns, err := h.door.dialAll(h.members[:clients])
	if err != nil {
		return res, err
	}
	defer closeAll(conns)
	id, err := newProposal(conns[0], "Load test: paint the door")
	if err != nil {
		return res, err
	}
	vote := func(_, i int, c *gossh.Client) error {
		choice := "yes"
		if i%2 == 1 {
			choice = "no"
		}
		_, err := run(c, "vote "+id+" "+choice, "")
		return err
	}
	base := "http://" + h.proc.ready.Web
	ws := &webStats{Readers: r.cfg.readers, Pairs: r.cfg.pairs, ViewRate: r.cfg.viewRate, VoteRate: r.cfg.voteRate}
	if r.cfg.voteRate > 0 {
		r.pace = rate.NewLimiter(rate.Limit(r.cfg.voteRate), 1)
		defer func() { r.pace = nil }()
	}
	var alone, with opStats
	var viewLat []time.Duration
	var viewSecs, cpuAlone, cpuWith float64
	res = result{Scenario: "web", Clients: clients, Members: h.total}
	r.measure(h, &res, fmt.Sprintf("web-%d", clients), func() {
		for p := 0; p < r.cfg.pairs && r.ctx.Err() == nil; p++ {
			c0, _ := h.proc.cpu()
			a := r.drive(fmt.Sprintf("web: votes alone, %d clients, pair %d", clients, p+1), conns, vote)
			c1, _ := h.proc.cpu()
			rd := startReaders(base, r.cfg.readers, r.cfg.viewRate)
			t := time.Now()
			w := r.drive(fmt.Sprintf("web: votes with %d readers, pair %d", r.cfg.readers, p+1), conns, vote)
			views, errs, lat := rd.stop()
			c2, _ := h.proc.cpu()
			viewSecs += time.Since(t).Seconds()
			cpuAlone += (c1 - c0).Seconds()
			cpuWith += (c2 - c1).Seconds()
			ws.Views += views
			ws.ViewErrors += errs
			viewLat = append(viewLat, lat...)
			if la, lw := summarize(a.lat), summarize(w.lat); la.P50 > 0 {
				ws.PairSlowdownP50 = append(ws.PairSlowdownP50, lw.P50/la.P50-1)
			}
			alone = merge(alone, a)
			with = merge(with, w)
		}
		rd := startReaders(base, r.cfg.readers, 0)
		t := time.Now()
		r.drive(fmt.Sprintf("web: votes with %d unpaced readers", r.cfg.readers), conns, vote)
		views, _, _ := rd.stop()
		ws.CeilingPerSec = float64(views) / time.Since(t).Seconds()
	})
	ws.ViewsPerSec = float64(ws.Views) / viewSecs
	ws.HubCPUAlone = cpuAlone / alone.elapsed.Seconds() / float64(numCPU())
	ws.HubCPUWith = cpuWith / viewSecs / float64(numCPU())
	ws.ViewLatency = summarize(viewLat)
	ws.VotesAlone, ws.VotesWith = summarize(alone.lat), summarize(with.lat)
	ws.VotesAlonePerS = float64(alone.ops-alone.errs) / alone.elapsed.Seconds()
	ws.VotesWithPerS = float64(with.ops-with.errs) / with.elapsed.Seconds()
	if ws.VotesAlone.P50 > 0 {
		ws.SlowdownP50 = ws.VotesWith.P50/ws.VotesAlone.P50 - 1
		ws.SlowdownMean = ws.VotesWith.Mean/ws.VotesAlone.Mean - 1
	}
	res.Ops, res.Errors, res.Seconds = ws.Views, ws.ViewErrors, viewSecs
	res.PerSec, res.Latency, res.Web = ws.ViewsPerSec, ws.ViewLatency, ws
	if with.errs > 0 || alone.errs > 0 {
		res.FirstError = with.firstErr + alone.firstErr
		res.Errors += with.errs + alone.errs
	}
	r.prog.say("web, %d clients, %d readers: %.0f views/s (ceiling %.0f); votes p50 %.2f ms alone, %.2f ms with readers (%+.1f%%); %.0f/s vs %.0f/s",
		clients, r.cfg.readers, ws.ViewsPerSec, ws.CeilingPerSec, ws.VotesAlone.P50, ws.VotesWith.P50, ws.SlowdownP50*100, ws.VotesAlonePerS, ws.VotesWithPerS)
	return res, nil
}

func merge(a, b opStats) opStats {
	a.ops += b.ops
	a.errs += b.errs
	a.elapsed += b.elapsed
	a.lat = append(a.lat, b.lat...)
	if a.firstErr == "" {
		a.firstErr = b.firstErr
	}
	return a
}

// readers fetch pages until stopped.
type readers struct {
	stopc       chan struct{}
	wg          sync.WaitGroup
	views, errs atomic.Int64
	mu          sync.Mutex
	lat         []time.Duration
}

// startReaders starts n readers fetching from base, together at most
// perSec pages a second (0: no limit).
func startReaders(base string, n int, perSec float64) *readers {
	rd := &readers{stopc: make(chan struct{})}
	lim := rate.NewLimiter(rate.Inf, 1)
	if perSec > 0 {
		lim = rate.NewLimiter(rate.Limit(perSec), max(1, int(perSec/100)))
	}
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	for w := 0; w < n; w++ {
		rd.wg.Add(1)
		go func() {
			defer rd.wg.Done()
			lat := make([]time.Duration, 0, 4096)
			for i := w; ; i++ {
				select {
				case <-rd.stopc:
					rd.mu.Lock()
					rd.lat = append(rd.lat, lat...)
					rd.mu.Unlock()
					return
				default:
				}
				if r := lim.Reserve(); r.Delay() > 0 {
					select {
					case <-time.After(r.Delay()):
					case <-rd.stopc:
						r.Cancel()
						continue
					}
				}
				t := time.Now()
				resp, err := client.Get(base + webPages[i%len(webPages)])
				if err != nil {
					rd.errs.Add(1)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					rd.errs.Add(1)
					continue
				}
				lat = append(lat, time.Since(t))
				rd.views.Add(1)
			}
		}()
	}
	return rd
}

func (rd *readers) stop() (views, errs int64, lat []time.Duration) {
	close(rd.stopc)
	rd.wg.Wait()
	return rd.views.Load(), rd.errs.Load(), rd.lat
}

package main

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/state/tally"
)

type startupStats struct {
	DataMiB      float64      `json:"data_mib"`
	BuildSeconds float64      `json:"build_s"` // 0 when reused from --cache
	Runs         []startupRun `json:"runs"`
}

// startupRun is one start of a hub child on the data dir, in ms.
type startupRun struct {
	OpenMS     float64 `json:"open_ms"`      // store.Open
	InfoMS     float64 `json:"info_ms"`      // NewHub and the first Info
	UpMS       float64 `json:"up_ms"`        // process start to that Info
	ReadyMS    float64 `json:"ready_ms"`     // process start to the SSH listener
	ExecMS     float64 `json:"exec_ms"`      // the driver's exec to the ready line
	FirstCmdMS float64 `json:"first_cmd_ms"` // a fresh connection's first command
	RSSMiB     float64 `json:"rss_mib"`
}

// startRuns is how often each data dir is started; the table shows the
// median.
const startRuns = 3

// startup: hub start-up on a data dir of n events, built once (and kept in
// --cache if given) through the state API in this process.
func (r *runner) startup(n int) (res result, err error) {
	dir, built, err := r.startupDir(n)
	if err != nil {
		return res, err
	}
	if r.cfg.cache == "" {
		defer os.RemoveAll(filepath.Dir(dir))
	}
	st := &startupStats{BuildSeconds: built.Seconds(), DataMiB: mib(dirSize(dir))}
	res = result{Scenario: "startup", Events: n, Load1: loadavg(), Startup: st}
	keys, err := deriveKeys(r.seed, 1, "v")
	if err != nil {
		return res, err
	}
	for range startRuns {
		sr, err := r.startOnce(dir, keys[0])
		if err != nil {
			return res, err
		}
		st.Runs = append(st.Runs, sr)
	}
	m := st.median()
	r.prog.say("startup, %d events: store.Open %.0f ms, process start to first Info %.0f ms, to listening %.0f ms",
		n, m.OpenMS, m.UpMS, m.ReadyMS)
	return res, nil
}

func (r *runner) startOnce(dir string, visitor benchKey) (sr startupRun, err error) {
	p, err := startHub(r.cfg.hubLog, "--data", dir)
	if err != nil {
		return sr, err
	}
	defer func() {
		if serr := p.stop(); err == nil {
			err = serr
		}
	}()
	sr = startupRun{OpenMS: p.ready.OpenMS, InfoMS: p.ready.InfoMS, UpMS: p.ready.UpMS,
		ReadyMS: p.ready.ReadyMS, ExecMS: ms(p.exec)}
	hk, err := p.hostKeyCallback()
	if err != nil {
		return sr, err
	}
	t := time.Now()
	c, err := door{addr: p.ready.Addr, hostKey: hk}.dial(visitor)
	if err != nil {
		return sr, err
	}
	defer c.Close()
	// Anyone may ask; an unknown key is told it is a visitor.
	if _, err := run(c, "whoami", ""); err != nil {
		return sr, err
	}
	sr.FirstCmdMS = ms(time.Since(t))
	rss, _ := p.rss()
	sr.RSSMiB = mib(rss)
	return sr, nil
}

// startupDir returns a data dir of n events, building it unless --cache
// holds one, and how long building took.
func (r *runner) startupDir(n int) (string, time.Duration, error) {
	root := r.cfg.cache
	if root == "" {
		tmp, err := os.MkdirTemp("", "polis-load-startup-")
		if err != nil {
			return "", 0, err
		}
		root = tmp
	}
	dir := filepath.Join(root, "hub-"+strconv.Itoa(n))
	marker := filepath.Join(root, "hub-"+strconv.Itoa(n)+".done")
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == strconv.Itoa(n) {
		r.prog.say("startup: reusing %s", dir)
		return dir, 0, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", 0, err
	}
	t := time.Now()
	if err := r.build(dir, n); err != nil {
		return "", 0, err
	}
	took := time.Since(t)
	if err := os.WriteFile(marker, []byte(strconv.Itoa(n)+"\n"), 0o644); err != nil {
		return "", 0, err
	}
	return dir, took, nil
}

// build fills a fresh data dir with n events of a busy community: up to a
// thousand members voting on ten proposals and changing their themes, from
// 256 concurrent writers so that group commit makes it quick.
func (r *runner) build(dir string, n int) (err error) {
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	hub := state.NewHub(st)
	ctx := context.Background()
	if _, err := hub.Submit(ctx, state.SystemActor, state.CreateHub{Name: "polis-load"}); err != nil {
		return err
	}
	members := max(2, min(1000, n/8))
	keys, err := deriveKeys([]byte("startup"), members, "m")
	if err != nil {
		return err
	}
	if err := admitLocal(ctx, hub, keys); err != nil {
		return err
	}
	var props []uint64
	for i := 1; i < len(keys) && len(props) < 10 && int(st.Size()) < n; i++ {
		id, err := submitProposal(ctx, hub, keys[i])
		if err != nil {
			return err
		}
		props = append(props, id)
	}
	left := int64(n) - int64(st.Size())
	var done atomic.Int64
	stop := r.prog.track(fmt.Sprintf("building a data dir of %d events", n), &done, left, 0)
	defer stop()
	return parallel(256, int(max(left, 0)), func(i int) error {
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		k := keys[1+rand.IntN(len(keys)-1)].actor()
		var c state.Command = state.Rename{Name: fmt.Sprintf("bench %d", i)}
		if i%4 != 0 && len(props) > 0 {
			choice := []string{tally.ChoiceYes, tally.ChoiceNo, tally.ChoiceAbstain}[rand.IntN(3)]
			c = state.CastVote{ID: props[rand.IntN(len(props))], Ballot: tally.Ballot{Choice: choice}}
		}
		if _, err := hub.Submit(ctx, k, c); err != nil {
			return err
		}
		done.Add(1)
		return nil
	})
}

func (s *startupStats) median() startupRun {
	pick := func(f func(startupRun) float64) float64 {
		vs := make([]float64, len(s.Runs))
		for i, r := range s.Runs {
			vs[i] = f(r)
		}
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	return startupRun{
		OpenMS:     pick(func(r startupRun) float64 { return r.OpenMS }),
		InfoMS:     pick(func(r startupRun) float64 { return r.InfoMS }),
		UpMS:       pick(func(r startupRun) float64 { return r.UpMS }),
		ReadyMS:    pick(func(r startupRun) float64 { return r.ReadyMS }),
		ExecMS:     pick(func(r startupRun) float64 { return r.ExecMS }),
		FirstCmdMS: pick(func(r startupRun) float64 { return r.FirstCmdMS }),
		RSSMiB:     pick(func(r startupRun) float64 { return r.RSSMiB }),
	}
}

func (s *startupStats) medianUp() float64 { return s.median().UpMS }

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

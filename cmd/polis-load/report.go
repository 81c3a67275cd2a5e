package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"text/tabwriter"
	"time"
)

type report struct {
	Machine machine   `json:"machine"`
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	Run     runJSON   `json:"run"`
	Results []result  `json:"results"`
	Goals   []goal    `json:"goals"`
	Errors  []string  `json:"errors,omitempty"`
}

type machine struct {
	CPUs      int     `json:"cpus"`
	CPUModel  string  `json:"cpu_model"`
	MemMiB    float64 `json:"mem_mib"`
	Go        string  `json:"go"`
	OS        string  `json:"os"`
	LoadStart float64 `json:"load1_start"`
	LoadEnd   float64 `json:"load1_end"`
}

// result is one measurement: a scenario at one size.
type result struct {
	Scenario   string   `json:"scenario"`
	Clients    int      `json:"clients,omitempty"`
	Sessions   int      `json:"sessions,omitempty"`
	Events     int      `json:"events,omitempty"`
	Members    int      `json:"members,omitempty"` // in the hub, the steward included
	Ops        int64    `json:"ops,omitempty"`
	Errors     int64    `json:"errors"`
	FirstError string   `json:"first_error,omitempty"`
	Seconds    float64  `json:"seconds,omitempty"`
	PerSec     float64  `json:"per_sec,omitempty"`
	Latency    *latency `json:"latency_ms,omitempty"`
	Hub        *hubUse  `json:"hub,omitempty"`
	// DriverCPUShare is what this process (the SSH clients and terminal
	// emulators) took of the whole machine meanwhile, 0..1.
	DriverCPUShare float64 `json:"driver_cpu_share,omitempty"`
	Load1          float64 `json:"load1"` // the machine's load when it started
	Profile        string  `json:"profile,omitempty"`

	Screens  *screenStats  `json:"screens,omitempty"`
	Bookings *bookingStats `json:"bookings,omitempty"`
	Startup  *startupStats `json:"startup,omitempty"`
	Web      *webStats     `json:"web,omitempty"`
}

// hubUse is what the hub child spent during a measurement.
type hubUse struct {
	CPUSeconds float64 `json:"cpu_s"`
	CPUPerOpUS float64 `json:"cpu_per_op_us"`
	CPUShare   float64 `json:"cpu_share"` // of the whole machine, 0..1
	RSSMiB     float64 `json:"rss_mib"`
}

func (res *result) fill(st opStats) {
	res.Ops, res.Errors, res.FirstError = st.ops, st.errs, st.firstErr
	res.Seconds = st.elapsed.Seconds()
	res.PerSec = float64(st.ops-st.errs) / st.elapsed.Seconds()
	res.Latency = summarize(st.lat)
}

// goal is one of issue #11's targets, measured in this run.
type goal struct {
	Goal     string  `json:"goal"`
	Measured float64 `json:"measured"`
	Target   float64 `json:"target"`
	Unit     string  `json:"unit"`
	Met      bool    `json:"met"`
	AtLeast  bool    `json:"at_least,omitempty"` // the target is a floor, not a ceiling
}

// runJSON is how the run was asked for.
type runJSON struct {
	Scenarios []string `json:"scenarios"`
	Clients   []int    `json:"clients"`
	Sessions  []int    `json:"sessions"`
	Events    []int    `json:"events"`
	Members   int      `json:"members"`
	Duration  string   `json:"duration"`
	Count     int      `json:"count"`
	Rounds    int      `json:"rounds"`
	Readers   int      `json:"readers,omitempty"`
	ViewRate  float64  `json:"view_rate,omitempty"`
	Pairs     int      `json:"pairs,omitempty"`
	Idle      string   `json:"idle"`
	Beds      int      `json:"beds"`
	Nights    int      `json:"nights"`
	Target    string   `json:"target,omitempty"`
}

func newReport(todo []string, c config) *report {
	run := runJSON{Scenarios: todo, Clients: c.clients, Sessions: c.sessions, Events: c.events, Members: c.members,
		Duration: c.duration.String(), Count: c.count, Rounds: c.rounds, Readers: c.readers, ViewRate: c.viewRate, Pairs: c.pairs, Idle: c.idle.String(), Beds: c.beds,
		Nights: c.nights, Target: c.target}
	return &report{Started: time.Now(), Run: run, Results: []result{}, Goals: []goal{}, Machine: machine{
		CPUs: numCPU(), CPUModel: cpuModel(), MemMiB: mib(memTotal()), Go: runtime.Version(),
		OS: runtime.GOOS + "/" + runtime.GOARCH, LoadStart: loadavg(),
	}}
}

func (r *report) add(res result) { r.Results = append(r.Results, res) }

func (r *report) find(scenario string, size func(result) bool) (result, bool) {
	for _, res := range r.Results {
		if res.Scenario == scenario && size(res) {
			return res, true
		}
	}
	return result{}, false
}

// finish works out the goals from what was measured. A goal whose inputs
// were not run is left out.
func (r *report) finish() {
	r.Seconds = time.Since(r.Started).Seconds()
	r.Machine.LoadEnd = loadavg()
	atLeast := func(name string, v, target float64, unit string) {
		r.Goals = append(r.Goals, goal{Goal: name, Measured: v, Target: target, Unit: unit, Met: v >= target, AtLeast: true})
	}
	below := func(name string, v, target float64, unit string) {
		r.Goals = append(r.Goals, goal{Goal: name, Measured: v, Target: target, Unit: unit, Met: v < target})
	}
	clients := func(c int) func(result) bool { return func(x result) bool { return x.Clients == c } }
	for _, base := range r.Results {
		if base.Scenario != "baseline" || base.PerSec == 0 {
			continue
		}
		c := base.Clients
		if s, ok := r.find("store", clients(c)); ok {
			atLeast(fmt.Sprintf("store acked writes/s vs raw Badger, %d clients", c), s.PerSec/base.PerSec, 10, "x")
		}
		if v, ok := r.find("votes", clients(c)); ok && c == 64 {
			atLeast(fmt.Sprintf("SSH acked votes/s vs raw Badger, %d clients", c), v.PerSec/base.PerSec, 3, "x")
		}
	}
	for _, v := range r.Results {
		if v.Scenario != "votes" || v.Clients != 64 {
			continue
		}
		if d, ok := r.find("door", clients(v.Clients)); ok && d.PerSec > 0 {
			atLeast(fmt.Sprintf("SSH acked votes/s vs door read ceiling, %d clients", v.Clients), v.PerSec/d.PerSec, 0.6, "x")
		}
	}
	for _, s := range r.Results {
		if s.Screens == nil {
			continue
		}
		sc, at := s.Screens, fmt.Sprintf(", %d sessions", s.Sessions)
		below("RSS per idle session"+at, sc.RSSPerSessionKiB, 1024, "KiB")
		below("idle CPU, share of the machine"+at, sc.IdleCPUShare*100, 5, "%")
		below("server CPU to open a session"+at, sc.OpenCPUMS, 10, "ms")
		if sc.AckToLast != nil {
			below("vote ack to all screens, p99"+at, sc.AckToLast.P99, 250, "ms")
		}
	}
	for _, s := range r.Results {
		if w := s.Web; w != nil {
			at := fmt.Sprintf(", %d voting clients, %d readers", s.Clients, w.Readers)
			if w.VoteRate > 0 {
				at += fmt.Sprintf(", votes at %.0f/s", w.VoteRate)
			}
			atLeast("web page views/s under vote load"+at, w.ViewsPerSec, 2000, "views/s")
			below("acked vote latency (p50) slower with the readers"+at, w.SlowdownP50*100, 5, "%")
		}
	}
	for _, s := range r.Results {
		if s.Startup != nil && len(s.Startup.Runs) > 0 {
			below(fmt.Sprintf("hub start-up (process start to first Info), %d events", s.Events), s.Startup.medianUp(), 1000, "ms")
		}
	}
}

func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func (r *report) writeTable(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "polis-load: %d CPUs (%s), %.0f MiB, %s, load %.2f at start, %.2f at end, %.0fs\n",
		m.CPUs, m.CPUModel, m.MemMiB, m.Go, m.LoadStart, m.LoadEnd, r.Seconds)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	section := func(title, header string, rows func()) {
		fmt.Fprintf(w, "\n%s\n", title)
		fmt.Fprintln(tw, header)
		rows()
		tw.Flush()
	}
	if r.has("baseline", "store", "door", "votes") {
		section("throughput (acked operations; latency in ms; hub CPU per operation in µs)",
			"scenario\tclients\tmembers\tops\terrors\tper s\tp50\tp95\tp99\thub µs/op\thub CPU\tdriver CPU\thub RSS MiB\tload\t", func() {
				for _, x := range r.Results {
					if x.Latency == nil || x.Screens != nil || x.Bookings != nil || x.Web != nil {
						continue
					}
					cpu, per, rss, drv := "-", "-", "-", "-"
					if x.Hub != nil {
						cpu, per, rss = pctText(x.Hub.CPUShare), fmt.Sprintf("%.0f", x.Hub.CPUPerOpUS), fmt.Sprintf("%.0f", x.Hub.RSSMiB)
					}
					if x.DriverCPUShare > 0 {
						drv = pctText(x.DriverCPUShare)
					}
					fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%.2f\t\n", x.Scenario, x.Clients,
						dash(x.Members), x.Ops, x.Errors, x.PerSec, x.Latency.P50, x.Latency.P95, x.Latency.P99, per, cpu, drv, rss, x.Load1)
				}
			})
	}
	if r.has("web") {
		section("web (the public page under vote load; ms)",
			"clients\tvotes paced/s\treaders\tpairs\tpace/s\tviews/s\tceiling/s\tview p50\tview p99\tview errors\tvotes/s alone\twith readers\tack p50 alone\twith readers\tack p99 alone\twith readers\tslower (p50)\thub CPU alone\twith readers\tdriver CPU\t", func() {
				for _, x := range r.Results {
					w := x.Web
					if w == nil {
						continue
					}
					fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%+.1f%%\t%s\t%s\t%s\t\n", x.Clients, rateText(w.VoteRate), w.Readers, w.Pairs,
						w.ViewRate, w.ViewsPerSec, w.CeilingPerSec, w.ViewLatency.P50, w.ViewLatency.P99, w.ViewErrors, w.VotesAlonePerS, w.VotesWithPerS,
						w.VotesAlone.P50, w.VotesWith.P50, w.VotesAlone.P99, w.VotesWith.P99, w.SlowdownP50*100, pctText(w.HubCPUAlone), pctText(w.HubCPUWith), pctText(x.DriverCPUShare))
				}
			})
	}
	if r.has("bookings") {
		section("bookings (K clients racing for the same beds)",
			"clients\tbeds\tnights\tattempts\tconfirmed\tfull\tcancels\tbookings/s\tattempts/s\tp50\tp99\toverbooked nights\tledger\t", func() {
				for _, x := range r.Results {
					if b := x.Bookings; b != nil {
						fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%d\t%s\t\n", x.Clients, b.Beds, b.Nights,
							b.Attempts, b.Confirmed, b.Full, b.Cancels, b.ConfirmedPerSec, x.PerSec, x.Latency.P50, x.Latency.P99,
							b.OverbookedNights, okText(b.LedgerMatches))
					}
				}
			})
	}
	if r.has("sessions") {
		section("sessions (idle app on the Proposals tab; ms unless stated)",
			"sessions\tRSS/session KiB\theap/session KiB\tidle CPU (empty hub)\topen CPU ms\topen p50\topen p99\tack→all p50\tp95\tp99\tack→each p99\tvote rtt p50\thub CPU/vote ms\tmissed\t", func() {
				for _, x := range r.Results {
					s := x.Screens
					if s == nil {
						continue
					}
					l, e, v := orEmpty(s.AckToLast), orEmpty(s.AckToEach), orEmpty(s.VoteRTT)
					fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%s (%s)\t%.2f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t\n", x.Sessions,
						s.RSSPerSessionKiB, s.HeapPerSessionKiB, pctText(s.IdleCPUShare), pctText(s.IdleCPUShareEmpty), s.OpenCPUMS, s.Open.P50, s.Open.P99,
						l.P50, l.P95, l.P99, e.P99, v.P50, s.CPUPerVoteMS, s.Missed)
				}
			})
	}
	if r.has("startup") {
		section("start-up (median of the runs; ms)",
			"events\tdata MiB\tbuild s\tstate.Open\tNewHub+Info\tprocess→Info\tprocess→listening\texec→ready\tfirst command\tRSS MiB\t", func() {
				for _, x := range r.Results {
					if s := x.Startup; s != nil && len(s.Runs) > 0 {
						m := s.median()
						fmt.Fprintf(tw, "%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f\t\n", x.Events, s.DataMiB, s.BuildSeconds,
							m.OpenMS, m.InfoMS, m.UpMS, m.ReadyMS, m.ExecMS, m.FirstCmdMS, m.RSSMiB)
					}
				}
			})
	}
	if len(r.Goals) > 0 {
		section("goals (issue #11; measured on this machine, in this run)", "goal\tmeasured\ttarget\t\t", func() {
			for _, g := range r.Goals {
				cmp := "<"
				if g.AtLeast {
					cmp = "≥"
				}
				fmt.Fprintf(tw, "%s\t%.2f %s\t%s %g %s\t%s\t\n", g.Goal, g.Measured, g.Unit, cmp, g.Target, g.Unit, metText(g.Met))
			}
		})
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "\nerror: %s\n", e)
	}
}

func (r *report) has(scenarios ...string) bool {
	for _, x := range r.Results {
		for _, s := range scenarios {
			if x.Scenario == s {
				return true
			}
		}
	}
	return false
}

func orEmpty(l *latency) latency {
	if l == nil {
		return latency{}
	}
	return *l
}

func pctText(share float64) string { return fmt.Sprintf("%.1f%%", share*100) }

func dash(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func okText(ok bool) string {
	if ok {
		return "matches"
	}
	return "MISMATCH"
}

func metText(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func rateText(r float64) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", r)
}

package main

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	polisssh "github.com/polis-hub/polis/ssh"
	"github.com/polis-hub/polis/state/store"
)

// maxCommandLabels bounds the command label's values. The ssh package
// names commands from a fixed set; this keeps a scrape small even if that
// ever changed.
const maxCommandLabels = 200

// metrics is the hub's Prometheus registry (its own, never the global
// default) and the ssh.Observer that feeds it.
type metrics struct {
	reg          *prometheus.Registry
	sessionsOpen *prometheus.GaugeVec
	sessions     *prometheus.CounterVec
	commands     *prometheus.CounterVec
	refused      *prometheus.CounterVec
	batch        prometheus.Histogram
	commit       prometheus.Histogram

	mu    sync.Mutex
	names map[string]bool
}

var _ polisssh.Observer = (*metrics)(nil)

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		sessionsOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "polis_sessions_open", Help: "SSH sessions open now, by kind (app or command).",
		}, []string{"kind"}),
		sessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "polis_sessions_total", Help: "SSH sessions started, by kind (app or command).",
		}, []string{"kind"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "polis_commands_total", Help: "SSH commands run, by command and result (ok or error).",
		}, []string{"command", "result"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "polis_connections_refused_total", Help: "Connections and sessions refused by a limit, by reason.",
		}, []string{"reason"}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "polis_commit_batch_size", Help: "Commands per group-committed transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "polis_commit_seconds", Help: "Time from deciding a batch to its durable commit.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		names: map[string]bool{},
	}
	m.reg.MustRegister(m.sessionsOpen, m.sessions, m.commands, m.refused, m.batch, m.commit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Series that exist from the start read as zero rather than missing.
	for _, k := range []string{"app", "command"} {
		m.sessionsOpen.WithLabelValues(k)
		m.sessions.WithLabelValues(k)
	}
	for _, r := range polisssh.RefusalReasons {
		m.refused.WithLabelValues(r)
	}
	return m
}

// onCommit is store.Options.OnCommit.
func (m *metrics) onCommit(commands int, took time.Duration) {
	m.batch.Observe(float64(commands))
	m.commit.Observe(took.Seconds())
}

func (m *metrics) SessionStarted(kind string) {
	m.sessionsOpen.WithLabelValues(kind).Inc()
	m.sessions.WithLabelValues(kind).Inc()
}

func (m *metrics) SessionEnded(kind string) { m.sessionsOpen.WithLabelValues(kind).Dec() }

func (m *metrics) CommandDone(name string, exitCode int) {
	result := "ok"
	if exitCode != 0 {
		result = "error"
	}
	m.mu.Lock()
	if !m.names[name] {
		if len(m.names) >= maxCommandLabels {
			name = "other"
		}
		m.names[name] = true
	}
	m.mu.Unlock()
	m.commands.WithLabelValues(name, result).Inc()
}

func (m *metrics) ConnRefused(reason string) { m.refused.WithLabelValues(reason).Inc() }

// watchStore adds the store's numbers, read once per scrape.
func (m *metrics) watchStore(st *store.Store) { m.reg.MustRegister(storeCollector{st}) }

var (
	descHeight   = prometheus.NewDesc("polis_checkpoint_height", "Height of the latest signed checkpoint.", nil, nil)
	descLogSize  = prometheus.NewDesc("polis_log_size", "Events in the log.", nil, nil)
	descUnsealed = prometheus.NewDesc("polis_log_unsealed", "Events not yet covered by a checkpoint.", nil, nil)
	descLSM      = prometheus.NewDesc("polis_badger_lsm_bytes", "Size of Badger's LSM tree on disk (refreshed about once a minute).", nil, nil)
	descVlog     = prometheus.NewDesc("polis_badger_vlog_bytes", "Size of Badger's value log on disk (refreshed about once a minute).", nil, nil)
	descFailed   = prometheus.NewDesc("polis_storage_failed", "1 once a commit failed: the hub stops writing and reading and exits for a restart.", nil, nil)
	descClock    = prometheus.NewDesc("polis_clock_held", "1 while writes are refused because the clock reads far ahead of the hub's reckoning (polis clock).", nil, nil)
	descDiskLow  = prometheus.NewDesc("polis_disk_low", "1 while writes are paused because the data dir's file system is below its free-space floor.", nil, nil)
	descDiskFree = prometheus.NewDesc("polis_disk_free_bytes", "Free space on the data dir's file system at the last write (-1 before the first).", nil, nil)
)

type storeCollector struct{ st *store.Store }

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descHeight, descLogSize, descUnsealed, descLSM, descVlog, descFailed, descClock, descDiskLow, descDiskFree} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	ch <- prometheus.MustNewConstMetric(descHeight, prometheus.GaugeValue, float64(s.Height))
	ch <- prometheus.MustNewConstMetric(descLogSize, prometheus.GaugeValue, float64(s.Size))
	ch <- prometheus.MustNewConstMetric(descUnsealed, prometheus.GaugeValue, float64(s.Unsealed))
	ch <- prometheus.MustNewConstMetric(descLSM, prometheus.GaugeValue, float64(s.LSMBytes))
	ch <- prometheus.MustNewConstMetric(descVlog, prometheus.GaugeValue, float64(s.VlogBytes))
	ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, flag(s.Failed))
	ch <- prometheus.MustNewConstMetric(descClock, prometheus.GaugeValue, flag(s.ClockHeld))
	ch <- prometheus.MustNewConstMetric(descDiskLow, prometheus.GaugeValue, flag(s.DiskLow))
	ch <- prometheus.MustNewConstMetric(descDiskFree, prometheus.GaugeValue, float64(s.DiskFree))
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return mux
}

// metricsAddr turns --metrics into a listen address. A bare port ("9100" or
// ":9100") listens on loopback only; public says whether the address may be
// reachable from other machines.
func metricsAddr(s string) (addr string, public bool, err error) {
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		s = ":" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil || port == "" {
		return "", false, fmt.Errorf("--metrics %q: want PORT or HOST:PORT", s)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	public = host != "localhost" && (ip == nil || !ip.IsLoopback())
	return net.JoinHostPort(host, port), public, nil
}

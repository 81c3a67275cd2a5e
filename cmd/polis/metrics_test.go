package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func TestMetricsAddr(t *testing.T) {
	cases := []struct {
		in, addr string
		public   bool
		err      bool
	}{
		{in: "9100", addr: "127.0.0.1:9100"},
		{in: ":9100", addr: "127.0.0.1:9100"},
		{in: "localhost:9100", addr: "localhost:9100"},
		{in: "[::1]:9100", addr: "[::1]:9100"},
		{in: "0.0.0.0:9100", addr: "0.0.0.0:9100", public: true},
		{in: "10.1.2.3:9100", addr: "10.1.2.3:9100", public: true},
		{in: "metrics.example:9100", addr: "metrics.example:9100", public: true},
		{in: "nope", err: true},
		{in: "1.2.3.4", err: true},
		{in: "99999", err: true},
	}
	for _, c := range cases {
		addr, public, err := metricsAddr(c.in)
		if (err != nil) != c.err || addr != c.addr || public != c.public {
			t.Errorf("%q: %q %v %v", c.in, addr, public, err)
		}
		if err != nil && !strings.Contains(err.Error(), "--metrics") {
			t.Errorf("%q: error does not name the flag: %v", c.in, err)
		}
	}
}

// The registry reports the store, the commits and what the SSH door tells
// it, with bounded labels.
func TestMetricsScrape(t *testing.T) {
	m := newMetrics()
	st, err := store.Open(store.Options{Dir: t.TempDir(), CheckpointEvery: 2, OnCommit: m.onCommit})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m.watchStore(st)
	for _, name := range []string{"one", "two", "three"} {
		if _, err := st.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: name}); err != nil && name == "one" {
			t.Fatal(err)
		}
	}
	m.SessionStarted("command")
	m.SessionStarted("app")
	m.SessionEnded("command")
	m.CommandDone("vote", 0)
	m.CommandDone("vote", 1)
	m.CommandDone("vote", 0)
	m.ConnRefused("per-ip")
	for i := 0; i < maxCommandLabels+50; i++ {
		m.CommandDone(fmt.Sprint("junk", i), 1)
	}
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	s := st.Stats()
	for _, want := range []string{
		`polis_sessions_open{kind="app"} 1`,
		`polis_sessions_open{kind="command"} 0`,
		`polis_sessions_total{kind="command"} 1`,
		`polis_commands_total{command="vote",result="ok"} 2`,
		`polis_commands_total{command="vote",result="error"} 1`,
		`polis_connections_refused_total{reason="per-ip"} 1`,
		`polis_connections_refused_total{reason="rate"} 0`,
		// One committed batch: the refused CreateHubs never reach Badger.
		"polis_commit_batch_size_count 1",
		"polis_commit_seconds_count 1",
		fmt.Sprintf("polis_log_size %d", s.Size),
		fmt.Sprintf("polis_checkpoint_height %d", s.Height),
		"polis_badger_lsm_bytes ",
		"polis_badger_vlog_bytes ",
		"polis_storage_failed 0",
		"polis_clock_held 0",
		"polis_disk_low 0",
		"polis_disk_free_bytes ",
		"go_goroutines ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if n := strings.Count(text, "polis_commands_total{"); n > maxCommandLabels*2+1 {
		t.Errorf("%d command series: the label is unbounded", n)
	}
	if !strings.Contains(text, `polis_commands_total{command="other",result="error"}`) {
		t.Error("names past the bound do not fall into other")
	}
}

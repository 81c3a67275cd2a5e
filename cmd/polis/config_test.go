package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// parsed builds serve's flags, parses args and applies the environment and
// config as serve does.
func parsed(t *testing.T, env map[string]string, args ...string) (*pflag.FlagSet, error) {
	t.Helper()
	fs := serveCmd().Flags()
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs, applySettings(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

// values reads flags back as text, lists joined by commas.
func values(fs *pflag.FlagSet, names ...string) string {
	var out []string
	for _, n := range names {
		v := fs.Lookup(n).Value
		if sv, ok := v.(pflag.SliceValue); ok {
			out = append(out, n+"="+strings.Join(sv.GetSlice(), ","))
		} else {
			out = append(out, n+"="+v.String())
		}
	}
	return strings.Join(out, " ")
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "polis.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A flag on the command line wins, then the environment, then the config
// file, then the default.
func TestSettingsPrecedence(t *testing.T) {
	cfg := writeConfig(t, `
data = "/from/config"
listen = "127.0.0.1:1"
checkpoint-every = 7
checkpoint-interval = "3s"
log-level = "warn"
admin-key = ["/a.pub", "/b.pub"]
conn-rate-per-ip = 2.5
idle-timeout = "1h"
`)
	env := map[string]string{"POLIS_LISTEN": "127.0.0.1:2", "POLIS_CHECKPOINT_EVERY": "8", "POLIS_LOG_LEVEL": ""}
	names := []string{"data", "listen", "checkpoint-every", "checkpoint-interval", "log-level", "admin-key", "conn-rate-per-ip", "idle-timeout", "metrics"}
	check := func(env map[string]string, args []string, want string) {
		t.Helper()
		fs, err := parsed(t, env, args...)
		if err != nil {
			t.Fatal(err)
		}
		if got := values(fs, names...); got != want {
			t.Fatalf("args %q env %v:\n got %s\nwant %s", args, env, got, want)
		}
	}
	check(env, []string{"--config", cfg, "--checkpoint-every", "9"},
		"data=/from/config listen=127.0.0.1:2 checkpoint-every=9 checkpoint-interval=3s log-level=warn admin-key=/a.pub,/b.pub conn-rate-per-ip=2.5 idle-timeout=1h0m0s metrics=")
	// No config, no env: the defaults.
	check(nil, nil,
		"data=./polis-data listen=127.0.0.1:23234 checkpoint-every=1000 checkpoint-interval=2s log-level=info admin-key= conn-rate-per-ip=0 idle-timeout=0s metrics=")
	// POLIS_CONFIG names the file too; the command line's admin keys
	// replace the file's.
	check(map[string]string{"POLIS_CONFIG": cfg, "POLIS_METRICS": "9100"}, []string{"--admin-key", "/c.pub"},
		"data=/from/config listen=127.0.0.1:1 checkpoint-every=7 checkpoint-interval=3s log-level=warn admin-key=/c.pub conn-rate-per-ip=2.5 idle-timeout=1h0m0s metrics=9100")
}

func TestSettingsErrors(t *testing.T) {
	cases := []struct {
		config string
		env    map[string]string
		want   string
	}{
		{config: "data = \"x\"\nlisten_addr = \"y\"\n", want: `unknown key "listen_addr"`},
		{config: "config = \"other.toml\"\n", want: `unknown key "config"`},
		{config: "[server]\nlisten = \"y\"\n", want: `unknown key "server"`},
		{config: "checkpoint-every = \"many\"\n", want: "checkpoint-every: want an integer, not many"},
		{config: "checkpoint-interval = 2\n", want: `checkpoint-interval: want a duration string like "2s", not 2`},
		{config: "checkpoint-interval = \"soon\"\n", want: "checkpoint-interval: invalid argument"},
		{config: "listen = [\"a\", \"b\"]\n", want: "listen: want a string, not a list"},
		{config: "admin-key = [1]\n", want: "admin-key: want a string or a list of strings, not 1"},
		{config: "data = \n", want: "toml: line 1"},
		{env: map[string]string{"POLIS_CHECKPOINT_EVERY": "lots"}, want: `POLIS_CHECKPOINT_EVERY="lots"`},
		{env: map[string]string{"POLIS_CONFIG": "/nonexistent/polis.toml"}, want: "config /nonexistent/polis.toml: no such file"},
	}
	for _, c := range cases {
		args := []string{}
		if c.config != "" {
			args = append(args, "--config", writeConfig(t, c.config))
		}
		_, err := parsed(t, c.env, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("config %q env %v: err %v, want one line with %q", c.config, c.env, err, c.want)
		}
	}
}

// Every serve flag is documented with its environment variable, and the
// example config names only real flags.
func TestServeFlagsDocumented(t *testing.T) {
	cmd := serveCmd()
	n := 0
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		n++
		if f.Usage == "" || (!noEnv[f.Name] && !strings.Contains(f.Usage, "(env "+envName(f.Name)+")")) {
			t.Errorf("--%s: usage %q", f.Name, f.Usage)
		}
	})
	if n < 22 {
		t.Fatalf("only %d serve flags", n)
	}
	m, err := readConfig(cmd.Flags(), filepath.Join("..", "..", "contrib", "polis.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 10 {
		t.Fatalf("the example config sets only %d keys", len(m))
	}
	for _, want := range []string{"listen", "data", "metrics", "log-format"} {
		if _, ok := m[want]; !ok {
			t.Errorf("the example config lacks %q", want)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// polis replica init and join: what they write, and one line for each
// bad input, with nothing written.
func TestReplicaInitAndJoin(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "hub")
	k := newKey(t)
	pub := filepath.Join(dir, "alice.pub")
	if err := os.WriteFile(pub, []byte(k.line+" alice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--nodes", "0", "--out", out}, "--nodes must be between 1 and 64"},
		{[]string{"--nodes", "4", "--out", out, "--ssh-port-base", "65530"}, "do not fit below 65536"},
		{[]string{"--nodes", "2", "--out", out, "--admin-key", "ssh-ed25519 garbage"}, "--admin-key line 1"},
		{[]string{"--nodes", "2"}, "--out is required"},
	} {
		_, err := runCLI(append([]string{"replica", "init"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("init %v: %v, want one line with %q", tc.args, err, tc.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Fatalf("init %v wrote %s", tc.args, out)
		}
	}
	text, err := runCLI("replica", "init", "--nodes", "2", "--out", out, "--ssh-port-base", "26001", "--admin-key", pub)
	if err != nil || !strings.Contains(text, "polis serve --data "+filepath.Join(out, "node1")) {
		t.Fatalf("init: %v\n%s", err, text)
	}
	for _, f := range []string{"replica.json", "hub.key", "hub.pub", "cometbft/config/genesis.json", "cometbft/config/priv_validator_key.json"} {
		if _, err := os.Stat(filepath.Join(out, "node1", f)); err != nil {
			t.Errorf("node1: %v", err)
		}
	}
	if _, err := runCLI("replica", "init", "--nodes", "2", "--out", out, "--ssh-port-base", "26001", "--admin-key", pub); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Fatalf("init over an existing hub: %v", err)
	}

	node2 := filepath.Join(out, "node2")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", node2, "--ssh", "127.0.0.1:26010", "--p2p", "127.0.0.1:26011"}, "--from NODE-DIR or --genesis FILE is required"},
		{[]string{"--from", filepath.Join(dir, "nowhere"), "--out", node2, "--ssh", "127.0.0.1:26010", "--p2p", "127.0.0.1:26011"}, "--from"},
		{[]string{"--from", filepath.Join(out, "node0"), "--out", node2}, "needs --out, --ssh, --p2p"},
		{[]string{"--from", filepath.Join(out, "node0"), "--out", filepath.Join(out, "node0"), "--ssh", "127.0.0.1:26010", "--p2p", "127.0.0.1:26011"}, "refusing to overwrite"},
	} {
		if _, err := runCLI(append([]string{"replica", "join"}, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("join %v: %v, want %q", tc.args, err, tc.want)
		}
	}
	text, err = runCLI("replica", "join", "--from", filepath.Join(out, "node0"), "--out", node2, "--ssh", "127.0.0.1:26010", "--p2p", "127.0.0.1:26011", "--name", "node2.polis.local/hub")
	if err != nil || !strings.Contains(text, "--kind validator") || !strings.Contains(text, "--validator-key 'node2.polis.local/hub+") {
		t.Fatalf("join: %v\n%s", err, text)
	}
}

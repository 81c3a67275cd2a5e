package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminKeyLines(t *testing.T) {
	a, b := newKey(t), newKey(t)
	f := filepath.Join(t.TempDir(), "keys.pub")
	os.WriteFile(f, []byte("# stewards\n\n"+a.line+" alice@laptop\n"), 0o600)
	keys, err := adminKeyLines([]string{f}, b.line+" bob\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].name != "alice" || keys[1].name != "bob" || keys[1].key != b.line {
		t.Fatalf("keys %+v", keys)
	}
	if _, err := adminKeyLines(nil, "ssh-ed25519 notbase64"); err == nil || !strings.Contains(err.Error(), "POLIS_INITIAL_ADMIN_KEYS line 1") {
		t.Fatalf("bad env line: %v", err)
	}
	if _, err := adminKeyLines([]string{filepath.Join(t.TempDir(), "missing")}, ""); err == nil {
		t.Fatal("missing file accepted")
	}
}

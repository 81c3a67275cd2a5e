package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"golang.org/x/crypto/ssh"
)

// An export must stand on its signatures: a tail no checkpoint covers
// fails unless --allow-unsealed accepts it, and bytes after the end line
// fail always.
func TestVerifyExportStrict(t *testing.T) {
	st, err := store.Open(store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Submit(ctx, state.SystemActor, state.CreateHub{Name: "strict"}); err != nil {
		t.Fatal(err)
	}
	st.Close() // seals a checkpoint over the event
	st, err = store.Open(store.Options{Dir: st.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k := newKey(t)
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.signer.PublicKey())))
	if _, err := st.Submit(ctx, state.SystemActor, state.AdmitAdmin{Key: pub, Name: "alice"}); err != nil {
		t.Fatal(err)
	}
	h := state.NewHub(st)
	dir := t.TempDir()
	write := func(name string, unsealed bool, extra string) string {
		var b bytes.Buffer
		if err := h.WriteExport(&b, unsealed); err != nil {
			t.Fatal(err)
		}
		b.WriteString(extra)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(args ...string) (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}
	key := st.VerifierKey()
	sealed, full := write("sealed", false, ""), write("full", true, "")
	if out, err := run("verify", "--file", sealed, "--key", key); err != nil || !strings.Contains(out, "verify ok") {
		t.Fatalf("sealed export: %v %s", err, out)
	}
	if _, err := run("verify", "--file", full, "--key", key); err == nil || !strings.Contains(err.Error(), "covered by no signature") {
		t.Fatalf("unsealed tail passed: %v", err)
	}
	out, err := run("verify", "--file", full, "--key", key, "--allow-unsealed")
	if err != nil || !strings.Contains(out, "unauthenticated") {
		t.Fatalf("--allow-unsealed: %v %s", err, out)
	}
	trailing := write("trailing", false, "event 9 2\n{}\n")
	if _, err := run("verify", "--file", trailing, "--key", key); err == nil || !strings.Contains(err.Error(), "after the end line") {
		t.Fatalf("trailing bytes passed: %v", err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func TestVerifyReceipt(t *testing.T) {
	st, err := store.Open(store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Submit(context.Background(), state.SystemActor, state.CreateHub{Name: "r"}); err != nil {
		t.Fatal(err)
	}
	st.Close() // seals a checkpoint over the event
	st, err = store.Open(store.Options{Dir: st.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rc, err := state.NewHub(st).Receipt(0)
	if err != nil || !rc.Sealed {
		t.Fatalf("receipt %+v %v", rc, err)
	}
	b, _ := json.Marshal(rc)
	f := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(f, b, 0o600)
	run := func(args ...string) (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}
	out, err := run("verify", "--receipt", f, "--key", st.VerifierKey())
	if err != nil || !strings.Contains(out, "receipt ok") {
		t.Fatalf("good receipt: %v %s", err, out)
	}
	rc.Event = strings.Replace(rc.Event, `"name":"r"`, `"name":"x"`, 1)
	b, _ = json.Marshal(rc)
	os.WriteFile(f, b, 0o600)
	if _, err := run("verify", "--receipt", f, "--key", st.VerifierKey()); err == nil || !strings.Contains(err.Error(), "receipt FAILED") {
		t.Fatalf("forged receipt: %v", err)
	}
	if _, err := run("verify", "--receipt", f); err == nil {
		t.Fatal("receipt without a key accepted")
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
)

func runCLI(args ...string) (string, error) {
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// civicHub makes a stopped hub with a charter, members, a proposal, a
// space and a contribution, and returns its data dir and census JSON.
func civicHub(t *testing.T) (dir string, censusJSON []byte) {
	dir = t.TempDir()
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	h := state.NewHub(st)
	ctx := context.Background()
	must := func(a state.Actor, c state.Command) {
		t.Helper()
		if _, err := h.Submit(ctx, a, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	actor := func() state.Actor {
		k := newKey(t)
		pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.signer.PublicKey())))
		return state.Actor{Key: pub, Fingerprint: ssh.FingerprintSHA256(k.signer.PublicKey())}
	}
	must(state.SystemActor, state.CreateHub{Name: "Casa Comum"})
	alice := actor()
	must(state.SystemActor, state.AdmitAdmin{Key: alice.Key, Name: "alice"})
	must(alice, state.SetCharter{Text: "# Charter\n\nWe share and decide together."})
	for i := 0; i < 3; i++ {
		code, _, err := h.CreateInviteCode(ctx, alice, 1, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		a := actor()
		must(a, state.Join{CodeHash: state.HashCode(code), Name: string(rune('b' + i)), Consent: 1})
		must(a, state.SetCountry{Country: "PT"})
	}
	must(alice, state.AddSpace{Space: state.Space{Name: "Loft", City: "Lisbon", Country: "PT", Beds: 3, TZ: "UTC"}})
	must(alice, state.Contribute{Asset: "EUR", Amount: 12000})
	must(alice, state.NewProposal{Kind: state.KindText, Title: "Paint the loft"})
	st.Close() // seals the last checkpoint
	st, err = store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c, err := state.NewHub(st).Census(false)
	st.Close()
	if err != nil || c.At == nil {
		t.Fatalf("census %+v %v", c, err)
	}
	censusJSON, _ = json.Marshal(c)
	return dir, censusJSON
}

func TestDossierSignedAndVerified(t *testing.T) {
	dir, _ := civicHub(t)
	out := filepath.Join(t.TempDir(), "dossier")
	msg, err := runCLI("dossier", "--data", dir, "--out", out)
	if err != nil {
		t.Fatalf("dossier: %v %s", err, msg)
	}
	md, _ := os.ReadFile(filepath.Join(out, "dossier.md"))
	for _, want := range []string{"# Casa Comum: recognition dossier", "We share and decide together", "| members | 4 |", "PT 3", "Loft, Lisbon, PT: 3 beds", "120.00 EUR", "0 cases filed"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Fatalf("dossier.md lacks %q:\n%s", want, md)
		}
	}
	key, _ := os.ReadFile(filepath.Join(dir, store.VerifyKey))
	for _, name := range []string{"dossier.md", "dossier.json"} {
		f := filepath.Join(out, name)
		if msg, err := runCLI("verify", "--dossier", f, "--key", string(key)); err != nil || !strings.Contains(msg, "dossier ok") {
			t.Fatalf("%s: %v %s", name, err, msg)
		}
		b, _ := os.ReadFile(f)
		b[len(b)/2] ^= 1 // one byte
		os.WriteFile(f, b, 0o644)
		if _, err := runCLI("verify", "--dossier", f, "--key", string(key)); err == nil || !strings.Contains(err.Error(), "dossier FAILED") {
			t.Fatalf("%s changed by one byte still verifies: %v", name, err)
		}
	}
	// Another key does not verify it.
	other, err := store.Open(store.Options{Dir: t.TempDir(), Origin: "polis.local/hub"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := runCLI("verify", "--dossier", filepath.Join(out, "dossier.md"), "--key", other.VerifierKey()); err == nil {
		t.Fatal("dossier verified under another hub's key")
	}
}

func TestVerifyCensus(t *testing.T) {
	dir, published := civicHub(t)
	f := filepath.Join(t.TempDir(), "census.json")
	os.WriteFile(f, published, 0o600)
	if msg, err := runCLI("verify", "--data", dir, "--census-file", f); err != nil || !strings.Contains(msg, "census ok") {
		t.Fatalf("published census: %v %s", err, msg)
	}
	msg, err := runCLI("verify", "--data", dir, "--census")
	if err != nil || !strings.Contains(msg, `"members": 4`) {
		t.Fatalf("--census: %v %s", err, msg)
	}
	forged := bytes.Replace(published, []byte(`"members":4`), []byte(`"members":40`), 1)
	os.WriteFile(f, forged, 0o600)
	if _, err := runCLI("verify", "--data", dir, "--census-file", f); err == nil || !strings.Contains(err.Error(), "published members differs") {
		t.Fatalf("forged census: %v", err)
	}
}

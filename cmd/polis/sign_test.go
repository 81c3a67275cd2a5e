package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// TestSignAct: what polis sign makes over --print-act's bytes is a vote
// the hub takes, and ssh-keygen -Y verify accepts it too.
func TestSignAct(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(block)
	signer, _ := gossh.ParsePrivateKey(keyPEM)
	me := state.Actor{Key: state.KeyString(signer.PublicKey()), Fingerprint: state.Fingerprint(signer.PublicKey())}

	const origin = "sign.test/hub"
	m, err := state.NewMemory(state.MemoryOptions{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	hub, ctx := state.NewHub(m), context.Background()
	for _, c := range []state.Command{state.CreateHub{Name: "Sign"}, state.NameOrigin{Origin: origin}, state.AdmitAdmin{Key: me.Key, Name: "me"}} {
		if _, err := hub.Submit(ctx, state.SystemActor, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := hub.Submit(ctx, me, state.NewProposal{Kind: state.KindText, Title: "Sign"}); err != nil {
		t.Fatal(err)
	}
	vote := state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}}
	act, err := hub.ActToSign(me, m.Now().UnixMilli(), vote)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signAct(act, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	vote.Sig = string(sig)
	evs, err := hub.Submit(ctx, me, vote)
	if err != nil || !state.IsMemberSigned(evs[0].Body) {
		t.Fatalf("the hub refuses polis sign's signature: %v", err)
	}

	if keygen, err := exec.LookPath("ssh-keygen"); err == nil {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "sig"), sig, 0o600)
		os.WriteFile(filepath.Join(dir, "allowed"), []byte("me "+me.Key+"\n"), 0o600)
		cmd := exec.Command(keygen, "-Y", "verify", "-f", filepath.Join(dir, "allowed"), "-I", "me", "-n", "polis@"+origin, "-s", filepath.Join(dir, "sig"))
		cmd.Stdin = strings.NewReader(string(act))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen -Y verify: %v %s", err, out)
		}
	} else {
		t.Log("ssh-keygen not installed: skipped checking polis sign's output with OpenSSH")
	}

	// Bad input: one line each.
	enc, _ := gossh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	for name, c := range map[string]struct {
		act, key []byte
		want     string
	}{
		"not an act":   {[]byte("hello\n"), keyPEM, "not the bytes of a polis act"},
		"no newline":   {act[:len(act)-1], keyPEM, "not the bytes of a polis act"},
		"bad origin":   {[]byte("polis act 1\norigin a b\n"), keyPEM, "origin"},
		"not a key":    {act, []byte("nope"), "key:"},
		"a passphrase": {act, pem.EncodeToMemory(enc), "ssh-keygen -Y sign -n polis@" + origin},
	} {
		_, err := signAct(c.act, c.key)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", name, err, c.want)
		}
	}
}

// TestVerifyCountsSignedActs: polis verify on the signed conformance
// vector reports its member-signed acts, and refuses the forged ones.
func TestVerifyCountsSignedActs(t *testing.T) {
	var expect struct {
		Key string `json:"key"`
	}
	b, err := os.ReadFile("../../testdata/conformance/valid/signed/expect.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &expect); err != nil {
		t.Fatal(err)
	}
	run := func(file string) (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs([]string{"verify", "--file", file, "--key", expect.Key})
		err := cmd.Execute()
		return out.String(), err
	}
	out, err := run("../../testdata/conformance/valid/signed/log.polis")
	if err != nil || !strings.Contains(out, "member-signed: 11 acts") {
		t.Fatalf("verify of the signed vector: %v\n%s", err, out)
	}
	for _, bad := range []string{"sig-other-key", "sig-required-unsigned", "sig-other-origin"} {
		if _, err := run("../../testdata/conformance/invalid/" + bad + ".polis"); err == nil {
			t.Errorf("%s: verify ok", bad)
		}
	}
}

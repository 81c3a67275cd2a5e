package ssh

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestOfferedKeyOpenSSH replays CVE-2023-43809 exactly as an attacker would
// with a stock client: OpenSSH offers alice's public key (it has only
// alice.pub), the server says it would accept it, OpenSSH finds no private
// key and moves on to mallory's. The session must be mallory's.
func TestOfferedKeyOpenSSH(t *testing.T) {
	sshBin, err := osexec.LookPath("ssh")
	if err != nil {
		t.Skip("no OpenSSH client installed")
	}
	hub := newHub(t)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	admit(t, hub, alice, "alice")
	before := hub.Store().StateDigest()

	dir := t.TempDir()
	_, mpriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(mpriv, "")
	if err != nil {
		t.Fatal(err)
	}
	mallorySigner, _ := gossh.NewSignerFromKey(mpriv)
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	alicePub := write("alice.pub", alice.authorizedKey()+" alice\n")
	malloryKey := write("mallory", string(pem.EncodeToMemory(block)))
	host, port, _ := net.SplitHostPort(ts.addr)

	run := func(cmd string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c := osexec.CommandContext(ctx, sshBin, "-F", "/dev/null", "-p", port,
			"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
			"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-v",
			"-o", "PreferredAuthentications=publickey",
			"-i", alicePub, "-i", malloryKey, "-T", "mallory@"+host, cmd)
		var stdout, stderr strings.Builder
		c.Stdout, c.Stderr, c.Stdin = &stdout, &stderr, strings.NewReader("")
		err := c.Run()
		return stdout.String(), stderr.String(), err
	}
	out, errOut, err := run("whoami --json")
	if err != nil {
		t.Fatalf("ssh: %v: %s", err, errOut)
	}
	// The attack only means something if alice's key was really offered
	// and the server said it would take it.
	if !strings.Contains(errOut, "Server accepts key: "+alicePub) {
		t.Fatalf("OpenSSH never offered alice's key:\n%s", errOut)
	}
	if !strings.Contains(out, `"visitor":true`) || !strings.Contains(out, fingerprintOf(mallorySigner)) {
		t.Fatalf("impostor is not mallory: %q", out)
	}
	for _, c := range []string{"members", "invite create", "rename pwned", "role grant 1 moderator"} {
		if _, errOut, err := run(c); err == nil || !strings.Contains(errOut, "members only") {
			t.Errorf("impostor %q: err %v, stderr %q", c, err, errOut)
		}
	}
	if hub.Store().StateDigest() != before {
		t.Fatal("impostor changed state")
	}
}

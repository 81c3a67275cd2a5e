package ssh

import (
	"context"
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

// opensshOffer runs cmd with a stock OpenSSH client that holds only
// victim's public key (no private key) and attacker's full key pair, in that
// order: OpenSSH offers victim's key, the server says it would take it,
// OpenSSH finds no private key and authenticates with attacker's. This is
// CVE-2023-43809 as an attacker would run it. offered reports whether the
// server really accepted the victim's key offer.
func opensshOffer(t testing.TB, addr string, attackerKey []byte, victim *user, cmd string) (stdout, stderr string, offered bool, err error) {
	sshBin, err := osexec.LookPath("ssh")
	if err != nil {
		t.Skip("no OpenSSH client installed")
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	victimPub := write("victim.pub", []byte(victim.authorizedKey()+" victim\n"))
	attacker := write("attacker", attackerKey)
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := osexec.CommandContext(ctx, sshBin, "-F", "/dev/null", "-p", port, "-v",
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "PreferredAuthentications=publickey",
		"-i", victimPub, "-i", attacker, "-T", "x@"+host, cmd)
	var o, e strings.Builder
	c.Stdout, c.Stderr, c.Stdin = &o, &e, strings.NewReader("")
	err = c.Run()
	return o.String(), e.String(), strings.Contains(e.String(), "Server accepts key: "+victimPub), err
}

// privateKeyPEM is u's private key in OpenSSH form.
func (u *user) privateKeyPEM(t testing.TB) []byte {
	block, err := gossh.MarshalPrivateKey(u.priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

func TestOfferedKeyOpenSSH(t *testing.T) {
	hub := newHub(t)
	ts := startServer(t, hub)
	alice, mallory := newUser(t, "alice"), newUser(t, "mallory")
	admit(t, hub, alice, "alice")
	before := hub.StateDigest()

	out, errOut, offered, err := opensshOffer(t, ts.addr, mallory.privateKeyPEM(t), alice, "whoami --json")
	if err != nil {
		t.Fatalf("ssh: %v: %s", err, errOut)
	}
	// The attack only means something if alice's key was really offered.
	if !offered {
		t.Fatalf("OpenSSH never offered alice's key:\n%s", errOut)
	}
	if !strings.Contains(out, `"visitor":true`) || !strings.Contains(out, mallory.fingerprint()) {
		t.Fatalf("impostor is not mallory: %q", out)
	}
	for _, c := range []string{"members", "invite create", "rename pwned", "role grant 1 moderator"} {
		if _, errOut, _, err := opensshOffer(t, ts.addr, mallory.privateKeyPEM(t), alice, c); err == nil || !strings.Contains(errOut, "members only") {
			t.Errorf("impostor %q: err %v, stderr %q", c, err, errOut)
		}
	}
	if hub.StateDigest() != before {
		t.Fatal("impostor changed state")
	}
}

package ssh

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// execWithAgent runs a command line as signer, forwarding keyring as the
// agent (ssh -A) when it is not nil.
func execWithAgent(t *testing.T, addr string, signer gossh.Signer, keyring agent.Agent, cmdline string) result {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if keyring != nil {
		if err := agent.ForwardToAgent(c, keyring); err != nil {
			t.Fatal(err)
		}
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if keyring != nil {
		if err := agent.RequestAgentForwarding(sess); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	err = sess.Run(cmdline)
	code := 0
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	case err != nil:
		t.Fatal(err)
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// TestVoteSignWithAgent: `vote --sign` over a forwarded agent signs
// exactly the act, shows it, and the vote is member-signed; no agent, an
// agent without the member's key or a locked one: one line, nothing done.
func TestVoteSignWithAgent(t *testing.T) {
	hub := newHub(t)
	hubtest.NameOrigin(t, hub)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	hubtest.Admit(t, hub, alice.kit(), "alice")
	hubtest.SubmitAs(t, hub, alice.kit(), state.NewProposal{Kind: state.KindText, Title: "Agents"})

	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: alice.priv}); err != nil {
		t.Fatal(err)
	}
	size := hub.Size()
	for name, ag := range map[string]agent.Agent{"no agent": nil, "a stranger's key": strangerKeyring(t), "a locked agent": lockedKeyring(t, alice.priv)} {
		r := execWithAgent(t, ts.addr, alice.signer, ag, "vote 1 yes --sign")
		checkFailure(t, name, r)
		if hub.Size() != size {
			t.Fatalf("%s: a refused --sign wrote events", name)
		}
	}
	r := execWithAgent(t, ts.addr, alice.signer, keyring, "vote 1 yes --sign")
	if r.code != 0 || !strings.Contains(r.stdout, "signed with your key") || !strings.Contains(r.stderr, "target proposal 1") {
		t.Fatalf("vote --sign: %+v", r)
	}
	if r := execWithAgent(t, ts.addr, alice.signer, keyring, "vote 1 no --sign --sig -"); r.code == 0 {
		t.Fatal("--sign with --sig accepted")
	}
	var rc state.Receipt
	rc, err := hub.Receipt(hub.Size() - 1)
	if err != nil || !rc.MemberSigned {
		t.Fatalf("the agent's vote is not member-signed: %+v %v", rc, err)
	}
}

func strangerKeyring(t *testing.T) agent.Agent {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	k := agent.NewKeyring()
	if err := k.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	return k
}

func lockedKeyring(t *testing.T, priv ed25519.PrivateKey) agent.Agent {
	k := agent.NewKeyring()
	if err := k.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	if err := k.Lock([]byte("pass")); err != nil {
		t.Fatal(err)
	}
	return k
}

// TestVoteSignOpenSSHAgent: a stock OpenSSH client with ssh -A and a real
// ssh-agent holding the member's key casts a member-signed vote with
// --sign.
func TestVoteSignOpenSSHAgent(t *testing.T) {
	var bins []string
	for _, b := range []string{"ssh", "ssh-agent", "ssh-add"} {
		p, err := osexec.LookPath(b)
		if err != nil {
			t.Skipf("OpenSSH's %s is not installed: the ssh -A test needs it", b)
		}
		bins = append(bins, p)
	}
	hub := newHub(t)
	hubtest.NameOrigin(t, hub)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	hubtest.Admit(t, hub, alice.kit(), "alice")
	hubtest.SubmitAs(t, hub, alice.kit(), state.NewProposal{Kind: state.KindText, Title: "OpenSSH"})

	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	key := filepath.Join(dir, "id")
	if err := os.WriteFile(key, alice.privateKeyPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	ag := osexec.Command(bins[1], "-D", "-a", sock)
	if err := ag.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ag.Process.Kill(); ag.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 500 {
			t.Fatal("ssh-agent made no socket")
		}
		time.Sleep(10 * time.Millisecond)
	}
	add := osexec.Command(bins[2], key)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v %s", err, out)
	}
	host, port, _ := net.SplitHostPort(ts.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := osexec.CommandContext(ctx, bins[0], "-F", "/dev/null", "-p", port, "-A",
		"-o", "BatchMode=yes", "-o", "IdentityAgent="+sock,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-T", "x@"+host, "vote 1 yes --sign")
	var o, e strings.Builder
	c.Stdout, c.Stderr, c.Stdin = &o, &e, strings.NewReader("")
	if err := c.Run(); err != nil || !strings.Contains(o.String(), "signed with your key") {
		t.Fatalf("ssh -A vote --sign: %v\n%s\n%s", err, o.String(), e.String())
	}
	rc, err := hub.Receipt(hub.Size() - 1)
	if err != nil || !rc.MemberSigned {
		t.Fatalf("not member-signed: %+v %v", rc, err)
	}
}

// countingAgent counts the signatures an agent makes.
type countingAgent struct {
	agent.Agent
	mu    sync.Mutex
	signs int
}

func (c *countingAgent) Sign(key gossh.PublicKey, data []byte) (*gossh.Signature, error) {
	c.mu.Lock()
	c.signs++
	c.mu.Unlock()
	return c.Agent.Sign(key, data)
}

func (c *countingAgent) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.signs
}

// TestAppSignsWithForwardedAgent: in the app, over a real SSH connection
// with the member's agent forwarded (ssh -A), a vote is signed by that
// agent, once, and the app marks it.
func TestAppSignsWithForwardedAgent(t *testing.T) {
	hub := newHub(t)
	hubtest.NameOrigin(t, hub)
	ts := startServer(t, hub)
	alice := newUser(t, "alice")
	hubtest.Admit(t, hub, alice.kit(), "alice")
	hubtest.SubmitAs(t, hub, alice.kit(), state.NewProposal{Kind: state.KindText, Title: "Agents in the app"})
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: alice.priv}); err != nil {
		t.Fatal(err)
	}
	ag := &countingAgent{Agent: keyring}

	p := openPTYAgent(t, ts.addr, alice.signer, ag, 100, 30, nil)
	p.waitScreen("alice")
	p.send("2")
	p.waitScreen("Agents in the app")
	p.send("\r")
	p.waitScreen("You have not voted")
	p.send("y")
	p.waitScreen("your vote: yes · signed by your key")
	if n := ag.count(); n != 1 {
		t.Fatalf("the agent signed %d times, want 1", n)
	}
	rc, err := hub.Receipt(hub.Size() - 1)
	if err != nil || !rc.MemberSigned {
		t.Fatalf("the app's vote is not member-signed: %+v %v", rc, err)
	}
}

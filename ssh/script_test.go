package ssh

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

// scriptState is one script's hub, server and people.
type scriptState struct {
	hub    *state.Hub
	ts     *testServer
	users  map[string]*user
	last   string // stdout of the last member command
	digest [32]byte
}

var people = []string{"alice", "bob", "carol", "mallory"}

// TestScript runs the stories in testdata/script. Each script gets a fresh
// hub and server, a key per person, and these commands:
//
//	alice [-stdin=FILE] ARGS...   run a command as alice (bob, carol, mallory)
//	impostor ATTACKER VICTIM ARGS  offer VICTIM's key, sign with ATTACKER's
//	capture VAR                   set $VAR to the last line of the last stdout
//	snapshot / unchanged          save / compare the state digest
//	password-login, kbdint-login  try the refused auth methods
//
// and $FOUNDER (a founder code), $ALICE_KEY, $ALICE_FP, $ALICE_FP_RE (for
// stdout patterns) etc., $ESC and $BEL.
// A failing member command must print exactly one 'polis: ' line.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// The shim testscript passes embeds the script's *testing.T.
			t := env.T().(testing.TB)
			st := &scriptState{hub: newHub(t), users: map[string]*user{}}
			st.ts = startServer(t, st.hub)
			code, err := st.hub.IssueFounderCode(context.Background())
			if err != nil {
				return err
			}
			env.Setenv("FOUNDER", code)
			env.Setenv("ESC", "\x1b")
			env.Setenv("BEL", "\x07")
			for _, p := range people {
				u := newUser(t, p)
				st.users[p] = u
				env.Setenv(strings.ToUpper(p)+"_KEY", u.authorizedKey())
				env.Setenv(strings.ToUpper(p)+"_FP", u.fingerprint())
				// Fingerprints hold '+' and '/': match them with _FP_RE.
				env.Setenv(strings.ToUpper(p)+"_FP_RE", regexp.QuoteMeta(u.fingerprint()))
			}
			env.Values["st"] = st
			env.Values["t"] = t
			return nil
		},
		Cmds: scriptCmds(),
	})
}

func scriptCmds() map[string]func(*testscript.TestScript, bool, []string) {
	cmds := map[string]func(*testscript.TestScript, bool, []string){
		"impostor": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			if len(args) < 3 {
				ts.Fatalf("usage: impostor ATTACKER VICTIM ARGS...")
			}
			att, vic := st.users[args[0]], st.users[args[1]]
			signers := []gossh.Signer{impostor{victim: vic.signer.PublicKey(), own: att.signer}, att.signer}
			r, err := tryExec(st.ts.addr, signers, cmdline(args[2:]...))
			if err != nil {
				// Refused at authentication: the attack got nowhere.
				fmt.Fprintf(ts.Stderr(), "connection refused: %v\n", err)
				if !neg {
					ts.Fatalf("impostor refused at authentication: %v", err)
				}
				return
			}
			report(ts, neg, st, r)
		},
		"openssh-impostor": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			if len(args) < 3 {
				ts.Fatalf("usage: openssh-impostor ATTACKER VICTIM ARGS...")
			}
			att, vic := st.users[args[0]], st.users[args[1]]
			t := ts.Value("t").(testing.TB)
			stdout, stderr, offered, err := opensshOffer(t, st.ts.addr, att.privateKeyPEM(t), vic, cmdline(args[2:]...))
			if !offered {
				ts.Fatalf("OpenSSH never offered %s's key:\n%s", args[1], stderr)
			}
			st.last = stdout
			fmt.Fprint(ts.Stdout(), stdout)
			// Only the server's lines: OpenSSH's debug output is noise here.
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "polis: ") {
					fmt.Fprintln(ts.Stderr(), l)
				}
			}
			if (err != nil) != neg {
				ts.Fatalf("ssh: %v (neg %v)", err, neg)
			}
		},
		"capture": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			if neg || len(args) != 1 {
				ts.Fatalf("usage: capture VAR")
			}
			ts.Setenv(args[0], lastLine(st.last))
		},
		"snapshot": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			st.digest = st.hub.StateDigest()
		},
		"unchanged": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			if changed := st.hub.StateDigest() != st.digest; changed != neg {
				ts.Fatalf("state changed: %v, want %v", changed, neg)
			}
		},
		"password-login": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			loginWith(ts, neg, st, gossh.Password("hunter2"))
		},
		"kbdint-login": func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			loginWith(ts, neg, st, gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
				return nil, nil
			}))
		},
	}
	for _, p := range people {
		cmds[p] = func(ts *testscript.TestScript, neg bool, args []string) {
			st := ts.Value("st").(*scriptState)
			stdin := ""
			if len(args) > 0 && strings.HasPrefix(args[0], "-stdin=") {
				stdin = ts.ReadFile(strings.TrimPrefix(args[0], "-stdin="))
				args = args[1:]
			}
			r, err := tryExecIn(st.ts.addr, []gossh.Signer{st.users[p].signer}, cmdline(args...), stdin)
			if err != nil {
				ts.Fatalf("%s: %v", p, err)
			}
			report(ts, neg, st, r)
		}
	}
	return cmds
}

func report(ts *testscript.TestScript, neg bool, st *scriptState, r result) {
	st.last = r.stdout
	fmt.Fprint(ts.Stdout(), r.stdout)
	fmt.Fprint(ts.Stderr(), r.stderr)
	if r.code != 0 {
		if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "polis: ") || r.code != 1 {
			ts.Fatalf("failure is not exit 1 with one 'polis: ' line: exit %d, %q", r.code, r.stderr)
		}
		if strings.ContainsAny(r.stderr, "\x1b\x07") {
			ts.Fatalf("error carries control characters: %q", r.stderr)
		}
	}
	switch {
	case neg && r.code == 0:
		ts.Fatalf("unexpected success")
	case !neg && r.code != 0:
		ts.Fatalf("exit status %d", r.code)
	}
}

func loginWith(ts *testscript.TestScript, neg bool, st *scriptState, m gossh.AuthMethod) {
	c, err := dial(st.ts.addr, m)
	if err == nil {
		c.Close()
		if neg {
			ts.Fatalf("login succeeded")
		}
		return
	}
	fmt.Fprintln(ts.Stderr(), err)
	if !neg {
		ts.Fatalf("login failed: %v", err)
	}
}

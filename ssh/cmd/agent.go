package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/polis-hub/polis/state"
)

// AgentFunc opens the member's forwarded SSH agent (ssh -A) for one act;
// closing it ends the hub's use of the agent, so the hub never keeps it
// beyond the act.
type AgentFunc func() (agent.Agent, io.Closer, error)

type agentKey struct{}

// WithAgent gives the commands run under ctx the member's forwarded agent.
func WithAgent(ctx context.Context, f AgentFunc) context.Context {
	return context.WithValue(ctx, agentKey{}, f)
}

// signWithAgent asks the caller's forwarded agent to sign exactly the
// bytes of command's act, with the key they logged in with (or another key
// they hold), after showing them on stderr.
func (c *cli) signWithAgent(cmd *cobra.Command, command state.Command) (string, error) {
	open, _ := cmd.Context().Value(agentKey{}).(AgentFunc)
	if open == nil {
		return "", errors.New("--sign needs your SSH agent: connect with ssh -A (or sign locally: --print-act, then --sig -)")
	}
	act, err := c.hub.ActToSign(c.who.Actor(), time.Now().UnixMilli(), command)
	if err != nil {
		return "", err
	}
	show := func(fp string) {
		fmt.Fprintf(cmd.ErrOrStderr(), "Asking your agent to sign, with %s:\n", fp)
		for _, l := range strings.Split(strings.TrimSuffix(string(act), "\n"), "\n") {
			fmt.Fprintf(cmd.ErrOrStderr(), "  %s\n", line(l))
		}
	}
	return agentSign(cmd.Context(), open, c.who.Fingerprint, keysOf(c.me()), act, show)
}

// AgentSigner signs a member's acts in the app with their forwarded agent
// (ssh -A): each call opens the agent for that act and closes it before
// returning, so the hub never keeps it. who is the session's key.
func AgentSigner(hub *state.Hub, who Identity, open AgentFunc) func(ctx context.Context, act []byte) (string, error) {
	return func(ctx context.Context, act []byte) (string, error) {
		var held []string
		err := hub.View(func(r state.Reader) error {
			if m, ok := state.MemberByFingerprint(r, who.Fingerprint); ok {
				held = keysOf(m)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		return agentSign(ctx, open, who.Fingerprint, held, act, nil)
	}
}

func keysOf(m state.Member) []string {
	fps := make([]string, len(m.Keys))
	for i, k := range m.Keys {
		fps[i] = k.Fingerprint
	}
	return fps
}

// agentSign signs act with the agent open reaches: the one path of --sign
// and the app. show, if not nil, is told the key before the agent is asked.
// The agent's channel closes when this returns, or when ctx ends first (a
// session closing while the agent waits for its owner).
func agentSign(ctx context.Context, open AgentFunc, loggedIn string, held []string, act []byte, show func(fingerprint string)) (string, error) {
	origin, err := state.ActOrigin(act)
	if err != nil {
		return "", err
	}
	ag, closer, err := open()
	if err != nil {
		return "", fmt.Errorf("your SSH agent cannot be reached (%v): nothing was done", oneLine(err))
	}
	defer closer.Close()
	stop := context.AfterFunc(ctx, func() { closer.Close() })
	defer stop()
	signer, err := agentKeyFor(ag, loggedIn, held)
	if err != nil {
		return "", err
	}
	if show != nil {
		show(state.Fingerprint(signer.PublicKey()))
	}
	sig, err := sshsig.Sign(bytes.NewReader(act), signer, sshsig.HashSHA512, state.SigNamespace(origin))
	if err != nil {
		return "", fmt.Errorf("your SSH agent did not sign (%v): nothing was done", oneLine(err))
	}
	return string(sshsig.Armor(sig)), nil
}

// agentKeyFor picks the agent's key to sign with: the one the member
// logged in with, else the first other key they hold.
func agentKeyFor(ag agent.Agent, loggedIn string, held []string) (gossh.Signer, error) {
	signers, err := ag.Signers()
	if err != nil {
		return nil, fmt.Errorf("your SSH agent did not list its keys (%v): nothing was done", oneLine(err))
	}
	var other gossh.Signer
	for _, s := range signers {
		fp := state.Fingerprint(s.PublicKey())
		if fp == loggedIn {
			return s, nil
		}
		if other == nil && slices.Contains(held, fp) {
			other = s
		}
	}
	if other == nil {
		return nil, errors.New("your SSH agent holds none of your keys: nothing was done")
	}
	return other, nil
}

func oneLine(err error) string { return line(strings.ReplaceAll(err.Error(), "\n", " ")) }

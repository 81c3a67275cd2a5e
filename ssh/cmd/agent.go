package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	origin, err := state.ActOrigin(act)
	if err != nil {
		return "", err
	}
	ag, closer, err := open()
	if err != nil {
		return "", fmt.Errorf("your SSH agent cannot be reached (%v): nothing was done", err)
	}
	defer closer.Close()
	signer, err := c.agentKey(ag)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Asking your agent to sign, with %s:\n", state.Fingerprint(signer.PublicKey()))
	for _, l := range strings.Split(strings.TrimSuffix(string(act), "\n"), "\n") {
		fmt.Fprintf(cmd.ErrOrStderr(), "  %s\n", line(l))
	}
	sig, err := sshsig.Sign(bytes.NewReader(act), signer, sshsig.HashSHA512, state.SigNamespace(origin))
	if err != nil {
		return "", fmt.Errorf("your SSH agent did not sign (%v): nothing was done", oneLine(err))
	}
	return string(sshsig.Armor(sig)), nil
}

// agentKey picks the agent's key to sign with: the one the caller logged
// in with, else the first other key they hold.
func (c *cli) agentKey(ag agent.Agent) (gossh.Signer, error) {
	signers, err := ag.Signers()
	if err != nil {
		return nil, fmt.Errorf("your SSH agent did not list its keys (%v): nothing was done", oneLine(err))
	}
	me := c.me()
	var other gossh.Signer
	for _, s := range signers {
		fp := state.Fingerprint(s.PublicKey())
		if fp == c.who.Fingerprint {
			return s, nil
		}
		if other == nil {
			for _, k := range me.Keys {
				if k.Fingerprint == fp {
					other = s
				}
			}
		}
	}
	if other == nil {
		return nil, errors.New("your SSH agent holds none of your keys: nothing was done")
	}
	return other, nil
}

func oneLine(err error) string { return line(strings.ReplaceAll(err.Error(), "\n", " ")) }

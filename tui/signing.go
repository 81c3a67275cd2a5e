package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
)

// Member-signed acts in the app (README "Signing what you do"). When the
// member connected with ssh -A, an act they may sign (a vote, a consent, a
// co-signature, a booking, leaving) goes in two steps: its exact bytes are
// read and put on screen, then the member's own agent is asked to sign
// them and the signed act is submitted. Without an agent the act is made
// unsigned, which Apply refuses where the rules require a signature.

// Signer asks the member's own SSH agent to sign exactly act, returning
// the armoured SSHSIG signature. The SSH layer opens the agent for the
// one act and closes it before returning; ctx ends the wait.
type Signer func(ctx context.Context, act []byte) (armour string, err error)

// WithSigner gives the app the member's forwarded agent (ssh -A); without
// it (nil) acts are made unsigned where the rules allow.
func WithSigner(s Signer) Option {
	return func(o *options) { o.signer = s }
}

// signTimeout bounds the wait for the agent, which may ask its owner to
// confirm (ssh-add -c): longer than a submit, not for ever.
const signTimeout = 2 * time.Minute

// signMsg: the act's bytes are read; the app shows them and asks the
// agent to sign.
type signMsg struct {
	tag, ok string
	cmd     state.Command
	act     []byte
}

// submitter is what a submit needs, copied off the update loop.
type submitter struct {
	hub     *state.Hub
	ctx     context.Context
	actor   state.Actor
	timeout time.Duration
	agent   bool
}

func (c *common) submitter() submitter {
	return submitter{hub: c.hub, ctx: c.ctx, actor: c.actor(), timeout: c.timeout, agent: c.signer != nil}
}

// submit runs cmd and reports it as a resultMsg: the one place the app
// submits, signed or not.
func (s submitter) submit(tag, ok string, cmd state.Command) resultMsg {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	evs, err := s.hub.Submit(ctx, s.actor, cmd)
	var req *state.SigRequiredError
	if !s.agent && errors.As(err, &req) {
		err = fmt.Errorf("%s: reconnect with ssh -A, your key in your agent, to sign it here", req.What)
	}
	_, theme := cmd.(state.ChooseTheme)
	return resultMsg{ok: ok, err: err, theme: theme, tag: tag, events: evs}
}

// submitCmd submits cmd off the update loop: Submit waits for fsync, and a
// slow disk must not freeze the screen.
func (c *common) submitCmd(tag, ok string, cmd state.Command) tea.Cmd {
	s := c.submitter()
	return func() tea.Msg { return s.submit(tag, ok, cmd) }
}

// prepareSigned reads the bytes of cmd's act for the agent to sign. An act
// that cannot be signed as it stands (refused, or a log that names no
// origin yet) is submitted as it is: Submit says why it is refused, or
// makes it unsigned.
func (c *common) prepareSigned(tag, ok string, cmd state.Command) tea.Cmd {
	s, now := c.submitter(), c.now().UnixMilli()
	return func() tea.Msg {
		act, err := s.hub.ActToSign(s.actor, now, cmd)
		if err != nil {
			return s.submit(tag, ok, cmd)
		}
		return signMsg{tag: tag, ok: ok, cmd: cmd, act: act}
	}
}

// signAndSubmit asks the agent to sign exactly msg.act, then submits the
// act with that signature. A refusal makes nothing.
func (c *common) signAndSubmit(msg signMsg) tea.Cmd {
	sign, s := c.signer, c.submitter()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(s.ctx, signTimeout)
		sig, err := sign(ctx, msg.act)
		cancel()
		if err != nil {
			return resultMsg{tag: msg.tag, err: err}
		}
		signed, _ := state.WithActSig(msg.cmd, sig)
		return s.submit(msg.tag, msg.ok+" · signed by your key", signed)
	}
}

// signingFrame is the whole frame while the agent signs: the act, and a
// last line saying what the app waits for.
func (a *App) signingFrame() string {
	name := ""
	if a.c.snap != nil {
		name = line(a.c.snap.me.Name)
	}
	foot := a.c.theme.Subtle.Render(clip(name+" · waiting for your SSH agent to sign · ctrl+c quits", a.width))
	if a.height < 2 {
		return fit(foot, a.width, a.height)
	}
	return fit(a.signingView(), a.width, a.height-1) + "\n" + foot
}

// signingView is the screen while the agent signs: exactly the bytes it
// is asked to sign, every line whole (wrapped, never cut).
func (a *App) signingView() string {
	t := a.c.theme
	w := max(min(a.width-2, 100), 8)
	var b strings.Builder
	b.WriteString(t.Heading.Render("Signing with your SSH key") + "\n\n")
	b.WriteString(t.Text.Render(wrap("Your SSH agent (ssh -A) is asked to sign exactly these bytes; nothing is done unless it signs:", w)) + "\n\n")
	for _, l := range strings.Split(strings.TrimSuffix(string(a.signing.act), "\n"), "\n") {
		b.WriteString(indent(t.Accent.Render(ansi.Hardwrap(line(l), w-2, false)), 2) + "\n")
	}
	b.WriteString("\n" + t.Subtle.Render(wrap("If your agent asks you to confirm, these are the lines it signs. The hub closes its use of your agent after this act.", w)) + "\n")
	return b.String()
}

package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// keysView is the member's SSH keys, as `keys list`, `keys add` and
// `keys remove` show and change them: a key is offered here and added
// once a session holding its private key confirms the code (which proves
// the member holds it), and one is removed on a second press.
type keysView struct {
	cursor int
	adding *form  // the key line and its name, when open
	code   string // the code of the key just offered, shown once
	armed  string // the fingerprint awaiting its second x

	keyUp, keyDown, keyAdd, keyRemove, keyBack key.Binding
}

func newKeysView() *keysView {
	return &keysView{
		keyUp:     bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:   bind([]string{"down", "j"}, "↓/j", "down"),
		keyAdd:    bind([]string{"a"}, "a", "add a key"),
		keyRemove: bind([]string{"x"}, "x", "remove"),
		keyBack:   bind([]string{"esc"}, "esc", "back"),
	}
}

func (kv *keysView) keys() []key.Binding {
	if kv.adding != nil {
		return kv.adding.keys()
	}
	return []key.Binding{kv.keyAdd, kv.keyRemove, kv.keyUp, kv.keyBack}
}

func (s *settings) openKeys() tea.Cmd {
	s.keys = newKeysView()
	return nil
}

func (s *settings) updateKeys(msg tea.Msg) tea.Cmd {
	kv := s.keys
	if kv.adding != nil {
		send, cancel, cmd := kv.adding.update(msg)
		switch {
		case cancel:
			kv.adding = nil
			return nil
		case !send:
			return cmd
		}
		v := kv.adding.values()
		if v[0] == "" {
			s.c.status, s.c.statusErr = "paste the public key, in authorized_keys form (ssh-ed25519 AAAA… name)", true
			return nil
		}
		kv.adding.busy = true
		return s.offerKey(v[0], v[1])
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	mine := s.c.snap.me.Keys
	switch {
	case key.Matches(k, kv.keyBack):
		s.keys = nil
	case key.Matches(k, kv.keyUp):
		kv.cursor = max(kv.cursor-1, 0)
	case key.Matches(k, kv.keyDown):
		kv.cursor = min(kv.cursor+1, max(len(mine)-1, 0))
	case key.Matches(k, kv.keyAdd):
		kv.code = ""
		kv.adding = newForm("Add a key", "",
			field{label: "Public key", placeholder: "ssh-ed25519 AAAA… (the line of its .pub file)", limit: 16 << 10},
			field{label: "Name (optional)", placeholder: "e.g. laptop; its comment if empty", limit: state.MaxKeyNameLen})
		kv.adding.restyle(s.c.theme)
		kv.adding.setWidth(max(min(s.w, 100)-4, 1))
		return kv.adding.start()
	case key.Matches(k, kv.keyRemove) && len(mine) > 0:
		kv.cursor = min(kv.cursor, len(mine)-1)
		fp := mine[kv.cursor].Fingerprint
		if kv.armed != fp {
			kv.armed = fp
			s.c.status, s.c.statusErr = "press x again to remove key "+line(fp), false
			return nil
		}
		kv.armed = ""
		return s.c.submit("removed key "+line(fp), state.RemoveKey{Ref: fp})
	}
	if !key.Matches(k, kv.keyRemove) {
		kv.armed = ""
	}
	return nil
}

// offerKey offers a key as `keys add` does; the code comes back in a
// result for this screen.
func (s *settings) offerKey(keyLine, name string) tea.Cmd {
	hub, ctx, actor, timeout := s.c.hub, s.c.ctx, s.c.actor(), s.c.timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		code, o, err := hub.OfferKey(ctx, actor, keyLine, name)
		if err != nil {
			return resultMsg{err: err, tag: "key-offer"}
		}
		return resultMsg{ok: fmt.Sprintf("key %s waits for its holder to confirm it", line(o.Fingerprint)), tag: "key-offer", code: code}
	}
}

func (kv *keysView) result(msg resultMsg) {
	if msg.tag != "key-offer" || kv.adding == nil {
		return
	}
	kv.adding.busy = false
	if msg.err == nil {
		kv.adding, kv.code = nil, msg.code
	}
}

func (s *settings) keysViewText(t *themes.Theme) string {
	kv, w := s.keys, max(min(s.w, 100), 1)
	if kv.adding != nil {
		return t.Heading.Render("Add a key") + "\n\n" +
			t.Subtle.Render(wrap("The key is added once a session that logs in with it confirms the code shown next: that proves you hold its private key. Until then it cannot log in.", w)) + "\n\n" +
			kv.adding.view(t, w)
	}
	var b strings.Builder
	mine := s.c.snap.me.Keys
	b.WriteString(t.Heading.Render("Your keys") + "  " + t.Muted.Render(plural(len(mine), "key", "keys")) + "\n\n")
	for i, k := range mine {
		this := ""
		if k.Fingerprint == s.c.who.Fingerprint {
			this = "  (this key)"
		}
		row := fmt.Sprintf("%-20s %s  added %s%s", clip(line(k.Name), 20), line(k.Fingerprint), state.Day(k.Added), this)
		// The fingerprint is what the member checks against their file:
		// rows take the whole width.
		if rw := max(s.w, 1); i == kv.cursor {
			b.WriteString(t.Selected.Render(pad("▸ "+row, rw)) + "\n")
		} else {
			b.WriteString(t.Text.Render(clip("  "+row, rw)) + "\n")
		}
	}
	if kv.code != "" {
		b.WriteString("\n" + t.Accent.Render("Confirm the new key") + "\n")
		b.WriteString(t.Subtle.Render(wrap("From the machine that holds its private key, within 24 hours, run (the code is shown only now):", w)) + "\n")
		b.WriteString("  " + t.Code.Render(" "+clip(s.c.sshCmd+" keys confirm "+line(kv.code), max(w-4, 1))+" ") + "\n")
	}
	if len(mine) == 1 {
		b.WriteString("\n" + t.Muted.Render(wrap("One key only: add another so that a lost laptop cannot lock you out.", w)) + "\n")
	}
	return b.String()
}

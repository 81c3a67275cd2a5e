package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// A member whose consent is behind the charter in force is asked when the
// app opens. A version adopted while they are in the app never opens a
// prompt over what they are doing (it would take the keys of a form being
// typed): a calm line in the status bar says a new version awaits them and
// that C answers. Members are asked, not locked out: "not now" keeps the
// whole app open.

// checkConsent opens, updates or closes the charter prompt after new data.
func (s *shell) checkConsent() {
	snap := s.c.snap
	due := s.c.consentDue()
	if p := s.prompt; p != nil {
		switch {
		case snap.charter == nil:
			s.prompt = nil
		case p.busy:
			// The answer is on its way; its result settles the prompt.
		case p.mode == promptLogin && due == 0:
			s.prompt = nil // answered in another session
		case p.mode == promptRead && due != 0:
			s.openCharter() // a new version was adopted while reading the old
		case p.setCharter(*snap.charter):
			s.c.status, s.c.statusErr = fmt.Sprintf("the charter changed while you were reading: this is version %d", snap.charter.Version), false
		}
		return
	}
	if !s.asked {
		// Only the first data the session sees can open the prompt.
		s.asked = true
		if due > s.deferred {
			s.openCharter()
		}
	}
}

// openCharter shows the charter in force: as a question when the member
// has yet to consent to it, else for reading.
func (s *shell) openCharter() {
	ch := s.c.snap.charter
	if ch == nil {
		s.c.status, s.c.statusErr = "this hub has no charter", false
		return
	}
	mode := promptRead
	if s.c.consentDue() != 0 {
		mode = promptLogin
	}
	s.prompt = newCharterPrompt(s.c.theme, *ch, mode, s.c.md)
	if mode == promptLogin {
		s.prompt.changes = charterChanges(s.c.hub, *ch)
	}
	s.SetSize(s.width, s.height)
}

// updatePrompt gives the open charter prompt a message.
func (s *shell) updatePrompt(msg tea.Msg) tea.Cmd {
	p := s.prompt
	switch p.update(msg) {
	case answerYes:
		p.busy = true
		v := p.charter.Version
		return s.c.submitAs("consent", fmt.Sprintf("thank you: you consented to charter v%d", v), state.Consent{Version: v})
	case answerBack:
		if p.mode == promptLogin {
			s.deferred = p.charter.Version
		}
		s.prompt = nil
		s.SetSize(s.width, s.height)
	}
	return nil
}

// consentResult closes the prompt once the consent is in the log.
func (s *shell) consentResult(msg resultMsg) {
	p := s.prompt
	if msg.tag != "consent" || p == nil {
		return
	}
	p.busy = false
	if msg.err != nil {
		s.checkConsent() // the refusal may be because the charter moved on
		return
	}
	s.c.consented = max(s.c.consented, p.charter.Version)
	s.prompt = nil
	s.SetSize(s.width, s.height)
}

// consentNotice is the status bar's reminder while consent is pending and
// the prompt is closed.
func (s *shell) consentNotice() string {
	if v := s.c.consentDue(); v != 0 && s.prompt == nil {
		return fmt.Sprintf("charter v%d awaits your consent — press C", v)
	}
	return ""
}

package tui

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	"github.com/hiddeco/sshsig"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// TestProposalMarksSignedVote: the app marks a vote its member signed.
func TestProposalMarksSignedVote(t *testing.T) {
	f, _, bob := withProposal(t)
	f.system(state.NameOrigin{Origin: "polis.local/hub"})
	seed := sha256.Sum256([]byte("polis-tui-test-bob"))
	signer, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	vote := state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: "yes"}}
	act, err := f.hub.ActToSign(bob.Actor(), propNow.UnixMilli(), vote)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := sshsig.Sign(bytes.NewReader(act), signer, sshsig.HashSHA512, state.SigNamespace("polis.local/hub"))
	if err != nil {
		t.Fatal(err)
	}
	vote.Sig = string(sshsig.Armor(sig))
	f.as(bob, vote)
	m := press(New(f.hub, bob, WithSize(100, 30), pinned(propNow)), "2", "enter")
	mustContain(t, screen(m), "your vote: yes · signed by your key")
}

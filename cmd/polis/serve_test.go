package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/polis-hub/polis/chain"
)

func TestServeRefusals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	h := startHub(t, data, addr)
	defer h.kill()
	if out := h.waitOutput(t, "replaces it"); !strings.Contains(out, "join ") || !strings.Contains(out, "host key SHA256:") {
		t.Fatalf("first start should print the founder code and host key:\n%s", out)
	}
	for _, f := range []string{"hub.key", "ssh_host_ed25519_key"} {
		st, err := os.Stat(filepath.Join(data, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, err, st.Mode())
		}
	}
	// A second hub on the same data dir refuses.
	out, err := exec.Command(polisBinary(t), "serve", "--data", data, "--listen", freeAddr(t)).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another polis") {
		t.Fatalf("second serve: %v\n%s", err, out)
	}
	// verify refuses to run on a live hub's data dir for the same reason.
	out, err = exec.Command(polisBinary(t), "verify", "--data", data).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use") {
		t.Fatalf("verify on a live hub: %v\n%s", err, out)
	}
	h.cmd.Process.Signal(os.Interrupt)
	if !h.wait(60 * time.Second) {
		// Dump the child's goroutines to see where it is stuck.
		h.cmd.Process.Signal(syscall.SIGQUIT)
		time.Sleep(time.Second)
		t.Fatalf("hub did not stop on interrupt:\n%s", h.output())
	}
	out, err = exec.Command(polisBinary(t), "verify", "--data", data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "verify ok") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	// Signed by some other key: verify fails and says where.
	pub := filepath.Join(data, "hub.pub")
	orig, _ := os.ReadFile(pub)
	_, otherPub, _ := chain.GenerateKey("polis.local/hub")
	os.WriteFile(pub, []byte(otherPub+"\n"), 0o600)
	out, err = exec.Command(polisBinary(t), "verify", "--data", data).CombinedOutput()
	// (The first signature it meets is the HEAD file's.)
	if err == nil || !strings.Contains(string(out), "HEAD: checkpoint signature") {
		t.Fatalf("verify with the wrong key: %v\n%s", err, out)
	}
	os.WriteFile(pub, orig, 0o600)
	// A data dir from a newer polis is refused, and left alone.
	os.WriteFile(filepath.Join(data, "FORMAT"), []byte("polis 99\n"), 0o600)
	out, err = exec.Command(polisBinary(t), "serve", "--data", data, "--listen", freeAddr(t)).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "newer polis") {
		t.Fatalf("newer format: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(data, "FORMAT")); string(b) != "polis 99\n" {
		t.Fatal("refused data dir was modified")
	}
	// A directory that is not a polis data dir is not touched.
	junk := t.TempDir()
	os.WriteFile(filepath.Join(junk, "notes.txt"), []byte("mine"), 0o600)
	out, err = exec.Command(polisBinary(t), "serve", "--data", junk, "--listen", freeAddr(t)).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not a polis data dir") {
		t.Fatalf("junk dir: %v\n%s", err, out)
	}
}

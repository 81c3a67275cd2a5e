package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

type adminKey struct{ key, name, where string }

// adminKeyLines reads authorized_keys files and the environment variable's
// lines; blank lines and # comments are skipped, any other bad line is an
// error naming where it came from.
func adminKeyLines(files []string, env string) ([]adminKey, error) {
	var out []adminKey
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--admin-key: %w", err)
		}
		ks, err := keyLines(f, string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, ks...)
	}
	ks, err := keyLines("POLIS_INITIAL_ADMIN_KEYS", env)
	return append(out, ks...), err
}

// keyLines parses text's authorized_keys lines; where names it in errors.
func keyLines(where, text string) ([]adminKey, error) {
	var out []adminKey
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		canon, _, comment, err := state.ParseKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", where, n, err)
		}
		name := comment
		if i := strings.IndexByte(name, '@'); i > 0 {
			name = name[:i]
		}
		out = append(out, adminKey{key: canon, name: name, where: fmt.Sprintf("%s line %d", where, n)})
	}
	return out, sc.Err()
}

// hostKeyFingerprint is what members' ssh clients will show on first
// connect, so the steward can tell them out of band.
func hostKeyFingerprint(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	k, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return "", err
	}
	return gossh.FingerprintSHA256(k.PublicKey()), nil
}

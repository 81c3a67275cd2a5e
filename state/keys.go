package state

import (
	"errors"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// ParseKey accepts one public key in authorized_keys form and returns its
// canonical form (type and base64, no comment or options), its SHA256
// fingerprint and its comment.
func ParseKey(line string) (canonical, fingerprint, comment string, err error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return "", "", "", errors.New("key is empty")
	}
	if len(line) > 16<<10 {
		return "", "", "", errors.New("key is too long")
	}
	pk, comment, _, rest, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return "", "", "", errors.New("key is not an SSH public key in authorized_keys form")
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return "", "", "", errors.New("give one key, not several")
	}
	return KeyString(pk), gossh.FingerprintSHA256(pk), comment, nil
}

// ParseLoginKey is ParseKey for a key that is to log in: a certificate
// never does (the hub authenticates plain keys), so one is refused rather
// than stored as a key nobody can use.
func ParseLoginKey(line string) (canonical, fingerprint, comment string, err error) {
	canonical, fingerprint, comment, err = ParseKey(line)
	if err != nil {
		return "", "", "", err
	}
	if pk, _, _, _, err := gossh.ParseAuthorizedKey([]byte(canonical)); err == nil {
		if _, cert := pk.(*gossh.Certificate); cert {
			return "", "", "", errors.New("that is an SSH certificate, which cannot log in to polis: give the plain public key (the .pub file without -cert)")
		}
	}
	return canonical, fingerprint, comment, nil
}

// KeyString is the canonical authorized_keys form of pk, without comment.
func KeyString(pk gossh.PublicKey) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))
}

// Fingerprint is the SHA256 fingerprint OpenSSH prints for pk.
func Fingerprint(pk gossh.PublicKey) string { return gossh.FingerprintSHA256(pk) }

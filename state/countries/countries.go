// Package countries is the pinned list of country codes polis accepts
// (member.country, a space's country). It is iso3166-1.txt in this
// directory, embedded, so the codes Apply accepts do not move with a
// library's region data: golang.org/x/text's, which polis used before,
// also accepts withdrawn and reserved codes (SU, YU, UK, EU...) and changes
// with its version.
package countries

import (
	_ "embed"
	"strings"
	"sync"
)

// Version names the list: change it, the file and docs/events.md together
// (it changes which events Apply accepts, so the data dir format too).
const Version = "1 (ISO 3166-1 per iso-codes 4.15.0 of 2023-04-27, plus XK)"

//go:embed iso3166-1.txt
var data string

var set = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(data, "\n") {
		if l != "" && l[0] != '#' {
			m[l] = true
		}
	}
	return m
})

// Valid reports whether cc is one of the listed codes: exactly two capital
// ASCII letters, as listed.
func Valid(cc string) bool { return set()[cc] }

// Codes lists every accepted code, sorted.
func Codes() []string {
	var out []string
	for _, l := range strings.Split(data, "\n") {
		if l != "" && l[0] != '#' {
			out = append(out, l)
		}
	}
	return out
}

package state

import "strconv"

// Plural is "1 bed" or "3 beds": counts in everything the hub prints, the
// signed dossier included, read as English.
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

//go:build !polistamper

package replica

// tamperTime is the identity in every real build; a polistamper build
// (tamper_on.go) lets a test make one node decide differently.
func tamperTime(ms int64) int64 { return ms }

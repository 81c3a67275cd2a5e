// Package cmd is the hub's command tree: the scriptable commands a session
// without a terminal runs (`ssh hub proposal list --json`), built with
// cobra for one caller at a time. The SSH door (package ssh) authenticates
// the caller, splits the line (ParseLine), asks what the line runs (Path,
// MayRunSuspended, TakesOwnKey) and runs it (Execute); everything a
// command shows or changes goes through state.
//
// Each command declares who it is for (audience.go), and the root's gate
// applies the declaration before any command runs: no command refuses a
// visitor itself.
package cmd

// Package cmd is the hub's command tree: the scriptable commands a session
// without a terminal runs (`ssh hub proposal list --json`), built with
// cobra for one caller at a time. The SSH door (package ssh) authenticates
// the caller, splits the line (ParseLine), asks what the line runs (Path,
// MayRunSuspended, TakesOwnKey) and runs it (Execute); everything a
// command shows or changes goes through state.
package cmd

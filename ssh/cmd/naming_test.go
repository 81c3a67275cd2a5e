package cmd

import (
	"strings"
	"testing"
)

func TestSuspendedCommands(t *testing.T) {
	for args, want := range map[string]bool{
		"whoami --json":            true,
		"":                         true,
		"help proposal":            true,
		"chain receipt 3":          true,
		"chain":                    false,
		"leave --yes":              true,
		"keys remove laptop":       false,
		"dispute appeal 4":         true,
		"dispute show 4 --json":    true,
		"dispute file --against 2": false,
		"dispute resolve 4":        false,
		"members":                  false,
		"vote 1 yes":               false,
		"chainx":                   false,
		"dispute":                  false,
	} {
		if got := MayRunSuspended(Path(strings.Fields(args))); got != want {
			t.Errorf("MayRunSuspended(%q) = %v (path %q)", args, got, Path(strings.Fields(args)))
		}
	}
}

func TestCommandPath(t *testing.T) {
	for args, want := range map[string]string{
		"":     "help",
		"help": "help",
		"proposal new --title Rent the flat --kind text": "proposal new",
		"treasury allowance spend 1 2.00":                "treasury allowance spend",
		"frobnicate":                                     "unknown",
		"proposal frobnicate":                            "unknown",
		"census --json":                                  "census",
		strings.Repeat("x ", 40):                         "unknown",
	} {
		if got := Path(strings.Fields(args)); got != want {
			t.Errorf("Path(%q) = %q, want %q", args, got, want)
		}
	}
}

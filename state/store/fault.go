//go:build !polisfault

package store

// faultFromEnv is the commit fault of a normal build: none. A binary built
// with -tags polisfault reads one from the environment (fault_env.go), so
// that tests can make the real `polis serve` fail a commit.
func faultFromEnv() func() error { return func() error { return nil } }

//go:build race

package tui

// raceOn: the race detector is on, and sync.Pool drops what it holds at
// random, so allocation counts are several times what they are in a plain
// build.
const raceOn = true

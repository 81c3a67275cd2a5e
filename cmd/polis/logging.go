package main

import (
	"fmt"
	"io"
	"log/slog"

	"charm.land/log/v2"
)

// newLogger builds the hub's structured logger: charm's text lines for a
// person at a terminal, or one JSON object per line for a log collector.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	lvl, err := log.ParseLevel(level)
	if err != nil || lvl > log.ErrorLevel {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	var f log.Formatter
	switch format {
	case "text":
		f = log.TextFormatter
	case "json":
		f = log.JSONFormatter
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", format)
	}
	l := log.NewWithOptions(w, log.Options{
		Level:           lvl,
		Formatter:       f,
		ReportTimestamp: true,
		TimeFormat:      "2006-01-02T15:04:05.000Z07:00",
	})
	return slog.New(l), nil
}

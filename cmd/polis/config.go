package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"
)

// Every serve flag can also come from a POLIS_* environment variable and
// from a key of the same name in the --config file. A flag on the command
// line wins, then the environment, then the file, then the default.

// noEnv lists flags without an environment variable of their own name:
// --admin-key names files, while POLIS_INITIAL_ADMIN_KEYS (read besides
// it) holds the key lines themselves.
var noEnv = map[string]bool{"admin-key": true, "help": true}

// envName is the environment variable of a flag: --checkpoint-every reads
// POLIS_CHECKPOINT_EVERY.
func envName(flag string) string {
	return "POLIS_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// documentEnv appends each flag's environment variable to its help line.
func documentEnv(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if !noEnv[f.Name] {
			f.Usage += " (env " + envName(f.Name) + ")"
		}
	})
}

// applySettings gives every flag of fs not set on the command line its
// value from the environment or else from the config file (the --config
// flag, or POLIS_CONFIG). lookupEnv is os.LookupEnv outside tests.
func applySettings(fs *pflag.FlagSet, lookupEnv func(string) (string, bool)) error {
	fromCmdline := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { fromCmdline[f.Name] = true })
	path := fs.Lookup("config").Value.String()
	if !fromCmdline["config"] {
		if v, ok := lookupEnv(envName("config")); ok && v != "" {
			path = v
		}
	}
	var file map[string]any
	if path != "" {
		var err error
		if file, err = readConfig(fs, path); err != nil {
			return err
		}
	}
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || fromCmdline[f.Name] || f.Name == "config" || f.Name == "help" {
			return
		}
		if v, ok := lookupEnv(envName(f.Name)); ok && v != "" && !noEnv[f.Name] {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
			return
		}
		if v, ok := file[f.Name]; ok {
			if e := setFromConfig(fs, f, v); e != nil {
				err = fmt.Errorf("config %s: %s: %v", path, f.Name, e)
			}
		}
	})
	return err
}

// readConfig reads a TOML file whose keys are flag names. An unknown key is
// an error naming it, so that a typo never silently falls back to a default.
func readConfig(fs *pflag.FlagSet, path string) (map[string]any, error) {
	var m map[string]any
	if _, err := toml.DecodeFile(path, &m); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("config %s: %v", path, pe.Error())
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s: no such file", path)
		}
		return nil, fmt.Errorf("config %s: %v", path, err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "config" || k == "help" || fs.Lookup(k) == nil {
			return nil, fmt.Errorf("config %s: unknown key %q (keys are the flag names of 'polis serve --help')", path, k)
		}
	}
	return m, nil
}

// setFromConfig sets a flag from a TOML value of the flag's type.
// Durations are strings ("2s"); repeatable flags take a list or one value.
func setFromConfig(fs *pflag.FlagSet, f *pflag.Flag, v any) error {
	typ := f.Value.Type()
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	} else if typ != "stringArray" {
		return fmt.Errorf("want %s, not a list", kinds[typ])
	}
	for _, x := range list {
		s, err := configString(typ, x)
		if err != nil {
			return err
		}
		if err := fs.Set(f.Name, s); err != nil {
			return err
		}
	}
	return nil
}

// kinds names what each flag type takes in the config file.
var kinds = map[string]string{
	"string": "a string", "stringArray": "a string or a list of strings", "duration": `a duration string like "2s"`,
	"int": "an integer", "float64": "a number", "bool": "true or false",
}

func configString(typ string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		if typ == "string" || typ == "stringArray" || typ == "duration" {
			return x, nil
		}
	case int64:
		if typ == "int" || typ == "float64" {
			return strconv.FormatInt(x, 10), nil
		}
	case float64:
		if typ == "float64" {
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		}
	case bool:
		if typ == "bool" {
			return strconv.FormatBool(x), nil
		}
	case map[string]any:
		return "", errors.New("is a table; the config has only top-level keys")
	}
	return "", fmt.Errorf("want %s, not %v", kinds[typ], v)
}

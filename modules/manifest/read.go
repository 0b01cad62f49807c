package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomesos/mesos/modules"
)

// FlagSource names the --modules flag as the source of an inline manifest.
const FlagSource = "--modules"

// Load returns the specs that a daemon's --modules and --modules_dir
// flags ask for. inline is --modules's value once the flag layer has read
// any file it names (core/flags does: it holds the JSON text); dir is
// --modules_dir. Both empty: nothing to load. Both set: an error, as in
// Mesos.
func Load(inline []byte, dir string, opts Options) ([]modules.Spec, error) {
	var ms []*Manifest
	switch {
	case len(inline) > 0 && dir != "":
		return nil, errors.New("only one of --modules or --modules_dir should be specified")
	case len(inline) > 0:
		m, err := Parse(FlagSource, inline)
		if err != nil {
			return nil, err
		}
		ms = []*Manifest{m}
	case dir != "":
		var err error
		if ms, err = ReadDir(dir); err != nil {
			return nil, err
		}
	}
	return Specs(ms, opts)
}

// ReadFlag reads a --modules value as Mesos takes it: inline JSON, a path
// starting with "/", or a file:// path. It is for callers that have the
// raw flag text; core/flags already resolves paths for the daemons.
func ReadFlag(value string) (*Manifest, error) {
	const scheme = "file://"
	switch v := strings.TrimSpace(value); {
	case strings.HasPrefix(v, scheme):
		return ReadFile(v[len(scheme):])
	case strings.HasPrefix(v, "/"):
		return ReadFile(v)
	default:
		return Parse(FlagSource, []byte(v))
	}
}

// ReadFile reads and parses one manifest file.
func ReadFile(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Source: path, Err: fmt.Errorf("error reading module manifest file: %w", err)}
	}
	return Parse(path, data)
}

// ReadDir reads every manifest file of dir in alphabetical order, as
// Mesos's --modules_dir does. Subdirectories and dot-files (editor
// leftovers such as .foo.json.swp) are skipped.
func ReadDir(dir string) ([]*Manifest, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &Error{Source: dir, Err: fmt.Errorf("error loading module manifests from directory: %w", err)}
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var ms []*Manifest
	for _, name := range names {
		m, err := ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

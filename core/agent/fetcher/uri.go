package fetcher

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
)

// uriKind says how a URI is fetched.
type uriKind int

const (
	kindLocal uriKind = iota
	kindHTTP
	kindUnsupported
)

// trimURI drops leading white space, as the mesos-fetcher does.
func trimURI(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) }

// classify tells local paths from http(s) URIs and anything else.
func classify(uri string) uriKind {
	switch {
	case strings.HasPrefix(uri, "http://"), strings.HasPrefix(uri, "https://"):
		return kindHTTP
	case strings.HasPrefix(uri, "file://") || !strings.Contains(uri, "://"):
		return kindLocal
	}
	return kindUnsupported
}

// basename is the file name a URI is fetched to, after Mesos's
// Fetcher::basename: the part after the last '/', where a URI with a scheme
// must have a path. Mesos refuses '\', '\” and NUL; this also refuses a
// name that is empty, "." or "..", which Mesos would write over the
// sandbox or its parent.
func basename(uri string) (string, error) {
	if strings.ContainsAny(uri, "\\'\x00") {
		return "", errors.New("illegal characters in URI")
	}
	var base string
	if i := strings.Index(uri, "://"); i > 1 {
		rest := uri[i+3:]
		slash := strings.IndexByte(rest, '/')
		if slash < 0 || len(rest) <= slash+1 {
			return "", fmt.Errorf("malformed URI (missing path): %s", redact(uri))
		}
		base = rest[strings.LastIndexByte(rest, '/')+1:]
	} else {
		base = filepath.Base(uri)
	}
	if base == "" || base == "." || base == ".." || base == "/" {
		return "", fmt.Errorf("URI '%s' does not name a file", redact(uri))
	}
	return base, nil
}

// localPath is where a local URI's file is, after Mesos's uriToLocalPath:
// file:// and file://localhost/ need an absolute path; a relative path is
// joined to the frameworks home, which must then be set.
func localPath(uri, frameworksHome string) (string, error) {
	path := uri
	isFileURI := false
	if p, ok := strings.CutPrefix(path, "file://localhost"); ok {
		path, isFileURI = p, true
	} else if p, ok := strings.CutPrefix(path, "file://"); ok {
		path, isFileURI = p, true
	}
	if isFileURI && !strings.HasPrefix(path, "/") {
		return "", errors.New("file URI only supports absolute paths")
	}
	if !strings.HasPrefix(path, "/") {
		if frameworksHome == "" {
			return "", errors.New("a relative path was passed for the resource but the Mesos framework home was not specified; please either provide this config option or avoid using a relative path")
		}
		path = filepath.Join(frameworksHome, path)
	}
	return path, nil
}

// outputName is where in the sandbox a URI's result goes: output_file when
// given, else the URI's basename. It must stay inside the sandbox.
func outputName(uri, outputFile string, hasOutputFile bool) (string, error) {
	name := outputFile
	if !hasOutputFile {
		b, err := basename(uri)
		if err != nil {
			return "", err
		}
		name = b
	}
	if strings.ContainsRune(name, 0) || !filepath.IsLocal(name) || filepath.Clean(name) == "." {
		return "", fmt.Errorf("output file '%s' is not a relative path inside the sandbox", printable(name))
	}
	return filepath.Clean(name), nil
}

// redact hides the password of an http(s) URI for logs and errors.
func redact(uri string) string {
	if classify(uri) != kindHTTP {
		return uri
	}
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	return u.Redacted()
}

// printable escapes control characters for messages.
func printable(s string) string {
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

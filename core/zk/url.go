package zk

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"
)

// Scheme is the prefix of a ZooKeeper URL.
const Scheme = "zk://"

// DefaultPort is the client port of a server named without one.
const DefaultPort = 2181

// DigestScheme is ZooKeeper's user:password authentication scheme, the one
// the URL's credentials are for.
const DigestScheme = "digest"

// URL is a parsed --zk value.
type URL struct {
	// Servers are the ensemble's client addresses, host:port, in the
	// order given.
	Servers []string
	// Path is the znode under which the masters' znodes live: absolute,
	// without a trailing slash, "/" for the root.
	Path string
	// Auth, when set, authenticates the client.
	Auth *Auth
}

// Auth is a ZooKeeper authentication: a scheme and its credentials.
type Auth struct {
	Scheme      string
	Credentials string
}

// ParseURL parses zk://[user:pass@]host1[:port1],host2[:port2]/path as
// Mesos does: surrounding spaces are ignored, the path starts at the first
// '/', the credentials end at the last '@' before it. Unlike Mesos, the
// servers and the path are checked here rather than when connecting.
func ParseURL(s string) (URL, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, Scheme) {
		return URL{}, fmt.Errorf("zookeeper URL %q: expecting '%s' at the beginning of the URL", redact(s), Scheme)
	}
	rest := s[len(Scheme):]
	hosts, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hosts, path = rest[:i], rest[i:]
	}
	var auth *Auth
	if i := strings.LastIndexByte(hosts, '@'); i >= 0 {
		creds := hosts[:i]
		hosts = hosts[i+1:]
		if err := checkCredentials(creds); err != nil {
			return URL{}, fmt.Errorf("zookeeper URL %q: %w", redact(s), err)
		}
		auth = &Auth{Scheme: DigestScheme, Credentials: creds}
	}
	servers, err := parseServers(hosts)
	if err != nil {
		return URL{}, fmt.Errorf("zookeeper URL %q: %w", redact(s), err)
	}
	path, err = cleanPath(path)
	if err != nil {
		return URL{}, fmt.Errorf("zookeeper URL %q: %w", redact(s), err)
	}
	return URL{Servers: servers, Path: path, Auth: auth}, nil
}

func checkCredentials(creds string) error {
	user, _, ok := strings.Cut(creds, ":")
	switch {
	case creds == "":
		return errors.New("empty credentials before '@'")
	case !ok || user == "":
		return errors.New("credentials must be user:password (ZooKeeper's digest scheme)")
	}
	return nil
}

func parseServers(hosts string) ([]string, error) {
	if hosts == "" {
		return nil, errors.New("no servers")
	}
	var servers []string
	for h := range strings.SplitSeq(hosts, ",") {
		server, err := parseServer(h)
		if err != nil {
			return nil, err
		}
		servers = append(servers, server)
	}
	return servers, nil
}

// parseServer reads host, host:port, [v6] or [v6]:port.
func parseServer(h string) (string, error) {
	if h == "" {
		return "", errors.New("empty server in the server list")
	}
	host, port := h, ""
	switch {
	case strings.HasPrefix(h, "["):
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", fmt.Errorf("server %q: missing ']'", h)
		}
		host, port = h[1:end], h[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return "", fmt.Errorf("server %q: unexpected text after ']'", h)
		}
		port = strings.TrimPrefix(port, ":")
		if net.ParseIP(host) == nil || !strings.Contains(host, ":") {
			return "", fmt.Errorf("server %q: %q is not an IPv6 address", h, host)
		}
	case strings.Count(h, ":") == 1:
		host, port, _ = strings.Cut(h, ":")
	case strings.Count(h, ":") > 1:
		return "", fmt.Errorf("server %q: write IPv6 addresses in brackets", h)
	}
	if !strings.Contains(host, ":") {
		if err := checkHostName(host); err != nil {
			return "", fmt.Errorf("server %q: %w", h, err)
		}
	}
	n := DefaultPort
	if port != "" || strings.HasSuffix(h, ":") {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return "", fmt.Errorf("server %q: bad port %q", h, port)
		}
		n = p
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}

func checkHostName(host string) error {
	if host == "" {
		return errors.New("empty host")
	}
	for _, r := range host {
		if !(r == '-' || r == '.' || r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return fmt.Errorf("bad character %q in host %q", r, host)
		}
	}
	return nil
}

// cleanPath drops one trailing slash (as Mesos does) and checks the path
// against ZooKeeper's rules.
func cleanPath(p string) (string, error) {
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	if strings.TrimRightFunc(p, unicode.IsSpace) != p {
		// It could not be written in a --zk value, which is trimmed.
		return "", fmt.Errorf("path %q ends with white space", p)
	}
	if err := CheckPath(p); err != nil {
		return "", err
	}
	return p, nil
}

// CheckPath checks a znode path against ZooKeeper's rules: absolute, no
// empty, "." or ".." component, no trailing slash (but "/"), none of the
// characters ZooKeeper refuses, and not under the reserved /zookeeper.
func CheckPath(p string) error {
	if p == "/" {
		return nil
	}
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("path %q is not absolute", p)
	}
	for c := range strings.SplitSeq(p[1:], "/") {
		switch c {
		case "":
			return fmt.Errorf("path %q has an empty component", p)
		case ".", "..":
			return fmt.Errorf("path %q has a relative component %q", p, c)
		}
		for _, r := range c {
			if badPathRune(r) {
				return fmt.Errorf("path %q has the invalid character %U", p, r)
			}
		}
	}
	if p == "/zookeeper" || strings.HasPrefix(p, "/zookeeper/") {
		return fmt.Errorf("path %q is under ZooKeeper's reserved /zookeeper", p)
	}
	return nil
}

// badPathRune is ZooKeeper's PathUtils.validatePath character check.
func badPathRune(r rune) bool {
	return r == 0 || r == unicode.ReplacementChar ||
		r > 0 && r <= 0x1f || r >= 0x7f && r <= 0x9f ||
		r >= 0xd800 && r <= 0xf8ff || r >= 0xfff0 && r <= 0xffff
}

// String is the URL in the form ParseURL reads, credentials included.
func (u URL) String() string {
	var b strings.Builder
	b.WriteString(Scheme)
	if u.Auth != nil {
		b.WriteString(u.Auth.Credentials)
		b.WriteByte('@')
	}
	b.WriteString(strings.Join(u.Servers, ","))
	b.WriteString(u.Path)
	return b.String()
}

// Redacted is the URL with the password hidden, for logs.
func (u URL) Redacted() string {
	if u.Auth == nil {
		return u.String()
	}
	user, _, _ := strings.Cut(u.Auth.Credentials, ":")
	r := u
	r.Auth = &Auth{Scheme: u.Auth.Scheme, Credentials: user + ":xxxxx"}
	return r.String()
}

// redact hides what may be credentials in a URL that did not parse.
func redact(s string) string {
	rest, ok := strings.CutPrefix(s, Scheme)
	if !ok {
		if strings.Contains(s, "@") {
			return "(redacted)"
		}
		return s
	}
	hosts := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hosts = rest[:i]
	}
	if i := strings.LastIndexByte(hosts, '@'); i >= 0 {
		return Scheme + "xxxxx" + rest[i:]
	}
	return s
}

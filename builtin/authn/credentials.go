package authn

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Credentials maps principals to secrets. It is read-only once made.
type Credentials struct {
	secrets map[string]string
}

// NewCredentials indexes a credentials list; a principal listed twice
// keeps its last secret, as in Mesos.
func NewCredentials(list []*mesospb.Credential) Credentials {
	c := Credentials{secrets: make(map[string]string, len(list))}
	for _, cred := range list {
		c.secrets[cred.GetPrincipal()] = cred.GetSecret()
	}
	return c
}

// Len is the number of principals.
func (c Credentials) Len() int { return len(c.secrets) }

// Check reports whether secret is principal's, comparing secrets in
// constant time.
func (c Credentials) Check(principal, secret string) bool {
	want, ok := c.secrets[principal]
	if !ok {
		// Compare anyway, so that unknown principals take as long.
		want = secret + "\x00"
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1 && ok
}

// ParseCredentials parses a Mesos credentials document, as the master's
// and agent's --credentials and --http_credentials files hold them (and
// Mesos's credentials::read reads them):
//
//   - JSON: {"credentials": [{"principal": "p", "secret": "s"}, ...]};
//     or, as the basic HTTP authenticator's "credentials" module parameter
//     takes it, the bare array [{"principal": "p", "secret": "s"}, ...];
//   - text (deprecated in Mesos 1.0, still read): one "principal secret"
//     pair per line, separated by one or more spaces.
//
// Mesos reads any document that is not valid JSON credentials as text,
// so that a mistyped JSON file can yield nonsense principals; here a
// document starting with "{" or "[" is JSON or an error.
func ParseCredentials(data []byte) ([]*mesospb.Credential, error) {
	text := strings.TrimSpace(string(data))
	if text == "" {
		return nil, nil
	}
	if strings.HasPrefix(text, "[") {
		text = `{"credentials":` + text + `}`
	}
	if strings.HasPrefix(text, "{") {
		var creds mesospb.Credentials
		if err := jsoncodec.Unmarshal([]byte(text), &creds); err != nil {
			return nil, fmt.Errorf("parse credentials JSON: %w", err)
		}
		return creds.GetCredentials(), nil
	}
	var out []*mesospb.Credential
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		var pair []string
		for f := range strings.SplitSeq(line, " ") {
			if f != "" {
				pair = append(pair, f)
			}
		}
		if len(pair) == 0 {
			continue
		}
		if len(pair) != 2 {
			return nil, fmt.Errorf("invalid credential format at line %d", len(out)+1)
		}
		out = append(out, &mesospb.Credential{Principal: proto.String(pair[0]), Secret: proto.String(pair[1])})
	}
	return out, nil
}

// LoadCredentials reads credentials from a module parameter or flag value:
// a path (absolute, or file://path) to a credentials file, or the document
// itself. Like Mesos it warns when the file is open to others.
func LoadCredentials(value string, log *slog.Logger) ([]*mesospb.Credential, error) {
	path, isPath := strings.CutPrefix(value, "file://")
	if !isPath && !strings.HasPrefix(value, "/") {
		return ParseCredentials([]byte(value))
	}
	if !isPath {
		path = value
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o007 != 0 {
		log.Warn("permissions on the credentials file are too open; it is recommended that it is not accessible by others", "file", path)
	}
	creds, err := ParseCredentials(data)
	if err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	return creds, nil
}

// errNoCredentials is returned when an authenticator is made without any.
var errNoCredentials = errors.New("missing parameter 'credentials'")

// Secret is principal's secret ("" if unknown); for tests and tools.
func (c Credentials) Secret(principal string) string { return c.secrets[principal] }

// ParseCredential parses the one credential an agent authenticates with
// (mesos-agent --credential), in Mesos's formats: JSON {"principal": "p",
// "secret": "s"}, or text "principal secret" on the first line that is not
// empty. A principal is required.
func ParseCredential(data []byte) (*mesospb.Credential, error) {
	text := strings.TrimSpace(string(data))
	if strings.HasPrefix(text, "{") {
		var c mesospb.Credential
		if err := jsoncodec.Unmarshal([]byte(text), &c); err != nil {
			return nil, fmt.Errorf("parse credential JSON: %w", err)
		}
		if c.GetPrincipal() == "" {
			return nil, errors.New("the credential has no principal")
		}
		return &c, nil
	}
	list, err := ParseCredentials([]byte(text))
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errors.New("the credential is empty")
	}
	return list[0], nil
}

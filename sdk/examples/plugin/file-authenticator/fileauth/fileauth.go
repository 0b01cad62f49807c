// Package fileauth is an example authenticator backed by a credentials
// file that it reads again whenever the file changes, so that principals
// are added, changed or revoked without restarting the master: the kind
// of module that touches the operating system and so suits a plugin.
//
// The file is in Mesos's --credentials formats, JSON
//
//	{"credentials": [{"principal": "web", "secret": "s3cret"}]}
//
// or one "principal secret" pair per line. A secret written
// "sha256:<hex>" is the SHA-256 of the actual secret, so the file need not
// hold it in clear. Secrets are compared in constant time.
//
// Parameters: credentials, the file's path ("file://" allowed).
package fileauth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gomesos/mesos/modules/kinds/authenticator"
)

// Authenticator checks credentials against the file.
type Authenticator struct {
	path string

	mu      sync.Mutex
	modTime time.Time
	size    int64
	secrets map[string]secret
}

var _ authenticator.Authenticator = (*Authenticator)(nil)

// secret is a principal's secret, in clear or hashed.
type secret struct {
	clear  []byte
	sha256 []byte
}

func (s secret) matches(presented string) bool {
	if s.sha256 != nil {
		sum := sha256.Sum256([]byte(presented))
		return subtle.ConstantTimeCompare(sum[:], s.sha256) == 1
	}
	return subtle.ConstantTimeCompare([]byte(presented), s.clear) == 1
}

// New reads the credentials file named by the "credentials" parameter.
func New(params map[string]string) (*Authenticator, error) {
	path := strings.TrimPrefix(params["credentials"], "file://")
	if path == "" {
		return nil, errors.New("fileauth: parameter credentials (the credentials file) is required")
	}
	a := &Authenticator{path: path}
	if err := a.reload(); err != nil {
		return nil, err
	}
	return a, nil
}

// Authenticate implements authenticator.Authenticator.
func (a *Authenticator) Authenticate(_ context.Context, req *authenticator.AuthenticateRequest) (*authenticator.AuthenticateResponse, error) {
	cred := req.GetCredential()
	if cred.GetPrincipal() == "" || cred.Secret == nil {
		return &authenticator.AuthenticateResponse{Message: "no principal or no secret"}, nil
	}
	if err := a.reload(); err != nil {
		return nil, err // the master fails closed
	}
	a.mu.Lock()
	s, ok := a.secrets[cred.GetPrincipal()]
	a.mu.Unlock()
	if !ok || !s.matches(cred.GetSecret()) {
		return &authenticator.AuthenticateResponse{Message: "unknown principal or wrong secret"}, nil
	}
	return &authenticator.AuthenticateResponse{Authenticated: true, Principal: cred.GetPrincipal()}, nil
}

// reload reads the file again if it changed since it was last read.
func (a *Authenticator) reload() error {
	fi, err := os.Stat(a.path)
	if err != nil {
		return fmt.Errorf("fileauth: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.secrets != nil && fi.ModTime().Equal(a.modTime) && fi.Size() == a.size {
		return nil
	}
	data, err := os.ReadFile(a.path)
	if err != nil {
		return fmt.Errorf("fileauth: %w", err)
	}
	secrets, err := parse(data)
	if err != nil {
		return fmt.Errorf("fileauth: %s: %w", a.path, err)
	}
	a.secrets, a.modTime, a.size = secrets, fi.ModTime(), fi.Size()
	return nil
}

// parse reads either credentials format.
func parse(data []byte) (map[string]secret, error) {
	type entry struct{ principal, secret string }
	var entries []entry
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var doc struct {
			Credentials []struct {
				Principal string `json:"principal"`
				Secret    string `json:"secret"`
			} `json:"credentials"`
		}
		if err := json.Unmarshal(t, &doc); err != nil {
			return nil, err
		}
		for _, c := range doc.Credentials {
			entries = append(entries, entry{c.Principal, c.Secret})
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			fields := strings.Fields(sc.Text())
			switch {
			case len(fields) == 0:
				continue
			case len(fields) != 2:
				return nil, fmt.Errorf("line %d: want \"principal secret\"", n)
			}
			entries = append(entries, entry{fields[0], fields[1]})
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	out := make(map[string]secret, len(entries))
	for _, e := range entries {
		if e.principal == "" {
			return nil, errors.New("a credential without a principal")
		}
		s := secret{clear: []byte(e.secret)}
		if h, ok := strings.CutPrefix(e.secret, "sha256:"); ok {
			sum, err := hex.DecodeString(h)
			if err != nil || len(sum) != sha256.Size {
				return nil, fmt.Errorf("principal %q: malformed sha256 secret", e.principal)
			}
			s = secret{sha256: sum}
		}
		out[e.principal] = s
	}
	return out, nil
}

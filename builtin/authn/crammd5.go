package authn

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gomesos/mesos/modules/kinds/authenticator"
)

// CRAMMD5 authenticates frameworks and agents by principal and secret
// against a Mesos credentials list (master flag --credentials). It is
// named after Mesos's default authenticator, whose SASL CRAM-MD5 exchange
// proves the same thing, that the client knows the principal's secret;
// in this rebuild, which speaks HTTP only, the secret arrives whole (see
// the Authenticator kind) and is compared in constant time.
type CRAMMD5 struct {
	creds Credentials
}

var _ authenticator.Authenticator = (*CRAMMD5)(nil)

// NewCRAMMD5 makes the authenticator from its parameters: "credentials"
// (required), as LoadCredentials reads it.
func NewCRAMMD5(params map[string]string) (authenticator.Authenticator, error) {
	a, err := NewCRAMMD5With(params, slog.Default())
	if err != nil {
		return nil, err
	}
	return a, nil
}

// NewCRAMMD5With is NewCRAMMD5 logging to log.
func NewCRAMMD5With(params map[string]string, log *slog.Logger) (*CRAMMD5, error) {
	var creds *string
	for key, value := range params {
		if key != "credentials" {
			return nil, fmt.Errorf("crammd5 authenticator: unknown parameter '%s'", key)
		}
		creds = &value
	}
	if creds == nil {
		return nil, fmt.Errorf("crammd5 authenticator: %w", errNoCredentials)
	}
	list, err := LoadCredentials(*creds, log)
	if err != nil {
		return nil, fmt.Errorf("crammd5 authenticator: parameter 'credentials': %w", err)
	}
	return &CRAMMD5{creds: NewCredentials(list)}, nil
}

// NewCRAMMD5From makes the authenticator of a credentials list.
func NewCRAMMD5From(creds Credentials) *CRAMMD5 { return &CRAMMD5{creds: creds} }

// Authenticate checks the credential.
func (a *CRAMMD5) Authenticate(_ context.Context, req *authenticator.AuthenticateRequest) (*authenticator.AuthenticateResponse, error) {
	c := req.GetCredential()
	if c.GetPrincipal() == "" {
		return authenticator.Refused("no principal"), nil
	}
	if c.Secret == nil || !a.creds.Check(c.GetPrincipal(), c.GetSecret()) {
		return authenticator.Refused(fmt.Sprintf("authentication failed for principal '%s'", c.GetPrincipal())), nil
	}
	return authenticator.Authenticated(c.GetPrincipal()), nil
}

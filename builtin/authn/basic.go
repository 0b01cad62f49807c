package authn

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// DefaultRealm is the realm named in challenges when neither the request
// nor the "authentication_realm" parameter names one.
const DefaultRealm = "mesos"

// Basic is Mesos's basic HTTP authenticator (libprocess's
// BasicAuthenticator): a request carrying "Authorization: Basic
// base64(principal:secret)" with a listed principal and its secret is that
// principal's; anything else, a missing header included, is a 401 with the
// challenge `Basic realm="<realm>"`.
//
// Two liberties, both accepting requests Mesos would refuse and none that
// it accepts: the scheme name is matched in any case (RFC 7235), and the
// secret is everything after the first colon, so secrets may contain
// colons (RFC 7617; Mesos splits on every colon and refuses such secrets).
type Basic struct {
	creds Credentials
	realm string
}

var _ httpauthenticator.HTTPAuthenticator = (*Basic)(nil)

// NewBasic makes the basic authenticator from its parameters:
// "credentials" (required) as LoadCredentials reads it (Mesos's module
// parameter is a JSON array of credentials; the --http_credentials file,
// its path and its text form are accepted too), and "authentication_realm",
// the realm of challenges to requests that name none. Other parameters are
// an error, as in Mesos.
func NewBasic(params map[string]string) (httpauthenticator.HTTPAuthenticator, error) {
	b, err := NewBasicWith(params, slog.Default())
	if err != nil {
		return nil, err
	}
	return b, nil
}

// NewBasicWith is NewBasic logging to log.
func NewBasicWith(params map[string]string, log *slog.Logger) (*Basic, error) {
	b := &Basic{realm: DefaultRealm}
	var creds *string
	for key, value := range params {
		switch key {
		case "credentials":
			creds = &value
		case "authentication_realm":
			b.realm = value
		default:
			return nil, fmt.Errorf("basic HTTP authenticator: unknown parameter '%s'", key)
		}
	}
	if creds == nil {
		return nil, fmt.Errorf("basic HTTP authenticator: %w", errNoCredentials)
	}
	list, err := LoadCredentials(*creds, log)
	if err != nil {
		return nil, fmt.Errorf("basic HTTP authenticator: parameter 'credentials': %w", err)
	}
	b.creds = NewCredentials(list)
	return b, nil
}

// NewBasicFrom makes the basic authenticator of a credentials list.
func NewBasicFrom(creds Credentials, realm string) *Basic {
	if realm == "" {
		realm = DefaultRealm
	}
	return &Basic{creds: creds, realm: realm}
}

// Scheme is "Basic".
func (b *Basic) Scheme(context.Context, *httpauthenticator.SchemeRequest) (*httpauthenticator.SchemeResponse, error) {
	return &httpauthenticator.SchemeResponse{Scheme: "Basic"}, nil
}

// Authenticate checks the request's Authorization header.
func (b *Basic) Authenticate(_ context.Context, req *httpauthenticator.AuthenticateRequest) (*httpauthenticator.AuthenticateResponse, error) {
	realm := req.GetRealm()
	if realm == "" {
		realm = b.realm
	}
	unauthorized := httpauthenticator.Challenge("", `Basic realm="`+realm+`"`)
	values := req.Values("Authorization")
	if len(values) == 0 {
		return unauthorized, nil
	}
	principal, secret, ok := ParseBasicAuthorization(values[0])
	if !ok || !b.creds.Check(principal, secret) {
		return unauthorized, nil
	}
	return httpauthenticator.Authenticated(principal), nil
}

// ParseBasicAuthorization parses the value of an Authorization header of
// the Basic scheme: "Basic " and the base64 of "principal:secret".
func ParseBasicAuthorization(value string) (principal, secret string, ok bool) {
	scheme, encoded, found := strings.Cut(value, " ")
	if !found || !strings.EqualFold(scheme, "Basic") || strings.Contains(encoded, " ") {
		return "", "", false
	}
	decoded, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", "", false
	}
	principal, secret, found = strings.Cut(string(decoded), ":")
	if !found {
		return "", "", false
	}
	return principal, secret, true
}

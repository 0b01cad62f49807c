package engine

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// AuthConfig is a registry credential as the daemon takes it in the
// X-Registry-Auth header (Docker's types.AuthConfig): a user and password,
// or an identity token (OAuth refresh token) or registry token.
type AuthConfig struct {
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	ServerAddress string `json:"serveraddress,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
	RegistryToken string `json:"registrytoken,omitempty"`
}

// String names the credential without its secrets, so that printing one
// (in a log line, an error) never leaks a password.
func (a AuthConfig) String() string {
	kind := "password"
	switch {
	case a.IdentityToken != "":
		kind = "identity token"
	case a.RegistryToken != "":
		kind = "registry token"
	}
	return fmt.Sprintf("%s credential of user %q for %q", kind, a.Username, a.ServerAddress)
}

// registryAuthHeader is the X-Registry-Auth header carrying a: the JSON
// document in padded base64url, the encoding the daemon decodes. (The
// daemon silently pulls anonymously when it cannot decode the header, so
// the encoding matters.)
func registryAuthHeader(a *AuthConfig) (http.Header, error) {
	if a == nil {
		return nil, nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode the registry credential: %w", err)
	}
	return http.Header{"X-Registry-Auth": {base64.URLEncoding.EncodeToString(b)}}, nil
}

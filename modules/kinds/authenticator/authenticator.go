// Package authenticator is the contract of the Authenticator module kind:
// the Go interface the master calls to check a framework's or an agent's
// credential, and the messages (generated from authenticator.proto) it is
// called with. Built-in, go-plugin and WASM authenticators all implement
// this one interface.
package authenticator

import "context"

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// Authenticator checks credentials. It may be called concurrently.
type Authenticator interface {
	// Authenticate reports whether the credential proves its principal.
	// An error means the check could not be made (the master denies).
	Authenticate(ctx context.Context, req *AuthenticateRequest) (*AuthenticateResponse, error)
}

// Authenticated is the answer for an authenticated principal.
func Authenticated(principal string) *AuthenticateResponse {
	return &AuthenticateResponse{Authenticated: true, Principal: principal}
}

// Refused is the answer for a credential that does not authenticate.
func Refused(message string) *AuthenticateResponse {
	return &AuthenticateResponse{Message: message}
}

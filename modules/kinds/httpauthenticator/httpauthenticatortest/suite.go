// Package httpauthenticatortest is the conformance suite of the
// HttpAuthenticator module kind: what every HTTP authenticator does
// whatever its scheme. The built-in basic authenticator runs it, and so do
// plugin and WASM ones.
package httpauthenticatortest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// Fixture is what the suite needs of an authenticator under test.
type Fixture struct {
	// New returns a fresh authenticator.
	New func(t *testing.T) httpauthenticator.HTTPAuthenticator
	// Realm is the realm the suite's requests are for.
	Realm string
	// Valid are the headers of a request from Principal.
	Valid     []*httpauthenticator.Header
	Principal string
	// Invalid are header sets that must not authenticate anyone.
	Invalid [][]*httpauthenticator.Header
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh authenticator.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"Scheme", scheme},
		{"NoCredentials", noCredentials},
		{"Valid", valid},
		{"Invalid", invalid},
		{"Concurrent", concurrent},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func request(f Fixture, headers []*httpauthenticator.Header) *httpauthenticator.AuthenticateRequest {
	return &httpauthenticator.AuthenticateRequest{
		Realm: f.Realm, Method: "GET", Url: "/state", Headers: headers, RemoteAddress: "127.0.0.1:40000",
	}
}

func authenticate(t *testing.T, a httpauthenticator.HTTPAuthenticator, c context.Context, req *httpauthenticator.AuthenticateRequest) *httpauthenticator.AuthenticateResponse {
	t.Helper()
	resp, err := a.Authenticate(c, req)
	if err != nil {
		t.Fatalf("Authenticate = %v", err)
	}
	if err := httpauthenticator.Check(resp); err != nil {
		t.Fatalf("Authenticate answered %v: %v", resp, err)
	}
	return resp
}

func scheme(t *testing.T, f Fixture) {
	resp, err := f.New(t).Scheme(ctx(t), &httpauthenticator.SchemeRequest{})
	if err != nil || resp.GetScheme() == "" {
		t.Fatalf("Scheme = %v, %v; want a scheme", resp, err)
	}
}

func noCredentials(t *testing.T, f Fixture) {
	resp := authenticate(t, f.New(t), ctx(t), request(f, nil))
	if resp.GetUnauthorized() == nil || len(resp.GetUnauthorized().GetChallenges()) == 0 {
		t.Fatalf("request without credentials: %v, want a 401 with a challenge", resp)
	}
}

func valid(t *testing.T, f Fixture) {
	resp := authenticate(t, f.New(t), ctx(t), request(f, f.Valid))
	if resp.GetPrincipal() == nil || resp.GetPrincipal().GetValue() != f.Principal {
		t.Fatalf("valid request: %v, want principal %q", resp, f.Principal)
	}
}

func invalid(t *testing.T, f Fixture) {
	a := f.New(t)
	for _, h := range f.Invalid {
		if resp := authenticate(t, a, ctx(t), request(f, h)); resp.GetPrincipal() != nil {
			t.Errorf("headers %v authenticated %v", h, resp.GetPrincipal())
		}
	}
}

func concurrent(t *testing.T, f Fixture) {
	a := f.New(t)
	c := ctx(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			h := f.Valid
			if i%2 == 1 {
				h = nil
			}
			resp, err := a.Authenticate(c, request(f, h))
			if err != nil {
				t.Error(err)
				return
			}
			if (resp.GetPrincipal() != nil) != (i%2 == 0) {
				t.Errorf("call %d: %v", i, resp)
			}
		})
	}
	wg.Wait()
}

// Package authenticatortest is the conformance suite of the Authenticator
// module kind: what every authenticator does whatever backs it. The
// built-in authenticator runs it, and so do plugin and WASM ones.
package authenticatortest

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
)

// Fixture is what the suite needs of an authenticator under test.
type Fixture struct {
	// New returns a fresh authenticator.
	New func(t *testing.T) authenticator.Authenticator
	// Principal and Secret are a credential it accepts.
	Principal, Secret string
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh authenticator.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"Valid", valid},
		{"WrongSecret", wrongSecret},
		{"UnknownPrincipal", unknownPrincipal},
		{"NoSecret", noSecret},
		{"NoCredential", noCredential},
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

func credential(principal string, secret *string) *authenticator.AuthenticateRequest {
	return &authenticator.AuthenticateRequest{
		Credential: &mesospb.Credential{Principal: proto.String(principal), Secret: secret},
		Peer:       "127.0.0.1:40000",
	}
}

func authenticate(t *testing.T, a authenticator.Authenticator, c context.Context, req *authenticator.AuthenticateRequest) *authenticator.AuthenticateResponse {
	t.Helper()
	resp, err := a.Authenticate(c, req)
	if err != nil {
		t.Fatalf("Authenticate = %v", err)
	}
	return resp
}

func valid(t *testing.T, f Fixture) {
	resp := authenticate(t, f.New(t), ctx(t), credential(f.Principal, proto.String(f.Secret)))
	if !resp.GetAuthenticated() || resp.GetPrincipal() != f.Principal {
		t.Fatalf("valid credential: %v, want authenticated as %q", resp, f.Principal)
	}
}

func refused(t *testing.T, f Fixture, req *authenticator.AuthenticateRequest) {
	t.Helper()
	resp := authenticate(t, f.New(t), ctx(t), req)
	if resp.GetAuthenticated() || resp.GetPrincipal() != "" {
		t.Fatalf("%v: %v, want refused without a principal", req.GetCredential(), resp)
	}
}

func wrongSecret(t *testing.T, f Fixture) {
	refused(t, f, credential(f.Principal, proto.String(f.Secret+"-wrong")))
}

func unknownPrincipal(t *testing.T, f Fixture) {
	refused(t, f, credential(f.Principal+"-unknown", proto.String(f.Secret)))
}

func noSecret(t *testing.T, f Fixture) {
	refused(t, f, credential(f.Principal, nil))
}

func noCredential(t *testing.T, f Fixture) {
	refused(t, f, &authenticator.AuthenticateRequest{})
}

func concurrent(t *testing.T, f Fixture) {
	a := f.New(t)
	c := ctx(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			secret := f.Secret
			if i%2 == 1 {
				secret += "-wrong"
			}
			resp, err := a.Authenticate(c, credential(f.Principal, proto.String(secret)))
			if err != nil {
				t.Error(err)
				return
			}
			if resp.GetAuthenticated() != (i%2 == 0) {
				t.Errorf("call %d: authenticated = %v", i, resp.GetAuthenticated())
			}
		})
	}
	wg.Wait()
}

package wasm

import (
	"encoding/base64"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatortest"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizertest"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator/httpauthenticatortest"
	"google.golang.org/protobuf/proto"
)

// Packages of the authentication and authorization examples.
const (
	localAuthzPkg = "./sdk/examples/wasm/local-authorizer"
	credsAuthnPkg = "./sdk/examples/wasm/credentials-authenticator"
)

// The authorizer suite against the built-in local authorizer compiled to
// WASM, with ACLs on framework registration.
func TestAuthorizerConformance(t *testing.T) {
	const acls = `{"permissive": false, "register_frameworks": [
	  {"principals": {"values": ["marathon"]}, "roles": {"values": ["web", "eng/%"]}},
	  {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}},
	  {"principals": {"type": "ANY"}, "roles": {"type": "NONE"}}]}`
	reg := func(principal string, role string) *authorizer.AuthorizedRequest {
		return &authorizer.AuthorizedRequest{Subject: authorizer.Principal(principal), Action: authorizer.Action_REGISTER_FRAMEWORK,
			Object: &authorizer.Object{FrameworkInfo: &mesospb.FrameworkInfo{Name: proto.String("fw"), User: proto.String("alice"), Role: proto.String(role)}}}
	}
	path := guest(t, localAuthzPkg)
	l := newLoader(t, Config{})
	authorizertest.Run(t, authorizertest.Fixture{
		New: func(t *testing.T) authorizer.Authorizer {
			return load(t, l, modules.Spec{File: path, Parameters: map[string]string{"acls": acls}}).Impl.(authorizer.Authorizer)
		},
		Cases: []authorizertest.Case{
			{Name: "listed role", Request: reg("marathon", "web"), Allowed: true},
			{Name: "role below a recursive one", Request: reg("marathon", "eng/frontend"), Allowed: true},
			{Name: "the recursive role itself", Request: reg("marathon", "eng"), Allowed: false},
			{Name: "unlisted role", Request: reg("marathon", "db"), Allowed: false},
			{Name: "ANY roles", Request: reg("ops", "anything"), Allowed: true},
			{Name: "other principal: NONE roles", Request: reg("eve", "web"), Allowed: false},
			{Name: "unauthenticated", Request: reg("", "web"), Allowed: false},
		},
	})
}

// credentials is the "credentials" parameter of the authenticators.
const credentials = `[{"principal": "ops", "secret": "pass:word"}]`

// The HTTP authenticator suite against the built-in basic authenticator
// compiled to WASM (in a module of two kinds, loaded as this one).
func TestHTTPAuthenticatorConformance(t *testing.T) {
	header := func(v string) []*httpauthenticator.Header {
		return []*httpauthenticator.Header{{Name: "Authorization", Values: []string{v}}}
	}
	basic := func(user, pass string) []*httpauthenticator.Header {
		return header("Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	}
	path := guest(t, credsAuthnPkg)
	l := newLoader(t, Config{})
	httpauthenticatortest.Run(t, httpauthenticatortest.Fixture{
		New: func(t *testing.T) httpauthenticator.HTTPAuthenticator {
			return load(t, l, modules.Spec{File: path, Kind: modules.KindHTTPAuthenticator,
				Parameters: map[string]string{"credentials": credentials}}).Impl.(httpauthenticator.HTTPAuthenticator)
		},
		Realm:     "mesos-master-readwrite",
		Valid:     basic("ops", "pass:word"),
		Principal: "ops",
		Invalid:   [][]*httpauthenticator.Header{basic("ops", "wrong"), basic("nobody", "pass:word"), header("Digest x")},
	})
}

// The authenticator suite against the built-in CRAM-MD5 authenticator's
// credential check compiled to WASM (the same module, loaded as the other
// kind).
func TestAuthenticatorConformance(t *testing.T) {
	path := guest(t, credsAuthnPkg)
	l := newLoader(t, Config{})
	authenticatortest.Run(t, authenticatortest.Fixture{
		New: func(t *testing.T) authenticator.Authenticator {
			return load(t, l, modules.Spec{File: path, Kind: modules.KindAuthenticator,
				Parameters: map[string]string{"credentials": credentials}}).Impl.(authenticator.Authenticator)
		},
		Principal: "ops", Secret: "pass:word",
	})
}

package authn_test

import (
	"context"
	"encoding/base64"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatortest"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator/httpauthenticatortest"
)

func cred(p, s string) *mesospb.Credential {
	return &mesospb.Credential{Principal: proto.String(p), Secret: proto.String(s)}
}

const credentialsJSON = `[{"principal":"ops","secret":"pass:word"},{"principal":"fw","secret":"fwsecret"}]`

func authorization(value string) []*httpauthenticator.Header {
	return []*httpauthenticator.Header{{Name: "Authorization", Values: []string{value}}}
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func basic(t *testing.T, params map[string]string) *authn.Basic {
	t.Helper()
	b, err := authn.NewBasicWith(params, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBasic(t *testing.T) {
	b := basic(t, map[string]string{"credentials": credentialsJSON})
	for _, tc := range []struct {
		name      string
		headers   []*httpauthenticator.Header
		principal string // "" for a 401
	}{
		{"good", authorization(basicAuth("ops", "pass:word")), "ops"},
		{"other principal", authorization(basicAuth("fw", "fwsecret")), "fw"},
		{"scheme in lower case", authorization("basic " + base64.StdEncoding.EncodeToString([]byte("fw:fwsecret"))), "fw"},
		{"lower-case header name", []*httpauthenticator.Header{{Name: "authorization", Values: []string{basicAuth("fw", "fwsecret")}}}, "fw"},
		{"missing", nil, ""},
		{"empty", authorization(""), ""},
		{"bad secret", authorization(basicAuth("ops", "pass")), ""},
		{"unknown principal", authorization(basicAuth("eve", "pass:word")), ""},
		{"secret of another", authorization(basicAuth("ops", "fwsecret")), ""},
		{"other scheme", authorization("Bearer " + base64.StdEncoding.EncodeToString([]byte("ops:pass:word"))), ""},
		{"no colon", authorization("Basic " + base64.StdEncoding.EncodeToString([]byte("ops"))), ""},
		{"not base64", authorization("Basic !!!"), ""},
		{"extra field", authorization(basicAuth("ops", "pass:word") + " x"), ""},
		{"no space", authorization("Basic"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := b.Authenticate(context.Background(), &httpauthenticator.AuthenticateRequest{Realm: "mesos-master-readonly", Headers: tc.headers})
			if err != nil {
				t.Fatal(err)
			}
			if err := httpauthenticator.Check(resp); err != nil {
				t.Fatal(err)
			}
			if tc.principal != "" {
				if resp.GetPrincipal().GetValue() != tc.principal {
					t.Fatalf("Authenticate = %v, want principal %q", resp, tc.principal)
				}
				return
			}
			u := resp.GetUnauthorized()
			if u == nil || len(u.GetChallenges()) != 1 || u.GetChallenges()[0] != `Basic realm="mesos-master-readonly"` {
				t.Fatalf("Authenticate = %v, want a 401 with the realm's challenge", resp)
			}
		})
	}
}

func TestBasicParameters(t *testing.T) {
	b := basic(t, map[string]string{"credentials": credentialsJSON, "authentication_realm": "mesos-agent"})
	resp, _ := b.Authenticate(context.Background(), &httpauthenticator.AuthenticateRequest{})
	if got := resp.GetUnauthorized().GetChallenges(); len(got) != 1 || got[0] != `Basic realm="mesos-agent"` {
		t.Errorf("challenge without a request realm = %v", got)
	}
	for _, bad := range []map[string]string{
		nil,
		{"authentication_realm": "x"},
		{"credentials": credentialsJSON, "colour": "blue"},
		{"credentials": "[{"},
		{"credentials": "/no/such/file"},
	} {
		if _, err := authn.NewBasic(bad); err == nil {
			t.Errorf("NewBasic(%v) succeeded", bad)
		}
	}
}

func TestCRAMMD5(t *testing.T) {
	a, err := authn.NewCRAMMD5With(map[string]string{"credentials": "fw fwsecret\nagent agentsecret\n"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		credential *mesospb.Credential
		want       bool
	}{
		{cred("fw", "fwsecret"), true},
		{cred("agent", "agentsecret"), true},
		{cred("fw", "agentsecret"), false},
		{cred("nobody", "fwsecret"), false},
		{&mesospb.Credential{Principal: proto.String("fw")}, false},
		{nil, false},
	} {
		resp, err := a.Authenticate(context.Background(), &authenticator.AuthenticateRequest{Credential: tc.credential})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetAuthenticated() != tc.want {
			t.Errorf("Authenticate(%v) = %v, want authenticated %v", tc.credential, resp, tc.want)
		}
	}
	if _, err := authn.NewCRAMMD5(nil); err == nil {
		t.Error("NewCRAMMD5 without credentials succeeded")
	}
	if _, err := authn.NewCRAMMD5(map[string]string{"credentials": "a b", "x": "y"}); err == nil {
		t.Error("NewCRAMMD5 with an unknown parameter succeeded")
	}
}

func TestConformance(t *testing.T) {
	t.Run("basic", func(t *testing.T) {
		httpauthenticatortest.Run(t, httpauthenticatortest.Fixture{
			New: func(t *testing.T) httpauthenticator.HTTPAuthenticator {
				return basic(t, map[string]string{"credentials": credentialsJSON})
			},
			Realm:     "mesos-master-readwrite",
			Valid:     authorization(basicAuth("ops", "pass:word")),
			Principal: "ops",
			Invalid: [][]*httpauthenticator.Header{
				authorization(basicAuth("ops", "wrong")),
				authorization(basicAuth("nobody", "pass:word")),
				authorization("Digest x"),
			},
		})
	})
	t.Run("crammd5", func(t *testing.T) {
		authenticatortest.Run(t, authenticatortest.Fixture{
			New: func(t *testing.T) authenticator.Authenticator {
				a, err := authn.NewCRAMMD5With(map[string]string{"credentials": credentialsJSON}, quiet)
				if err != nil {
					t.Fatal(err)
				}
				return a
			},
			Principal: "fw", Secret: "fwsecret",
		})
	})
}

func TestCatalogs(t *testing.T) {
	for name, mk := range authn.HTTPCatalog() {
		if a, err := mk(map[string]string{"credentials": credentialsJSON}); err != nil || a == nil {
			t.Errorf("%s: %v, %v", name, a, err)
		}
	}
	for name, mk := range authn.Catalog() {
		if a, err := mk(map[string]string{"credentials": credentialsJSON}); err != nil || a == nil {
			t.Errorf("%s: %v, %v", name, a, err)
		}
	}
}

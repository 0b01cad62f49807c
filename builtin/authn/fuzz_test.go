package authn_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

func FuzzParseCredentials(f *testing.F) {
	for _, seed := range []string{
		credentialsJSON, `{"credentials":[{"principal":"a","secret":"b"}]}`, "a b\nc d\n", "a", "[", "{}", `{"credentials":null}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		creds, err := authn.ParseCredentials([]byte(text))
		if err != nil {
			return
		}
		// Every credential parsed authenticates with its own secret.
		c := authn.NewCredentials(creds)
		for _, cred := range creds {
			if !c.Check(cred.GetPrincipal(), c.Secret(cred.GetPrincipal())) {
				t.Fatalf("%q: %v does not check", text, cred)
			}
		}
	})
}

// FuzzBasicAuthorization feeds the Authorization header to the basic
// authenticator: it never panics, answers exactly one result, and only
// the right secret authenticates.
func FuzzBasicAuthorization(f *testing.F) {
	for _, seed := range []string{
		"Basic " + base64.StdEncoding.EncodeToString([]byte("ops:pass:word")), "Basic", "Basic  x", "basic b3BzOg==", "", "Bearer x",
	} {
		f.Add(seed)
	}
	b := authn.NewBasicFrom(authn.NewCredentials([]*mesospb.Credential{cred("ops", "pass:word")}), "")
	f.Fuzz(func(t *testing.T, value string) {
		resp, err := b.Authenticate(context.Background(), &httpauthenticator.AuthenticateRequest{Headers: authorization(value)})
		if err != nil {
			t.Fatal(err)
		}
		if err := httpauthenticator.Check(resp); err != nil {
			t.Fatal(err)
		}
		if p := resp.GetPrincipal(); p != nil {
			user, pass, ok := authn.ParseBasicAuthorization(value)
			if !ok || user != "ops" || pass != "pass:word" || p.GetValue() != "ops" {
				t.Fatalf("%q authenticated %v", value, p)
			}
			if !strings.EqualFold(value[:5], "basic") {
				t.Fatalf("%q: not the Basic scheme", value)
			}
		}
	})
}

// FuzzParseCredential: any document parses or fails cleanly, and a parsed
// credential has a principal.
func FuzzParseCredential(f *testing.F) {
	for _, seed := range []string{`{"principal":"agent","secret":"s"}`, "agent secret\n", "", "{", `{"secret":"s"}`, "a b c"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := authn.ParseCredential(data)
		if err == nil && c.GetPrincipal() == "" {
			t.Fatalf("credential without a principal from %q", data)
		}
	})
}

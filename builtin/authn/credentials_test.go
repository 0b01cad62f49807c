package authn_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

var quiet = slog.New(slog.DiscardHandler)

func pairs(creds []*mesospb.Credential) map[string]string {
	out := map[string]string{}
	for _, c := range creds {
		out[c.GetPrincipal()] = c.GetSecret()
	}
	return out
}

func TestParseCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       map[string]string
	}{
		{"JSON", `{"credentials":[{"principal":"ops","secret":"s3cret"},{"principal":"fw","secret":"x"}]}`, map[string]string{"ops": "s3cret", "fw": "x"}},
		{"JSON array", `[{"principal":"ops","secret":"s3cret"}]`, map[string]string{"ops": "s3cret"}},
		{"JSON without secret", `{"credentials":[{"principal":"ops"}]}`, map[string]string{"ops": ""}},
		{"JSON unknown fields", `{"credentials":[{"principal":"a","secret":"b","note":1}],"x":true}`, map[string]string{"a": "b"}},
		{"text", "ops s3cret\nfw  x\n\n", map[string]string{"ops": "s3cret", "fw": "x"}},
		{"text CRLF", "ops s3cret\r\nfw x\r\n", map[string]string{"ops": "s3cret", "fw": "x"}},
		{"empty", "  \n", map[string]string{}},
		{"duplicate keeps last", "a 1\na 2\n", map[string]string{"a": "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds, err := authn.ParseCredentials([]byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for p := range pairs(creds) {
				got[p] = authn.NewCredentials(creds).Secret(p)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for p, s := range tc.want {
				if got[p] != s {
					t.Errorf("%s: secret %q, want %q", p, got[p], s)
				}
			}
		})
	}
	for _, bad := range []string{"ops", "a b c", `{"credentials":[{"secret":"no principal"}]}`, `[{"principal": 1}]`} {
		if creds, err := authn.ParseCredentials([]byte(bad)); err == nil {
			t.Errorf("ParseCredentials(%q) = %v, want an error", bad, creds)
		}
	}
}

func TestLoadCredentials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte(`{"credentials":[{"principal":"ops","secret":"pw"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{path, "file://" + path, `[{"principal":"ops","secret":"pw"}]`, "ops pw"} {
		creds, err := authn.LoadCredentials(v, quiet)
		if err != nil || pairs(creds)["ops"] != "pw" {
			t.Errorf("LoadCredentials(%q) = %v, %v", v, creds, err)
		}
	}
	if _, err := authn.LoadCredentials(path+".missing", quiet); err == nil {
		t.Error("a missing file was read")
	}
}

func TestCredentialsCheck(t *testing.T) {
	c := authn.NewCredentials([]*mesospb.Credential{cred("ops", "pw"), cred("empty", "")})
	for _, tc := range []struct {
		principal, secret string
		want              bool
	}{
		{"ops", "pw", true}, {"ops", "pw ", false}, {"ops", "", false}, {"nobody", "pw", false},
		{"empty", "", true}, {"nobody", "\x00", false}, {"", "", false},
	} {
		if got := c.Check(tc.principal, tc.secret); got != tc.want {
			t.Errorf("Check(%q, %q) = %v", tc.principal, tc.secret, got)
		}
	}
}

// TestParseCredential: an agent's --credential in JSON and text form.
func TestParseCredential(t *testing.T) {
	for text, want := range map[string]string{
		`{"principal": "agent", "secret": "s3cret"}`: "agent/s3cret",
		"agent s3cret\nother x\n":                    "agent/s3cret",
		"\n  agent   s3cret  \n":                     "agent/s3cret",
	} {
		c, err := authn.ParseCredential([]byte(text))
		if err != nil || c.GetPrincipal()+"/"+c.GetSecret() != want {
			t.Errorf("%q: %v %v, want %s", text, c, err, want)
		}
	}
	for _, bad := range []string{"", `{"secret":"s"}`, "{not json", "a b c"} {
		if _, err := authn.ParseCredential([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

package fileauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatortest"
	"google.golang.org/protobuf/proto"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	write(t, path, `{"credentials": [{"principal": "web", "secret": "s3cret"}, {"principal": "db", "secret": "x"}]}`)
	authenticatortest.Run(t, authenticatortest.Fixture{
		New: func(t *testing.T) authenticator.Authenticator {
			a, err := New(map[string]string{"credentials": path})
			if err != nil {
				t.Fatal(err)
			}
			return a
		},
		Principal: "web", Secret: "s3cret",
	})
}

func check(t *testing.T, a *Authenticator, principal, secret string) bool {
	t.Helper()
	resp, err := a.Authenticate(context.Background(), &authenticator.AuthenticateRequest{
		Credential: &mesospb.Credential{Principal: proto.String(principal), Secret: proto.String(secret)}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetAuthenticated()
}

func TestTextFormatHashedSecretsAndReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	sum := sha256.Sum256([]byte("hidden"))
	write(t, path, "web s3cret\nops sha256:"+hex.EncodeToString(sum[:])+"\n")
	a, err := New(map[string]string{"credentials": "file://" + path})
	if err != nil {
		t.Fatal(err)
	}
	if !check(t, a, "web", "s3cret") || !check(t, a, "ops", "hidden") || check(t, a, "ops", "sha256:"+hex.EncodeToString(sum[:])) {
		t.Fatal("text format or hashed secret not honoured")
	}
	// Revoke web; the change is seen on the next call.
	write(t, path, "ops sha256:"+hex.EncodeToString(sum[:])+"\nnew n3w\n")
	future := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, future, future); err != nil {
		t.Fatal(err)
	}
	if check(t, a, "web", "s3cret") || !check(t, a, "new", "n3w") {
		t.Error("the changed file was not read again")
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(nil); err == nil {
		t.Error("no credentials parameter accepted")
	}
	if _, err := New(map[string]string{"credentials": filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing file accepted")
	}
	bad := filepath.Join(dir, "bad")
	write(t, bad, "one two three\n")
	if _, err := New(map[string]string{"credentials": bad}); err == nil {
		t.Error("malformed line accepted")
	}
	write(t, bad, "p sha256:zz\n")
	if _, err := New(map[string]string{"credentials": bad}); err == nil {
		t.Error("malformed hash accepted")
	}
	// The file disappears after start: the master fails closed.
	good := filepath.Join(dir, "good")
	write(t, good, "p s\n")
	a, err := New(map[string]string{"credentials": good})
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(good)
	if _, err := a.Authenticate(context.Background(), &authenticator.AuthenticateRequest{
		Credential: &mesospb.Credential{Principal: proto.String("p"), Secret: proto.String("s")}}); err == nil {
		t.Error("a vanished credentials file did not fail the check")
	}
}

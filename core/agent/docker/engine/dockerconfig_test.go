package engine

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestParseDockerConfigFormats: both of Docker's formats give the
// credential of the image's registry, however the file and the image
// name it.
func TestParseDockerConfigFormats(t *testing.T) {
	configJSON := `{
		"auths": {
			"https://index.docker.io/v1/": {"auth": "` + b64("hubuser:hub:pass") + `", "email": "u@example.com"},
			"http://127.0.0.1:5000/v2/": {"username": "local", "password": "pw"},
			"Quay.IO": {"auth": "` + b64("q:qp") + `"},
			"gcr.io": {"auth": "` + b64("_token:x") + `", "identitytoken": "refresh-me"},
			"localhost:7000": {"registrytoken": "bearer"},
			"empty.example.com": {}
		},
		"HttpHeaders": {"User-Agent": "x"},
		"psFormat": "table"
	}`
	dockercfg := `{"https://index.docker.io/v1/": {"auth": "` + b64("hubuser:hub:pass") + `", "email": "u@example.com"},
		"127.0.0.1:5000": {"auth": "` + b64("local:pw") + `"}}`
	for name, doc := range map[string]string{"config.json": configJSON, ".dockercfg": dockercfg} {
		c, err := ParseDockerConfig([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, image := range []string{"busybox", "busybox:1.36", "library/busybox", "docker.io/library/busybox:1", "index.docker.io/library/busybox", "busybox@sha256:0123"} {
			a, ok := c.AuthFor(image)
			if !ok || a.Username != "hubuser" || a.Password != "hub:pass" || a.ServerAddress != dockerHubIndex {
				t.Errorf("%s: %s: credential %v %v", name, image, a, ok)
			}
		}
		for _, image := range []string{"127.0.0.1:5000/app:v1", "127.0.0.1:5000/team/app@sha256:abc"} {
			a, ok := c.AuthFor(image)
			if !ok || a.Username != "local" || a.Password != "pw" {
				t.Errorf("%s: %s: credential %v %v", name, image, a, ok)
			}
		}
		for _, image := range []string{"127.0.0.1:5001/app", "127.0.0.1/app", "other.example.com/app", "empty.example.com/app"} {
			if a, ok := c.AuthFor(image); ok {
				t.Errorf("%s: %s: unexpected credential %v", name, image, a)
			}
		}
		if len(c.Unsupported()) != 0 {
			t.Errorf("%s: unsupported %v", name, c.Unsupported())
		}
	}
	c, err := ParseDockerConfig([]byte(configJSON))
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := c.AuthFor("quay.io/org/app"); !ok || a.Username != "q" {
		t.Errorf("quay.io: %v %v", a, ok)
	}
	if a, ok := c.AuthFor("gcr.io/p/app"); !ok || a.IdentityToken != "refresh-me" || a.Username != "_token" {
		t.Errorf("gcr.io: %v %v", a, ok)
	}
	if a, ok := c.AuthFor("localhost:7000/app"); !ok || a.RegistryToken != "bearer" {
		t.Errorf("localhost:7000: %v %v", a, ok)
	}
	if got := strings.Join(c.Registries(), ","); got != "127.0.0.1:5000,docker.io,gcr.io,localhost:7000,quay.io" {
		t.Errorf("registries %s", got)
	}
	var none *DockerConfig
	if _, ok := none.AuthFor("busybox"); ok {
		t.Error("a nil config has a credential")
	}
}

// TestDockerConfigPrefersDockerLoginsKey: keys naming the same registry
// resolve as the docker CLI does (its own key first), never by map order.
func TestDockerConfigPrefersDockerLoginsKey(t *testing.T) {
	doc := `{"auths": {
		"docker.io": {"auth": "` + b64("a:1") + `"},
		"https://index.docker.io/v1/": {"auth": "` + b64("b:2") + `"},
		"index.docker.io": {"auth": "` + b64("c:3") + `"},
		"https://r.example.com/v2/": {"auth": "` + b64("d:4") + `"},
		"r.example.com": {"auth": "` + b64("e:5") + `"},
		"http://s.example.com": {"auth": "` + b64("f:6") + `"},
		"https://s.example.com": {"auth": "` + b64("g:7") + `"}
	}}`
	for range 20 {
		c, err := ParseDockerConfig([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		for image, user := range map[string]string{"busybox": "b", "r.example.com/x": "e", "s.example.com/x": "f"} {
			if a, _ := c.AuthFor(image); a == nil || a.Username != user {
				t.Fatalf("%s: credential %v, want user %s", image, a, user)
			}
		}
	}
}

func TestImageRegistry(t *testing.T) {
	for ref, want := range map[string]string{
		"busybox":                       "docker.io",
		"busybox:latest":                "docker.io",
		"library/busybox":               "docker.io",
		"user/app:v1":                   "docker.io",
		"docker.io/user/app":            "docker.io",
		"registry-1.docker.io/user/app": "docker.io",
		"localhost/app":                 "localhost",
		"localhost:5000/app":            "localhost:5000",
		"127.0.0.1:5000/a/b/c:tag":      "127.0.0.1:5000",
		"Registry/app":                  "registry",
		"quay.io/org/app@sha256:ab/cd":  "quay.io",
		"app@sha256:x/y":                "docker.io",
		"[::1]:5000/app":                "[::1]:5000",
	} {
		if got := ImageRegistry(ref); got != want {
			t.Errorf("ImageRegistry(%q) = %q, want %q", ref, got, want)
		}
	}
}

// TestParseDockerConfigRefusesBadFiles: a file Docker could not use is
// refused with an error that says why, without the secret in it.
func TestParseDockerConfigRefusesBadFiles(t *testing.T) {
	for doc, want := range map[string]string{
		`not json`:      "not a JSON object",
		`[1]`:           "not a JSON object",
		`null`:          "not a JSON object",
		`{} {}`:         "unexpected data",
		`{"auths": []}`: `"auths" is not an object`,
		`{"auths": {"r.io": {"auth": "%%secret%%"}}}`:             `"auth" of registry "r.io" is not base64`,
		`{"auths": {"r.io": {"auth": "` + b64("nocolon") + `"}}}`: "no colon",
		`{"r.io": {"auth": "!!"}}`:                                `"auth" of registry "r.io" is not base64`,
		`{"r.io": "user:pass"}`:                                   `the entry of registry "r.io" is not an object`,
		`{"auths": {"r.io": {"username": 7}}}`:                    `the entry of registry "r.io"`,
		`{"auths": {"https:///v1/": {"username": "u"}}}`:          `registry "https:///v1/" has no host`,
		`{"credsStore": 1}`:                                       `"credsStore" is not a string`,
		`{"credHelpers": ["x"]}`:                                  `"credHelpers" is not an object`,
	} {
		_, err := ParseDockerConfig([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", doc, err, want)
			continue
		}
		if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "nocolon") {
			t.Errorf("%s: the error shows the secret: %v", doc, err)
		}
	}
}

// TestDockerConfigCredentialHelpers: helpers are named as unsupported;
// the credentials written in the file are still used.
func TestDockerConfigCredentialHelpers(t *testing.T) {
	c, err := ParseDockerConfig([]byte(`{"auths": {"https://index.docker.io/v1/": {}, "r.io": {"auth": "` + b64("u:p") + `"}},
		"credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud", "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}`))
	if err != nil {
		t.Fatal(err)
	}
	u := strings.Join(c.Unsupported(), "\n")
	for _, want := range []string{`"credsStore": "desktop"`, "docker-credential-desktop", `"credHelpers"`, "gcr.io (gcloud)", "123.dkr.ecr.us-east-1.amazonaws.com (ecr-login)"} {
		if !strings.Contains(u, want) {
			t.Errorf("unsupported %q lacks %q", u, want)
		}
	}
	if _, ok := c.AuthFor("busybox"); ok {
		t.Error("the empty Docker Hub entry (kept by the credsStore) gave a credential")
	}
	if a, ok := c.AuthFor("r.io/app"); !ok || a.Username != "u" {
		t.Errorf("r.io: %v %v", a, ok)
	}
}

// TestRegistryAuthHeader: the header is what the daemon decodes:
// padded base64url of the JSON credential.
func TestRegistryAuthHeader(t *testing.T) {
	// A password whose encoding differs between base64 and base64url.
	a := &AuthConfig{Username: "u", Password: "??>>~~", ServerAddress: "127.0.0.1:5000"}
	h, err := registryAuthHeader(a)
	if err != nil {
		t.Fatal(err)
	}
	v := h.Get("X-Registry-Auth")
	b, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		t.Fatalf("header %q is not padded base64url: %v", v, err)
	}
	var got map[string]string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"username": "u", "password": "??>>~~", "serveraddress": "127.0.0.1:5000"}
	if len(got) != len(want) || got["username"] != "u" || got["password"] != "??>>~~" || got["serveraddress"] != "127.0.0.1:5000" {
		t.Errorf("decoded %v, want %v", got, want)
	}
	tok, _ := registryAuthHeader(&AuthConfig{IdentityToken: "t"})
	if b, _ := base64.URLEncoding.DecodeString(tok.Get("X-Registry-Auth")); string(b) != `{"identitytoken":"t"}` {
		t.Errorf("identity token header %s", b)
	}
	if h, _ := registryAuthHeader(nil); h != nil {
		t.Errorf("anonymous pull has headers %v", h)
	}
	if s := a.String(); strings.Contains(s, "??>>~~") {
		t.Errorf("String shows the password: %s", s)
	}
}

// FuzzParseDockerConfig: any input is parsed or refused without a panic;
// an accepted file answers every lookup, and its credentials always name
// a user or a token.
func FuzzParseDockerConfig(f *testing.F) {
	f.Add([]byte(`{"auths": {"https://index.docker.io/v1/": {"auth": "` + b64("u:p") + `", "email": "e@x"}}}`))
	f.Add([]byte(`{"127.0.0.1:5000": {"auth": "` + b64("u:p") + `"}}`))
	f.Add([]byte(`{"auths": {"gcr.io": {"identitytoken": "t"}}, "credsStore": "x", "credHelpers": {"a": "b"}}`))
	f.Add([]byte(`{"auths": {"HTTP://Host:1/v2": {"username": "u", "password": "p"}}, "psFormat": "x"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseDockerConfig(data)
		if err != nil {
			return
		}
		_ = c.Unsupported()
		for _, reg := range c.Registries() {
			if reg == "" {
				t.Fatal("empty registry name")
			}
			image := reg + "/x"
			if reg == dockerHub {
				image = "x"
			}
			if ImageRegistry(image) != reg {
				continue // a host an image name cannot name ("foo", "a@b")
			}
			a, ok := c.AuthFor(image)
			if !ok || a.Username == "" && a.Password == "" && a.IdentityToken == "" && a.RegistryToken == "" {
				t.Fatalf("registry %q: credential %v %v", reg, a, ok)
			}
			if _, err := registryAuthHeader(a); err != nil {
				t.Fatal(err)
			}
		}
	})
}

package agentflags

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/agent"
)

// TestDockerConfig: --docker_config inline, from a file:// path or a bare
// absolute path (Mesos's JSON flag forms) reaches the agent's Docker
// config; a file Docker could not use stops the agent, naming the flag;
// the credentials stay out of the flags the agent shows.
func TestDockerConfig(t *testing.T) {
	load := func(value string) (agent.Config, error) { return loadConfig(t, "--docker_config="+value) }
	auth := base64.StdEncoding.EncodeToString([]byte("user:topsecret"))
	good := `{"auths": {"https://index.docker.io/v1/": {"auth": "` + auth + `", "email": "username@example.com"}}}`
	file := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{good, "file://" + file, file} {
		cfg, err := load(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		a, ok := cfg.Docker.Config.AuthFor("busybox:latest")
		if !ok || a.Username != "user" || a.Password != "topsecret" {
			t.Errorf("%s: credential %v %v", v, a, ok)
		}
		if shown := cfg.Flags["docker_config"]; strings.Contains(shown, "topsecret") || strings.Contains(shown, auth) {
			t.Errorf("%s: the flags show the credential: %s", v, shown)
		}
	}
	for value, want := range map[string]string{
		`{"auths": {"r.io": {"auth": "not base64!"}}}`: `"auth" of registry "r.io" is not base64`,
		`{"auths": 3}`: `"auths" is not an object`,
		`["x"]`:        "not a JSON object",
	} {
		_, err := load(value)
		if err == nil || !strings.Contains(err.Error(), "--docker_config") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want --docker_config and %q", value, err, want)
		}
	}
	// Not JSON at all: refused when the flags load, naming the flag.
	if _, err := load(`{"auths": `); err == nil || !strings.Contains(err.Error(), "docker_config") {
		t.Errorf("truncated JSON: error %v", err)
	}
	cfg, err := load(`{}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Docker.Config.AuthFor("busybox"); ok {
		t.Error("an empty config has a credential")
	}
}

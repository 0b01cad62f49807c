package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// DockerConfig is the agent's --docker_config: the registry credentials
// of a Docker client configuration file, in either of Docker's formats,
// config.json ({"auths": {registry: entry}, ...}) or the older .dockercfg
// ({registry: entry}). Credentials kept by helpers (credsStore,
// credHelpers) are not read: the agent runs no helper programs (see
// Unsupported). The zero value and nil hold no credentials.
type DockerConfig struct {
	// auths is the credential of each registry, by registryKey.
	auths map[string]AuthConfig
	// unsupported describes what the file asks for that is not used.
	unsupported []string
}

// configFileKeys are the top-level keys of Docker's config.json besides
// the registries (the CLI's ConfigFile): a document holding one of them
// is a config.json even without "auths", not a .dockercfg whose keys
// are all registries.
var configFileKeys = []string{
	"auths", "HttpHeaders", "psFormat", "imagesFormat", "networksFormat",
	"pluginsFormat", "volumesFormat", "statsFormat", "detachKeys",
	"credsStore", "credHelpers", "serviceInspectFormat", "servicesFormat",
	"tasksFormat", "secretFormat", "configFormat", "nodesFormat",
	"pruneFilters", "proxies", "experimental", "stackOrchestrator",
	"kubernetes", "currentContext", "cliPluginsExtraDirs", "plugins", "aliases",
}

// authEntry is one registry's entry, in both formats.
type authEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	Email         string `json:"email"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

// ParseDockerConfig reads a Docker client configuration (the contents of
// --docker_config). Errors name what is wrong but never a secret.
func ParseDockerConfig(data []byte) (*DockerConfig, error) {
	var top map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if d.More() {
		return nil, errors.New("unexpected data after the JSON object")
	}
	if top == nil {
		return nil, errors.New("not a JSON object: null")
	}
	entries := map[string]json.RawMessage{}
	c := &DockerConfig{}
	if isConfigJSON(top) {
		if raw, ok := top["auths"]; ok {
			if err := json.Unmarshal(raw, &entries); err != nil {
				return nil, fmt.Errorf(`"auths" is not an object of registries: %w`, err)
			}
		}
		if err := c.noteHelpers(top); err != nil {
			return nil, err
		}
	} else {
		entries = top // the .dockercfg format: every key is a registry
	}
	candidates := map[string][]string{} // registryKey -> the file's keys
	decoded := map[string]AuthConfig{}
	for key, raw := range entries {
		a, ok, err := decodeAuthEntry(key, raw)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // no credential of its own (e.g. kept by credsStore)
		}
		reg := registryKey(key)
		if reg == "" {
			return nil, fmt.Errorf("registry %q has no host name", key)
		}
		decoded[key] = a
		candidates[reg] = append(candidates[reg], key)
	}
	c.auths = make(map[string]AuthConfig, len(candidates))
	for reg, keys := range candidates {
		c.auths[reg] = decoded[preferredKey(reg, keys)]
	}
	return c, nil
}

func isConfigJSON(top map[string]json.RawMessage) bool {
	for _, k := range configFileKeys {
		if _, ok := top[k]; ok {
			return true
		}
	}
	return false
}

// noteHelpers records credsStore and credHelpers, which name programs
// (docker-credential-<name>) the docker CLI runs to get credentials.
func (c *DockerConfig) noteHelpers(top map[string]json.RawMessage) error {
	if raw, ok := top["credsStore"]; ok {
		var store string
		if err := json.Unmarshal(raw, &store); err != nil {
			return fmt.Errorf(`"credsStore" is not a string: %w`, err)
		}
		if store != "" {
			c.unsupported = append(c.unsupported, fmt.Sprintf(`"credsStore": %q (docker-credential-%s is not run; only credentials written in "auths" are used)`, store, store))
		}
	}
	if raw, ok := top["credHelpers"]; ok {
		var helpers map[string]string
		if err := json.Unmarshal(raw, &helpers); err != nil {
			return fmt.Errorf(`"credHelpers" is not an object of strings: %w`, err)
		}
		regs := make([]string, 0, len(helpers))
		for reg, h := range helpers {
			regs = append(regs, fmt.Sprintf("%s (%s)", reg, h))
		}
		slices.Sort(regs)
		if len(regs) > 0 {
			c.unsupported = append(c.unsupported, `"credHelpers" for `+strings.Join(regs, ", ")+" (helpers are not run; those registries are pulled with the credentials in \"auths\", if any)")
		}
	}
	return nil
}

// decodeAuthEntry reads one registry's entry; ok is false for one
// without a credential (an e-mail address alone, or the empty entries
// Docker writes next to a credsStore).
func decodeAuthEntry(key string, raw json.RawMessage) (AuthConfig, bool, error) {
	var e authEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return AuthConfig{}, false, fmt.Errorf("the entry of registry %q is not an object of strings: %w", key, err)
	}
	a := AuthConfig{
		Username: e.Username, Password: e.Password, ServerAddress: key,
		IdentityToken: e.IdentityToken, RegistryToken: e.RegistryToken,
	}
	if e.Auth != "" {
		// As the docker CLI: "auth" is base64("user:password") and wins
		// over username and password.
		b, err := base64.StdEncoding.DecodeString(e.Auth)
		if err != nil {
			return AuthConfig{}, false, fmt.Errorf(`the "auth" of registry %q is not base64: %w`, key, err)
		}
		user, pass, ok := strings.Cut(string(b), ":")
		if !ok {
			return AuthConfig{}, false, fmt.Errorf(`the "auth" of registry %q is not base64 of "user:password" (no colon)`, key)
		}
		a.Username, a.Password = user, strings.Trim(pass, "\x00")
	}
	if a.Username == "" && a.Password == "" && a.IdentityToken == "" && a.RegistryToken == "" {
		return AuthConfig{}, false, nil
	}
	return a, true, nil
}

// Unsupported describes the parts of the file that are not used
// (credential helpers), for the agent to warn about.
func (c *DockerConfig) Unsupported() []string {
	if c == nil {
		return nil
	}
	return slices.Clone(c.unsupported)
}

// Registries are the registries the file holds credentials for, as
// registryKey names them (sorted).
func (c *DockerConfig) Registries() []string {
	if c == nil {
		return nil
	}
	regs := make([]string, 0, len(c.auths))
	for r := range c.auths {
		regs = append(regs, r)
	}
	slices.Sort(regs)
	return regs
}

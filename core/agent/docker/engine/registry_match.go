package engine

import (
	"slices"
	"strings"
)

// dockerHub is the registry key of Docker Hub, whatever name the image or
// the configuration file gives it.
const dockerHub = "docker.io"

// dockerHubIndex is the key docker login writes for Docker Hub.
const dockerHubIndex = "https://index.docker.io/v1/"

// hubAliases are the names of Docker Hub in images and configuration
// files.
var hubAliases = []string{"docker.io", "index.docker.io", "registry-1.docker.io"}

// registryKey names a registry of a configuration file as the docker CLI
// matches it (ConvertToHostname): without scheme and path, so
// "https://index.docker.io/v1/", "index.docker.io" and
// "http://127.0.0.1:5000/v2" are "docker.io" and "127.0.0.1:5000". Host
// names are compared case-insensitively. "" for a key without a host.
func registryKey(key string) string {
	s := key
	for _, scheme := range []string{"https://", "http://"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	s, _, _ = strings.Cut(s, "/")
	s = strings.ToLower(s)
	if slices.Contains(hubAliases, s) {
		return dockerHub
	}
	return s
}

// preferredKey picks, among the file's keys naming the same registry,
// the one the docker CLI looks up first (docker login's own key: the
// Docker Hub index URL, else the bare host), else the first in order, so
// the choice never depends on map order.
func preferredKey(reg string, keys []string) string {
	want := reg
	if reg == dockerHub {
		want = dockerHubIndex
	}
	if slices.Contains(keys, want) {
		return want
	}
	return slices.Min(keys)
}

// ImageRegistry is the registry an image reference is pulled from, as
// Docker's reference normalization decides it: the first path component
// when it looks like a host (has a dot or a port, is localhost, or has
// upper-case letters, which repository names cannot), else Docker Hub
// ("docker.io").
func ImageRegistry(ref string) string {
	name, _, _ := strings.Cut(ref, "@")
	first, _, ok := strings.Cut(name, "/")
	if !ok || (!strings.ContainsAny(first, ".:") && first != "localhost" && strings.ToLower(first) == first) {
		return dockerHub
	}
	return registryKey(first)
}

// AuthFor is the credential for pulling image, if the file holds one for
// its registry.
func (c *DockerConfig) AuthFor(image string) (*AuthConfig, bool) {
	if c == nil {
		return nil, false
	}
	a, ok := c.auths[ImageRegistry(image)]
	if !ok {
		return nil, false
	}
	return &a, true
}

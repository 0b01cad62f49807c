package agent

import (
	"net/http"

	"github.com/gomesos/mesos/core/buildinfo"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// serveFlags is /flags: {"flags": {name: value}}.
func (a *Agent) serveFlags(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, map[string]any{"flags": a.flagsMap()})
}

// serveVersion is /version: Mesos's version.cpp fields.
func (a *Agent) serveVersion(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{}
	addBuildFields(doc, a.versionInfo())
	writeJSON(w, r, doc)
}

// addBuildFields writes the version and build fields of /version and
// /state: git_* only when known, build_* always (Mesos's build::DATE,
// TIME and USER).
func addBuildFields(doc map[string]any, v *mesospb.VersionInfo) {
	doc["version"] = v.GetVersion()
	if v.GitSha != nil {
		doc["git_sha"] = v.GetGitSha()
	}
	if v.GitBranch != nil {
		doc["git_branch"] = v.GetGitBranch()
	}
	if v.GitTag != nil {
		doc["git_tag"] = v.GetGitTag()
	}
	doc["build_date"] = v.GetBuildDate()
	doc["build_time"] = v.GetBuildTime()
	doc["build_user"] = v.GetBuildUser()
}

// versionInfo is GET_VERSION's answer and the build fields of /version
// and /state: the agent's version and what the Go toolchain recorded of
// its build (the VCS revision and time, when built from a checkout), as
// the master's. The build fields are always set, as Mesos's version().
func (a *Agent) versionInfo() *mesospb.VersionInfo { return buildinfo.VersionInfo(a.cfg.Version) }

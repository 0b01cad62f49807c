package agent

import (
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// serveFlags is /flags: {"flags": {name: value}}.
func (a *Agent) serveFlags(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, map[string]any{"flags": a.flagsMap()})
}

// serveVersion is /version.
func (a *Agent) serveVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, map[string]any{
		"version":    a.cfg.Version,
		"build_date": "",
		"build_time": 0,
		"build_user": "",
	})
}

// versionInfo is GET_VERSION's answer.
func (a *Agent) versionInfo() *mesospb.VersionInfo {
	return &mesospb.VersionInfo{Version: proto.String(a.cfg.Version)}
}

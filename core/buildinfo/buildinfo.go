// Package buildinfo is what the daemons report of their build (/version,
// /state and GET_VERSION): Mesos's version they speak and what the Go
// toolchain recorded of the build.
package buildinfo

import (
	"runtime/debug"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// VersionInfo is version and the build's VCS revision and time, when it
// was built from a checkout. The build fields are always set (empty or 0
// when unknown), as Mesos's version() sets them.
func VersionInfo(version string) *mesospb.VersionInfo {
	v := &mesospb.VersionInfo{
		Version:   proto.String(version),
		BuildDate: proto.String(""),
		BuildTime: proto.Float64(0),
		BuildUser: proto.String(""),
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.GitSha = proto.String(s.Value)
		case "vcs.time":
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				v.BuildDate = proto.String(t.UTC().Format(time.DateTime))
				v.BuildTime = proto.Float64(float64(t.Unix()))
			}
		}
	}
	return v
}

package buildinfo

import "testing"

// The version is the one given and the build fields are always present,
// as Mesos's clients (the web UI, the CLI) read them without checking.
func TestVersionInfo(t *testing.T) {
	v := VersionInfo("1.11.0")
	if v.GetVersion() != "1.11.0" {
		t.Errorf("version %q", v.GetVersion())
	}
	if v.BuildDate == nil || v.BuildTime == nil || v.BuildUser == nil {
		t.Errorf("build fields missing: %v", v)
	}
}

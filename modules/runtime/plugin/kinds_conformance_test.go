package plugin

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/anonymous"
	"github.com/gomesos/mesos/modules/kinds/anonymous/anonymoustest"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatortest"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizertest"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/containerlogger/containerloggertest"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator/httpauthenticatortest"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/mastercontender/mastercontendertest"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectortest"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollertest"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatortest"
)

// Every other kind's conformance suite, through the runtime, against the
// example authenticator and the kinds test plugin (built-ins served by
// the SDK, several modules in one binary).

// kindsModule loads module name of the kinds test plugin.
func kindsModule[T any](t *testing.T, l *Loader, kind modules.Kind, name string, params map[string]string) T {
	t.Helper()
	return load(t, l, modules.Spec{Library: "kinds", Name: name, Kind: kind, File: bins["kinds"], Parameters: params}).Impl.(T)
}

func TestAuthenticatorConformance(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(creds, []byte("web s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := newTestLoader(t, Options{})
	authenticatortest.Run(t, authenticatortest.Fixture{
		New: func(t *testing.T) authenticator.Authenticator {
			return load(t, l, modules.Spec{Name: "file", Kind: modules.KindAuthenticator, File: bins["auth"],
				Parameters: map[string]string{"credentials": creds}}).Impl.(authenticator.Authenticator)
		},
		Principal: "web", Secret: "s3cret",
	})
}

func TestHTTPAuthenticatorConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	header := func(v string) []*httpauthenticator.Header {
		return []*httpauthenticator.Header{{Name: "Authorization", Values: []string{v}}}
	}
	basic := func(user, pass string) []*httpauthenticator.Header {
		return header("Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	}
	httpauthenticatortest.Run(t, httpauthenticatortest.Fixture{
		New: func(t *testing.T) httpauthenticator.HTTPAuthenticator {
			return kindsModule[httpauthenticator.HTTPAuthenticator](t, l, modules.KindHTTPAuthenticator, "basic",
				map[string]string{"credentials": `[{"principal":"ops","secret":"pass:word"}]`})
		},
		Realm:     "mesos-master-readwrite",
		Valid:     basic("ops", "pass:word"),
		Principal: "ops",
		Invalid:   [][]*httpauthenticator.Header{basic("ops", "wrong"), basic("nobody", "pass:word"), header("Digest x")},
	})
}

func TestAuthorizerConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	obj := func(v string) *authorizer.Object { return &authorizer.Object{Value: proto.String(v)} }
	authorizertest.Run(t, authorizertest.Fixture{
		New: func(t *testing.T) authorizer.Authorizer {
			return kindsModule[authorizer.Authorizer](t, l, modules.KindAuthorizer, "by-value", nil)
		},
		Cases: []authorizertest.Case{
			{Name: "same", Request: &authorizer.AuthorizedRequest{Subject: authorizer.Principal("a"), Action: authorizer.Action_VIEW_ROLE, Object: obj("a")}, Allowed: true},
			{Name: "other", Request: &authorizer.AuthorizedRequest{Subject: authorizer.Principal("a"), Action: authorizer.Action_VIEW_ROLE, Object: obj("b")}, Allowed: false},
		},
	})
}

func TestQoSControllerConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	qoscontrollertest.Run(t, qoscontrollertest.Fixture{New: func(t *testing.T) qoscontroller.QoSController {
		return kindsModule[qoscontroller.QoSController](t, l, modules.KindQoSController, "noop-qos", nil)
	}})
}

func TestResourceEstimatorConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	resourceestimatortest.Run(t, resourceestimatortest.Fixture{New: func(t *testing.T) resourceestimator.ResourceEstimator {
		return kindsModule[resourceestimator.ResourceEstimator](t, l, modules.KindResourceEstimator, "fixed-estimator",
			map[string]string{"resources": "cpus:14;mem:1024"})
	}})
}

func TestContainerLoggerConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	// Both loggers write the sandbox's stdout and stderr (logrotate's
	// limit is too large to rotate here). Each New is a new process, so
	// the suite's agent restarts restart the plugin for real.
	read := func(t *testing.T, c *containerlogger.Container, s containerlogger.Stream) []byte {
		data, err := os.ReadFile(filepath.Join(c.GetDirectory(), containerlogger.FileName(s)))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for name, params := range map[string]map[string]string{
		"sandbox-logger":   nil,
		"logrotate-logger": {"max_stdout_size": "10MB", "max_stderr_size": "10MB"},
	} {
		t.Run(name, func(t *testing.T) {
			containerloggertest.Run(t, containerloggertest.Fixture{New: func(t *testing.T) containerlogger.ContainerLogger {
				return kindsModule[containerlogger.ContainerLogger](t, l, modules.KindContainerLogger, name, params)
			}, Read: read})
		})
	}
}

func TestMasterContenderConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	mastercontendertest.Run(t, mastercontendertest.Fixture{New: func(t *testing.T) mastercontender.MasterContender {
		return kindsModule[mastercontender.MasterContender](t, l, modules.KindMasterContender, "standalone-contender", nil)
	}})
}

func TestMasterDetectorConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	masterdetectortest.Run(t, masterdetectortest.Fixture{New: func(t *testing.T) masterdetector.MasterDetector {
		return kindsModule[masterdetector.MasterDetector](t, l, modules.KindMasterDetector, "standalone-detector", nil)
	}})
}

func TestAnonymousConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	anonymoustest.Run(t, anonymoustest.Fixture{
		New: func(t *testing.T) anonymous.Anonymous {
			return kindsModule[anonymous.Anonymous](t, l, modules.KindAnonymous, "waiter", nil)
		},
		Parameters: map[string]string{"interval": "1secs"},
	})
}

package prototest

import (
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestCompatibilityTableIsComplete keeps docs/COMPATIBILITY.md honest about
// its coverage: every call and event type of the protos has a row in the
// section that names its message.
func TestCompatibilityTableIsComplete(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/COMPATIBILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(doc), "\n## ")[1:] {
		heading, body, _ := strings.Cut(part, "\n")
		sections[heading] = body
	}
	for _, m := range []proto.Message{
		&schedulerpb.Call{}, &schedulerpb.Event{}, &executorpb.Call{}, &executorpb.Event{},
		&masterpb.Call{}, &masterpb.Event{}, &agentpb.Call{},
	} {
		name := string(m.ProtoReflect().Descriptor().FullName())
		var body string
		for heading, b := range sections {
			if strings.Contains(heading, "`"+name+"`") {
				body = b
			}
		}
		if body == "" {
			t.Errorf("no section of COMPATIBILITY.md names `%s`", name)
			continue
		}
		values := m.ProtoReflect().Descriptor().Fields().ByName("type").Enum().Values()
		for i := 0; i < values.Len(); i++ {
			v := string(values.Get(i).Name())
			if v != "UNKNOWN" && !strings.Contains(body, "| `"+v+"` |") {
				t.Errorf("COMPATIBILITY.md has no row for %s %s", name, v)
			}
		}
	}
}

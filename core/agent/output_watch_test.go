package agent

import (
	"bytes"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// TestStreamedOutputDoesNotWaitForThePoll: a session's output reaches the
// client when it is written (inotify), not at the next poll of the
// sandbox files: with the poll set to an hour, a command's first line
// still arrives while the command waits for input, and its answer to the
// input after it.
func TestStreamedOutputDoesNotWaitForThePoll(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inotify is Linux's")
	}
	a, stop, parent := startParent(t, "output-watch")
	a.outputPollOverride.Store(int64(time.Hour))
	j := httpapi.JSON
	id := &mesospb.ContainerID{Value: proto.String("watched"), Parent: parent}
	out := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION.Enum(),
		LaunchNestedContainerSession: &agentpb.Call_LaunchNestedContainerSession{ContainerId: id,
			Command: &mesospb.CommandInfo{Value: proto.String(`echo first; read x; echo "got:$x"`)}}})
	readStdout(t, out, "first\n")
	resp := attachInput(t, a, j, bytes.NewReader(append(containerIDRecord(t, j, id), stdinRecord(t, j, "hi\n")...)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("input: %s", resp.Status)
	}
	readStdout(t, out, "got:hi\n")
	for range out {
	}
	stop()
}
